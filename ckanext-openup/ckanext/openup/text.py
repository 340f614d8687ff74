"""Text from outside: free text that must survive XML, and ids or names that must be fit to look up."""

from __future__ import annotations

import re
import unicodedata

# C0 controls except TAB, LF and CR, lone surrogates and the two non-characters XML 1.0 forbids.
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters an XML 1.0 document may not contain (bidi marks and emoji stay)."""
    return _NOT_XML_CHAR.sub("", text)


def is_xml_safe(text: str) -> bool:
    """True when ``text`` can be written into XML 1.0 unchanged."""
    return not _NOT_XML_CHAR.search(text)


def malformed_reference(id_or_name: object) -> bool:
    """True when ``id_or_name`` cannot be an id or name in CKAN: not text, or holding control characters.

    Ids and names never hold them, and PostgreSQL refuses a query holding NUL (a 500), so such a value
    is refused before any lookup.
    """
    return not isinstance(id_or_name, str) or any(unicodedata.category(c) == "Cc" for c in id_or_name)
