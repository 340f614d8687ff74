from __future__ import annotations

import pytest

from tests.supplier_invoices import SUNDSVALL, TAMPERE, create_organisation, create_supplier_invoice


@pytest.fixture
def sundsvall(clean_db, with_plugins):
    return create_organisation(SUNDSVALL)


@pytest.fixture
def dataset(sundsvall):
    """Sundsvall's 2025 invoices, no files yet (each test uploads its months)."""
    return create_supplier_invoice(sundsvall, year=2025, resources=[])


@pytest.fixture
def tampere_dataset(clean_db, with_plugins):
    """Tampere's supplier-invoice year 2025, without months (a Finnish organisation: euros, Y-tunnus)."""
    return create_supplier_invoice(create_organisation(TAMPERE), year=2025, resources=[])
