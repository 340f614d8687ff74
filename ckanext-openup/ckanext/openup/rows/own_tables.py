"""The project's own tables in the DataStore database (``_openup_*``) kept free of CKAN 2.11's full-text trigger.

CKAN 2.11's ``ckan datastore set-permissions`` script puts its ``zfulltext`` trigger on *every* table of the
public schema that lacks one, ours included; the trigger then fails every insert ("record "new" has no field
"_full_text""). CKAN 2.12 leaves tables whose name starts with ``_`` alone. This undoes 2.11's doing.
"""

from __future__ import annotations

import sqlalchemy as sa

_FOREIGN_TRIGGERS = sa.text(
    "SELECT format('DROP TRIGGER zfulltext ON %I', c.relname) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE t.tgname = 'zfulltext' AND n.nspname = 'public' AND starts_with(c.relname, '_openup')")


def drop_full_text_triggers(connection: sa.engine.Connection) -> None:
    """Drop the DataStore's full-text trigger from our own tables (nothing to do, and no lock, on CKAN 2.12)."""
    for (statement,) in connection.execute(_FOREIGN_TRIGGERS).all():
        connection.execute(sa.text(statement))
