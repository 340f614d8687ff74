"""Free text that must survive XML: remove what XML 1.0 cannot carry, keep everything else."""

from __future__ import annotations

import re

# C0 controls except TAB, LF and CR, lone surrogates and the two non-characters XML 1.0 forbids.
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters an XML 1.0 document may not contain (bidi marks and emoji stay)."""
    return _NOT_XML_CHAR.sub("", text)


def is_xml_safe(text: str) -> bool:
    """True when ``text`` can be written into XML 1.0 unchanged."""
    return not _NOT_XML_CHAR.search(text)
