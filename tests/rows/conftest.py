from __future__ import annotations

import pytest

from tests.supplier_invoices import SUNDSVALL, create_organisation, create_supplier_invoice


@pytest.fixture
def sundsvall(clean_db, with_plugins):
    return create_organisation(SUNDSVALL)


@pytest.fixture
def dataset(sundsvall):
    """Sundsvall's 2025 invoices, no files yet (each test uploads its months)."""
    return create_supplier_invoice(sundsvall, year=2025, resources=[])
