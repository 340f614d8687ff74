"""The server's guard on supplier-invoice files: every file a resource of the type gets is read first.

Web form, API upload, API link and ``openup publish`` all end in ``resource_create`` or ``resource_update``;
the guard reads the file there, before CKAN stores anything, with the same ``procurement`` reader the
``openup`` commands use. ``spooling`` copies the file aside (capped), ``reading`` judges it, ``hooks``
turns the judgement into a validation error or into the resource's fields.
"""
