"""How a supplier number the buyer wrote becomes a key: shared across buyers only when it is a valid company number."""

from __future__ import annotations

import pytest

from ckanext.openup.rows.spending_store import supplier_identity

BUYER = "org-vasteras"


@pytest.mark.parametrize(("written", "expected"), [
    ("5560360793", ("orgnr", "SE5560360793")),
    ("556036-0793", ("orgnr", "SE5560360793")),
    ("165560360793", ("orgnr", "SE5560360793")),  # the 16-prefixed register form
    ("0144411-3", ("ytunnus", "FI0144411-3")),
])
def test_valid_company_numbers_get_the_same_key_in_sweden_and_finland(written, expected):
    assert supplier_identity(written, BUYER, "se") == expected
    assert supplier_identity(written, "org-tampere", "fi") == expected


def test_bare_eight_digits_are_a_y_tunnus_only_in_a_finnish_file():
    assert supplier_identity("01444113", "org-tampere", "fi") == ("ytunnus", "FI0144411-3")
    assert supplier_identity("01444113", BUYER, "se") == ("internal", f"internal:{BUYER}:01444113")


@pytest.mark.parametrize("written", ["10234", "5560360794", "L-4711", "0144411-4"])
def test_other_numbers_are_the_buyers_own(written):
    assert supplier_identity(written, BUYER, "se") == ("internal", f"internal:{BUYER}:{written}")
    assert supplier_identity(written, "org-sundsvall", "se")[1] != supplier_identity(written, BUYER, "se")[1]
