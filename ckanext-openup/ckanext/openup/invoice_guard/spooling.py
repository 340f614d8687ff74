"""Copying an uploaded or linked file into a temporary file of our own, with a byte cap and its sha256."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

from ckanext.openup import safe_http

CHUNK_BYTES = 1 << 20
# Extensions the procurement reader knows; anything else is read as text and sniffed.
KNOWN_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".json")


class FileTooLargeError(Exception):
    """The file is larger than the guard reads."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        super().__init__(f"larger than {max_bytes} bytes")


@dataclass(frozen=True)
class SpooledFile:
    """A private copy of an incoming file: where it is, its size and its sha256."""

    path: str
    size: int
    sha256: str


def suffix_of(file_name: str) -> str:
    """The file name's extension when the reader knows it (the reader sniffs the rest)."""
    suffix = os.path.splitext(file_name or "")[1].lower()
    return suffix if suffix in KNOWN_SUFFIXES else ".csv"


@contextmanager
def spooled(chunks: Iterator[bytes], file_name: str, max_bytes: int) -> Iterator[SpooledFile]:
    """Write ``chunks`` to a temporary file that is removed when the block ends, whatever happens.

    Raises FileTooLargeError as soon as more than ``max_bytes`` arrive.
    """
    descriptor, path = tempfile.mkstemp(prefix="openup-guard-", suffix=suffix_of(file_name))
    try:
        digest = hashlib.sha256()
        size = 0
        with os.fdopen(descriptor, "wb") as copy:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise FileTooLargeError(max_bytes)
                digest.update(chunk)
                copy.write(chunk)
        yield SpooledFile(path=path, size=size, sha256=digest.hexdigest())
    finally:
        os.unlink(path)


def stream_chunks(stream: BinaryIO) -> Iterator[bytes]:
    """The bytes of a seekable upload stream from its start (rewind it again for CKAN's uploader)."""
    stream.seek(0)
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk


@contextmanager
def downloaded(url: str, max_bytes: int, allow_private: bool, deadline: float) -> Iterator[SpooledFile]:
    """Fetch a linked file into a temporary folder removed when the block ends, whatever happens.

    Only public addresses unless ``allow_private`` (see ``safe_http``); raises ``safe_http.FetchError``
    (``ResponseTooLargeError`` beyond ``max_bytes``, ``UnsafeUrlError`` for a refused address).
    """
    folder = tempfile.mkdtemp(prefix="openup-guard-")
    try:
        path = os.path.join(folder, "linked" + suffix_of(urlsplit(url).path))
        safe_http.download_to(url, path, max_bytes=max_bytes, deadline=deadline, allow_private=allow_private)
        digest = hashlib.sha256()
        with open(path, "rb") as stream:
            while chunk := stream.read(CHUNK_BYTES):
                digest.update(chunk)
        yield SpooledFile(path=path, size=os.path.getsize(path), sha256=digest.hexdigest())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
