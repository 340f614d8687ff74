"""Refuse RDF documents that would make rdflib work without bound, or fetch something on its own.

- RDF/XML with a DTD (``<!DOCTYPE``): entity declarations (the "billion laughs") and external entities
  live there, and a catalogue needs neither. Expat itself looks, so every encoding (UTF-16 too) is seen.
- RDF/XML text in very many pieces: expat hands text over in pieces (split at every entity reference such
  as ``&amp;`` and every line end) and rdflib joins the pieces of a value by repeated concatenation, which
  is quadratic: 400,000 ``&amp;`` in one title took 14 s, and the time grows with the square. The work
  that joining would cost is counted here, in one fast pass, and a document over ``MAX_JOIN_WORK`` is refused.
- JSON-LD naming a remote ``@context`` (or ``@import``): rdflib would fetch it, from any address.
"""

from __future__ import annotations

import json
from xml.parsers import expat

# Characters rdflib would copy while joining text pieces: about two seconds of its work.
MAX_JOIN_WORK = 10_000_000_000
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_FEED_BYTES = 64 * 1024  # as xml.sax feeds expat, so the pieces are the same


class UnsafeRdfError(Exception):
    """The document is refused before rdflib sees it; ``line`` when known."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        self.reason = reason
        self.line = line
        super().__init__(reason)


def check_rdf_xml(content: bytes) -> None:
    """Raise UnsafeRdfError for a DTD, or for text rdflib would take unbounded time to join.

    Documents that are not well-formed are left to rdflib, which reports where.
    """
    pass_ = _JoinWork()
    try:
        for start in range(0, len(content), _FEED_BYTES):
            pass_.parser.Parse(content[start:start + _FEED_BYTES], False)
        pass_.parser.Parse(b"", True)
    except expat.ExpatError:
        return


def check_json_ld(content: bytes) -> None:
    """Raise UnsafeRdfError when the document names a context rdflib would fetch."""
    try:
        document = json.loads(content)
    except (ValueError, RecursionError):
        return  # rdflib reports the syntax error
    if _names_remote_context(document):
        raise UnsafeRdfError("a remote JSON-LD context (@context or @import naming a URL) is not fetched: "
                             "write the context into the document")


def _names_remote_context(node: object) -> bool:
    stack = [node]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("@context", "@import") and _has_string(item):
                    return True
                stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _has_string(context: object) -> bool:
    items = context if isinstance(context, list) else [context]
    return any(isinstance(item, str) for item in items)


class _JoinWork:
    """One expat pass that refuses a DTD and counts the copying rdflib's text joining would do."""

    def __init__(self) -> None:
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.namespace_prefixes = True
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.work = 0
        # One entry per open element outside XML literals: [name, line, characters so far, pieces].
        self.values: list[list] = []
        # Inside rdf:parseType="Literal" every tag and text joins the literal's one value.
        self.literal_depth = 0

    def _doctype(self, *_: object) -> None:
        raise UnsafeRdfError("a DTD (<!DOCTYPE ...>) is not read: entity declarations can make a tiny file "
                             "expand without end. RDF/XML needs no DTD; remove it",
                             self.parser.CurrentLineNumber)

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        if self.literal_depth:
            self.literal_depth += 1
            self._join(len(name) + 2)
            return
        self.values.append([_prefixed(name), self.parser.CurrentLineNumber, 0, 0])
        if attributes.get(f"{_RDF} parseType rdf", attributes.get(f"{_RDF} parseType")) == "Literal":
            self.literal_depth = 1

    def _end(self, name: str) -> None:
        if self.literal_depth > 1:
            self.literal_depth -= 1
            self._join(len(name) + 3)
            return
        self.literal_depth = 0
        self.values.pop()

    def _text(self, text: str) -> None:
        if self.values:
            self._join(len(text))

    def _join(self, length: int) -> None:
        value = self.values[-1]
        self.work += value[2]  # the characters joined so far are copied once more
        value[2] += length
        value[3] += 1
        if self.work > MAX_JOIN_WORK:
            raise UnsafeRdfError(
                f"the text of {value[0]} comes in more than {value[3]:,} pieces (entity references such as "
                "&amp; or line breaks): reading it would take minutes. Write the text in fewer pieces",
                value[1])


def _prefixed(name: str) -> str:
    """``dct:title`` for expat's "namespace local prefix" name."""
    parts = name.split(" ")
    if len(parts) == 3:
        return f"{parts[2]}:{parts[1]}"
    return parts[-1]
