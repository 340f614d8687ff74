"""``openup publish``: put prepared monthly invoice files into a yearly supplier-invoice dataset on CKAN.

``local_files`` and ``privacy`` read the prepared files, ``metadata`` derives the dataset and resource
fields, ``plan`` compares them with what the site holds (pure), ``site`` talks to CKAN through ckanapi
and ``apply`` carries a plan out. Nothing here imports CKAN itself, so it runs on a publisher's machine.
"""
