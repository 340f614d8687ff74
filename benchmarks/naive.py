"""The alternative without Solr and without a search index: ILIKE and GROUP BY over CKAN's own tables.

What a catalogue would do if it answered dataset search straight from ``package``: the same visibility
rules as an anonymous package_search (active, public, type dataset), a count, one page of 20 rows
newest first, and the four facets counted with GROUP BY.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

PAGE_SIZE = 20
_VISIBLE = "p.state = 'active' AND NOT p.private AND p.type = 'dataset'"
_FACETS = {
    "organization": """SELECT g.name, count(*) FROM package p JOIN "group" g ON g.id = p.owner_org
                       WHERE {where} GROUP BY g.name ORDER BY 2 DESC LIMIT 50""",
    "tags": """SELECT t.name, count(*) FROM package p JOIN package_tag pt ON pt.package_id = p.id
               AND pt.state = 'active' JOIN tag t ON t.id = pt.tag_id
               WHERE {where} GROUP BY t.name ORDER BY 2 DESC LIMIT 50""",
    "res_format": """SELECT r.format, count(DISTINCT p.id) FROM package p JOIN resource r
                     ON r.package_id = p.id AND r.state = 'active'
                     WHERE {where} GROUP BY r.format ORDER BY 2 DESC LIMIT 50""",
    "license_id": """SELECT p.license_id, count(*) FROM package p
                     WHERE {where} GROUP BY p.license_id ORDER BY 2 DESC LIMIT 50""",
}


@dataclass(frozen=True)
class Question:
    """A search page: free-text words (all must occur), an organisation filter, facets or not."""

    words: list[str] = field(default_factory=list)
    organisation: str | None = None
    facets: bool = False


def run(session: Any, question: Question) -> int:
    """Answer ``question`` the naive way; returns the number of matching datasets."""
    conditions, params = [_VISIBLE], {}
    for number, word in enumerate(question.words):
        params[f"w{number}"] = f"%{word}%"
        conditions.append(
            f"(p.title ILIKE :w{number} OR p.notes ILIKE :w{number} OR p.name ILIKE :w{number} "
            f"OR EXISTS (SELECT 1 FROM package_tag pt JOIN tag t ON t.id = pt.tag_id "
            f"WHERE pt.package_id = p.id AND t.name ILIKE :w{number}))")
    if question.organisation:
        params["organisation"] = question.organisation
        conditions.append("p.owner_org = (SELECT id FROM \"group\" WHERE name = :organisation)")
    where = " AND ".join(conditions)
    count = session.execute(sa.text(f"SELECT count(*) FROM package p WHERE {where}"), params).scalar_one()
    session.execute(sa.text(
        f"SELECT p.id, p.name, p.title, p.notes, p.metadata_modified FROM package p WHERE {where} "
        f"ORDER BY p.metadata_modified DESC LIMIT {PAGE_SIZE}"), params).all()
    if question.facets:
        for statement in _FACETS.values():
            session.execute(sa.text(statement.format(where=where)), params).all()
    return count
