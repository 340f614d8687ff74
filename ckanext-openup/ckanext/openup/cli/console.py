"""Console output that never stops the command over a character the console cannot show.

On Windows, output redirected to a file or pipe (and old consoles) uses the ANSI code page, cp1252 in
Sweden and Finland: it has å, ä and ö but not every character a file may hold (an arrow, a Cyrillic
supplier name). Python would stop with UnicodeEncodeError half-way through a report; ``?`` is shown instead.
"""

from __future__ import annotations

import codecs
import io
import sys

_UNICODE_ENCODINGS = frozenset({"utf-8", "utf-16", "utf-32"})


def keep_output_printable() -> None:
    """Let stdout and stderr replace what their encoding cannot show rather than raise."""
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper) or not stream.encoding:
            continue
        try:
            encoding = codecs.lookup(stream.encoding).name
        except LookupError:
            continue
        if encoding not in _UNICODE_ENCODINGS and stream.errors == "strict":
            stream.reconfigure(errors="replace")
