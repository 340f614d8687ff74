from __future__ import annotations

import pytest
import sqlalchemy as sa

from ckanext.openup.rows.spending_store import TABLES
from ckanext.openup.spending.queries import store_connection
from tests.supplier_invoices import SUNDSVALL, TAMPERE, VASTERAS, create_organisation


@pytest.fixture
def sundsvall(clean_db, with_plugins):
    return create_organisation(SUNDSVALL)


@pytest.fixture
def vasteras(sundsvall):
    return create_organisation(VASTERAS)


@pytest.fixture
def tampere(sundsvall):
    return create_organisation(TAMPERE)

@pytest.fixture
def empty_spending_store(sundsvall):
    """No rows left in the store by earlier tests (their datasets are gone with clean_db, their rows are not)."""
    with store_connection() as connection, connection.begin():  # SQLAlchemy 1.4 (CKAN 2.11) and 2.0
        for table in TABLES:
            if connection.execute(sa.text("SELECT to_regclass(:t)"), {"t": table}).scalar():
                connection.execute(sa.text(f'TRUNCATE "{table}"'))
