"""What a check reports: one finding per problem, graded by what it does to a dataportal.se harvest."""

from __future__ import annotations

from dataclasses import asdict, dataclass

# The harvest of the whole organisation fails (dataportal.se aborts or cannot read the catalogue).
BLOCKING = "blocking"
# Breaks a mandatory DCAT-AP-SE rule: harvested, but reported as an error and scored down.
VIOLATION = "violation"
# A recommendation is not followed.
WARNING = "warning"

SEVERITY_ORDER = {BLOCKING: 0, VIOLATION: 1, WARNING: 2}


@dataclass(frozen=True)
class Finding:
    """One problem: which thing (``kind`` and ``subject``), which property, and what is wrong."""

    severity: str
    message: str
    kind: str = ""
    subject: str = ""
    property: str = ""
    value: str = ""
    dataset: str = ""  # for a distribution: the dataset it belongs to

    def as_dict(self) -> dict[str, str]:
        return {key: value for key, value in asdict(self).items() if value}

    def sort_key(self) -> tuple[int, str, str, str]:
        return SEVERITY_ORDER.get(self.severity, 9), self.kind, self.subject, self.property
