"""The last check before upload: no personal identity number may leave the publisher's machine.

``prepare`` removes them; this catches a file edited by hand afterwards or one prepared by an older
version. It reuses procurement's detection, so both agree on what a personnummer is.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from ckanext.openup.procurement.identity import contains_identity_number, find_identity_numbers
from ckanext.openup.procurement.prepared import OUTPUT_ENCODING
from ckanext.openup.procurement.variants import SPEC_COLUMNS

MAX_FINDINGS = 5


@dataclass(frozen=True)
class IdentityNumberFinding:
    """Where a personal identity number is: file, line (1 = header) and column name."""

    path: str
    line: int
    column: str
    kind: str

    def describe(self) -> str:
        return f"{self.path}, line {self.line}, column {self.column!r}: contains a {self.kind}"


class UnreadableForCheckError(Exception):
    """A prepared file that cannot be read to the end: it is not sent unchecked."""


def find_personal_data(path: str, limit: int = MAX_FINDINGS) -> list[IdentityNumberFinding]:
    """The first ``limit`` personal identity numbers in a prepared file (empty when it is clean).

    Raises UnreadableForCheckError when the file cannot be read to the end.
    """
    try:
        return _scan(path, limit)
    except (UnicodeDecodeError, csv.Error, OSError) as error:
        raise UnreadableForCheckError(f"{path}: could not be checked for personal data ({error})") from None


def _scan(path: str, limit: int) -> list[IdentityNumberFinding]:
    found: list[IdentityNumberFinding] = []
    clean: set[str] = set()  # most values repeat (suppliers, accounts): test each once
    with open(path, encoding=OUTPUT_ENCODING, newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader, None) or SPEC_COLUMNS
        line = reader.line_num
        for row in reader:
            first_line, line = line + 1, reader.line_num
            for index, cell in enumerate(row):
                if not cell or cell in clean:
                    continue
                if not contains_identity_number(cell):
                    clean.add(cell)
                    continue
                column = header[index] if index < len(header) else f"#{index + 1}"
                kind = find_identity_numbers(cell)[0].kind
                found.append(IdentityNumberFinding(path, first_line, column, kind))
                if len(found) >= limit:
                    return found
    return found
