"""openup_spending: totals and groups of public invoice rows, equal to the DataStore rows they come from."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import ckan.plugins.toolkit as toolkit
import pytest
import sqlalchemy as sa

from ckanext.openup.spending import queries
from tests.spending.spending_data import datastore_total, finnish_month, swedish_month, upload_file
from tests.supplier_invoices import create_supplier_invoice, sysadmin_context

VASTERAS_BUYER = ("2120002080", "Västerås stad")


def spending(**params) -> dict:
    return toolkit.get_action("openup_spending")({"ignore_auth": False, "user": ""}, params)


def test_months_add_up_to_the_datasets_total(sundsvall):
    dataset = create_supplier_invoice(sundsvall, year=2025, resources=[])
    months = [upload_file(dataset, month, swedish_month(month, 300, seed=month)) for month in (1, 2, 3)]
    answer = spending(organization="sundsvall", year=2025, group_by="month")
    assert [group["key"] for group in answer["groups"]] == ["2025-01", "2025-02", "2025-03"]
    expected = datastore_total([resource["id"] for resource in months])
    assert sum(Decimal(group["amount"]) for group in answer["groups"]) == Decimal(answer["total"]) == expected
    assert answer["invoices"] == sum(group["invoices"] for group in answer["groups"]) == 900
    assert answer["currency"] == "SEK" and isinstance(answer["total"], str)
    credit = answer["credit_notes"]
    assert Decimal(credit["amount"]) < 0 and credit["invoices"] == 3 * sum(1 for n in range(300) if n % 7 == 6)


def test_suppliers_over_a_country_equal_the_organisations_added_up(empty_spending_store, sundsvall, vasteras):
    for organisation, buyer, seed in ((sundsvall, ("2120002411", "Sundsvalls kommun"), 0),
                                      (vasteras, VASTERAS_BUYER, 3)):
        dataset = create_supplier_invoice(organisation, year=2025, resources=[])
        for month in (1, 2):
            upload_file(dataset, month, swedish_month(month, 200, seed=seed + month, buyer=buyer))
    added: Counter[str] = Counter()
    for name in ("sundsvall", "vasteras"):
        for group in spending(organization=name, group_by="supplier")["groups"]:
            added[group["key"]] += Decimal(group["amount"])
    country = spending(group_by="supplier", currency="SEK")
    assert {group["key"]: Decimal(group["amount"]) for group in country["groups"]} == dict(added)
    assert all(group["key"].startswith("SE") and group["kind"] == "orgnr" for group in country["groups"])
    assert Decimal(country["total"]) == sum(added.values())


def test_private_dataset_rows_change_no_figure(app, sundsvall):
    public = create_supplier_invoice(sundsvall, year=2025, resources=[])
    upload_file(public, 1, swedish_month(1, 200))
    before = {params: spending(**dict(params)) for params in (
        (("organization", "sundsvall"), ("group_by", "month")),
        (("organization", "sundsvall"), ("year", "2025"), ("group_by", "supplier")))}
    hidden = create_supplier_invoice(sundsvall, year=2025, resources=[], private=True,
                                     name="sundsvall-supplier-invoices-2025-draft")
    upload_file(hidden, 1, swedish_month(1, 150, seed=5), year=2025)
    upload_file(hidden, 2, swedish_month(2, 150, seed=6), year=2025)
    for params, answer in before.items():
        assert spending(**dict(params)) == answer
        over_http = app.get("/api/3/action/openup_spending", query_string=dict(params)).json["result"]
        assert over_http == answer
        as_sysadmin = toolkit.get_action("openup_spending")(sysadmin_context(), dict(params))
        assert as_sysadmin == answer  # only public rows count, for everyone


def test_a_question_spanning_sek_and_eur_is_refused(app, empty_spending_store, sundsvall, tampere):
    upload_file(create_supplier_invoice(sundsvall, year=2025, resources=[]), 1, swedish_month(1, 50))
    upload_file(create_supplier_invoice(tampere, year=2025, resources=[]), 1, finnish_month(1, 40))
    response = app.get("/api/3/action/openup_spending", query_string={"group_by": "organization"}, status=409)
    message = response.json["error"]["currency"][0]
    assert "SEK and EUR" in message and "currency=SEK" in message
    euros = spending(currency="EUR", group_by="organization")
    assert euros["currency"] == "EUR" and [group["key"] for group in euros["groups"]] == ["tampere"]
    assert euros["groups"][0]["label"] == "Tampereen kaupunki" and euros["invoices"] == 40
    assert spending(organization="tampere")["currency"] == "EUR"


@pytest.mark.parametrize(("params", "field"), [
    ({"year": "twenty"}, "year"), ({"year": "25"}, "year"), ({"month": "13"}, "month"),
    ({"group_by": "colour"}, "group_by"), ({"limit": "0"}, "limit"), ({"currency": "USD"}, "currency"),
    ({"supplier": "Leverantör 1"}, "supplier"), ({"account": "a" * 400}, "account"),
])
def test_bad_parameters_are_named_in_a_clear_error(app, sundsvall, params, field):
    response = app.get("/api/3/action/openup_spending", query_string=params, status=409)
    assert list(response.json["error"]) == ["__type", field] or set(response.json["error"]) == {"__type", field}


def test_unknown_organisation_is_not_found(app, sundsvall):
    response = app.get("/api/3/action/openup_spending", query_string={"organization": "atlantis"}, status=404)
    assert "Organisation not found" in response.json["error"]["message"]


def test_supplier_is_found_by_its_organisation_number_as_written(sundsvall):
    dataset = create_supplier_invoice(sundsvall, year=2025, resources=[])
    upload_file(dataset, 1, swedish_month(1, 120))
    [largest, *_rest] = spending(organization="sundsvall", group_by="supplier")["groups"]
    number = largest["key"].removeprefix("SE")
    written = f"{number[:6]}-{number[6:]}"
    answer = spending(organization="sundsvall", supplier=written)
    assert answer["total"] == largest["amount"] and answer["invoices"] == largest["invoices"]


def test_supplier_search_finds_name_variants_and_numbers_as_people_write_them(empty_spending_store, sundsvall):
    dataset = create_supplier_invoice(sundsvall, year=2025, resources=[])
    upload_file(dataset, 1, swedish_month(1, 120))
    [largest] = spending(organization="sundsvall", group_by="supplier", limit=1)["groups"]
    number = largest["key"].removeprefix("SE")
    for written in (largest["label"].upper(), largest["label"].replace("ö", "o").replace(" AB", ""),
                    f"{number[:6]}-{number[6:]}", f"SE{number}01"):
        found = toolkit.get_action("openup_spending_supplier_search")({}, {"q": written})
        assert found[0]["key"] == largest["key"], written
        assert found[0]["amount"] == largest["amount"] and found[0]["buyers"] == 1
    assert toolkit.get_action("openup_spending_supplier_search")({}, {"q": "Ingen sådan leverantör"}) == []


def test_private_rows_change_no_page_or_csv_for_anonymous(app, sundsvall):
    public = create_supplier_invoice(sundsvall, year=2025, resources=[])
    upload_file(public, 1, swedish_month(1, 100))
    addresses = ("/organization/sundsvall/spending?year=2025", "/spending?year=2025",
                 "/spending.csv?organization=sundsvall&group_by=supplier", "/spending.csv?group_by=month&currency=SEK")
    before = {address: _without_tokens(app.get(address).body) for address in addresses}
    hidden = create_supplier_invoice(sundsvall, year=2025, resources=[], private=True,
                                     name="sundsvall-supplier-invoices-2025-draft")
    upload_file(hidden, 1, swedish_month(1, 80, seed=4).replace("Leverantör 4 AB", "Hemlig Leverantör AB"))
    for address, body in before.items():
        assert _without_tokens(app.get(address).body) == body, address
    found = app.get("/spending/suppliers", query_string={"q": "Hemlig"}).body
    assert "Hemlig Leverantör AB" not in found and "No supplier of a public invoice matches" in found
    assert toolkit.get_action("openup_spending_supplier_search")({}, {"q": "Hemlig Leverantör"}) == []


def _without_tokens(page: str) -> str:
    """A page without its per-request CSRF token."""
    return re.sub(r'(csrf_token"? (content|value)=")[^"]*', r"\1", page)


def test_figures_follow_a_dataset_made_private_and_a_deleted_month_at_once(sundsvall):
    dataset = create_supplier_invoice(sundsvall, year=2025, resources=[])
    january, february = (upload_file(dataset, month, swedish_month(month, 100, seed=month)) for month in (1, 2))
    assert spending(organization="sundsvall")["invoices"] == 200
    toolkit.get_action("resource_delete")(sysadmin_context(), {"id": january["id"]})
    answer = spending(organization="sundsvall", group_by="month")
    assert answer["invoices"] == 100 and [group["key"] for group in answer["groups"]] == ["2025-02"]
    assert Decimal(answer["total"]) == datastore_total([february["id"]])
    toolkit.get_action("package_patch")(sysadmin_context(), {"id": dataset["id"], "private": True})
    assert spending(organization="sundsvall")["invoices"] == 0


def test_every_filter_and_grouping_answers_as_the_rows_do(empty_spending_store, sundsvall, monkeypatch):
    """The rollup a question is read from (two filters at once, every year of the catalogue) changes no answer."""
    dataset = create_supplier_invoice(sundsvall, year=2025, resources=[])
    for month in (1, 2):
        upload_file(dataset, month, swedish_month(month, 300, seed=month))
    with queries.store_connection() as connection:
        supplier, account, unit = connection.execute(sa.text(
            "SELECT supplier_key, account, unit FROM _openup_spending WHERE supplier_key IS NOT NULL "
            "GROUP BY 1, 2, 3 ORDER BY count(*) DESC, 1, 2, 3 LIMIT 1")).one()
        organisation = sundsvall["id"]
        questions = [queries.SpendingFilters(**filters) for filters in (
            {}, {"currency": "SEK"}, {"organization_id": organisation, "year": 2025},
            {"supplier_key": supplier}, {"supplier_key": supplier, "year": 2025, "organization_id": organisation},
            {"account": account, "organization_id": organisation, "year": 2025, "month": 2},
            {"unit": unit, "organization_id": organisation, "year": 2025}, {"account": account, "unit": unit},
            {"supplier_key": supplier, "account": account}, {"supplier_key": supplier, "unit": unit})]

        def answers() -> list[queries.Spending]:
            return [queries.spending(connection, filters, group_by)
                    for filters in questions for group_by in (None, *queries.GROUP_BY)]

        from_rollups = answers()
        monkeypatch.setattr(queries, "_TABLES", (queries._ROWS,))
        monkeypatch.setattr(queries, "_ranked", lambda filters, table: None)
        assert from_rollups == answers()
