"""Pure functions over supplier-invoice files (leverantörsreskontra, ostolaskut).

Reading and decoding, header-variant recognition and mapping to the Swedish spec 1.1 column
names, row checks, identity-number detection, normalisation, redaction and summaries. Nothing
here imports CKAN, so the ``openup`` CLI and the CKAN plugin can share it.
"""

from ckanext.openup.procurement.errors import InvoiceFileError, UnknownHeaderError, UnreadableFileError

__all__ = ["InvoiceFileError", "UnknownHeaderError", "UnreadableFileError"]
