"""The spending store: every loaded invoice row of every organisation in one table, kept in step with the DataStore."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ckan.plugins.toolkit as toolkit
import pytest
import sqlalchemy as sa

from ckanext.openup.rows.rebuild import rebuild_rows
from tests.publishing.invoices import HEADER
from tests.rows.invoice_months import SUPPLIERS, finnish_text, month_text, replace_month, upload, upload_month
from tests.supplier_invoices import (
    VASTERAS,
    create_organisation,
    create_supplier_invoice,
    sysadmin_context,
)


def store(statement: str, **params: Any) -> list[sa.Row]:
    """Rows of a query on the DataStore's write database, where the store lives (no API reads it)."""
    engine = sa.create_engine(toolkit.config["ckan.datastore.write_url"], poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            result = connection.execute(sa.text(statement), params)
            return result.all() if result.returns_rows else []
    finally:
        engine.dispose()


@pytest.fixture(autouse=True)
def empty_store(with_plugins):
    """The DataStore database outlives ``clean_db``: each test starts without a store (made again on first load)."""
    store("DROP TABLE IF EXISTS _openup_spending, _openup_spending_sources")


def datastore_totals(resource_id: str) -> tuple[int, Decimal, dict[str, Decimal]]:
    table = f'"{resource_id}"'
    [(count, total)] = store(f"SELECT count(*), sum(belopp) FROM {table}")
    per_supplier = store(f"SELECT leverantor_id, sum(belopp) FROM {table} GROUP BY leverantor_id")
    return count, total, dict(per_supplier)


def store_totals(resource_id: str) -> tuple[int, Decimal, dict[str, Decimal]]:
    [(count, total)] = store("SELECT count(*), sum(amount) FROM _openup_spending WHERE resource_id = :id",
                             id=resource_id)
    per_supplier = store("SELECT supplier_number, sum(amount) FROM _openup_spending WHERE resource_id = :id "
                         "GROUP BY supplier_number", id=resource_id)
    return count, total, dict(per_supplier)


def public_flag(resource_id: str) -> bool | None:
    found = store("SELECT public FROM _openup_spending_sources WHERE resource_id = :id", id=resource_id)
    return found[0][0] if found else None


def swedish_rows(buyer: tuple[str, str], suppliers: list[tuple[str, str]], month: int = 1) -> str:
    """Spec 1.1 rows, one per (supplier name, supplier id), 100 kronor and up each."""
    lines = [HEADER]
    for number, (name, supplier_id) in enumerate(suppliers):
        lines.append(f"{buyer[0]},{buyer[1]},{number},{name},{supplier_id},4010,Material,2025-{month:02d}-02,"
                     f"Kultur,F-{number},{100 + number}.50,,,,")
    return "\n".join(lines) + "\n"


def test_store_rows_equal_the_datastore_rows(dataset, sundsvall):
    months = [upload_month(dataset, month, month_text(month, 300, seed=month)) for month in (1, 2)]
    for resource in months:
        assert store_totals(resource["id"]) == datastore_totals(resource["id"])
    [(currency, rows, total)] = store(
        "SELECT s.currency, count(*), sum(s.amount) FROM _openup_spending s "
        "JOIN _openup_spending_sources src USING (resource_id) WHERE src.public GROUP BY s.currency")
    assert (currency, rows) == ("SEK", 600)
    assert total == sum(datastore_totals(resource["id"])[1] for resource in months)
    keys = {key for (key,) in store("SELECT DISTINCT supplier_key FROM _openup_spending")}
    assert keys == {f"SE{number}" for _name, number in SUPPLIERS}
    [source] = store("SELECT organization_id, dataset_id, country, currency, public, rows, total_amount "
                     "FROM _openup_spending_sources WHERE resource_id = :id", id=months[0]["id"])
    assert source == (sundsvall["id"], dataset["id"], "se", "SEK", True, 300, datastore_totals(months[0]["id"])[1])
    [(posted, year, month, credits)] = store(
        "SELECT min(posted), min(year), min(month), count(*) FILTER (WHERE credit) FROM _openup_spending "
        "WHERE resource_id = :id", id=months[1]["id"])
    assert (str(posted), year, month, credits) == ("2025-02-01", 2025, 2, 300 // 7)


def test_month_replaced_with_a_broken_file_keeps_its_old_store_rows(dataset):
    resource = upload_month(dataset, 3, month_text(3, 300))
    before = store_totals(resource["id"])
    broken = month_text(3, 400).replace("2025-03-05", "2025-13-45")
    replace_month(resource, broken, openup_override_spec="true")  # let in by a sysadmin, but its rows cannot load
    assert store_totals(resource["id"]) == before
    replace_month(resource, month_text(3, 250, seed=1))
    assert store_totals(resource["id"]) == datastore_totals(resource["id"])
    assert store_totals(resource["id"])[0] == 250  # swapped, not added


def test_deleted_resource_and_dataset_leave_the_store(dataset):
    kept = upload_month(dataset, 5, month_text(5, 40))
    deleted = upload_month(dataset, 6, month_text(6, 40))
    toolkit.get_action("resource_delete")(sysadmin_context(), {"id": deleted["id"]})
    assert store_totals(deleted["id"])[0] == 0 and public_flag(deleted["id"]) is None
    assert store_totals(kept["id"])[0] == 40
    toolkit.get_action("package_delete")(sysadmin_context(), {"id": dataset["id"]})
    assert store_totals(kept["id"])[0] == 0 and public_flag(kept["id"]) is None


def test_private_or_draft_dataset_leaves_the_public_store_at_once(dataset):
    resource = upload_month(dataset, 7, month_text(7, 30))
    assert public_flag(resource["id"]) is True
    patch = toolkit.get_action("package_patch")
    patch(sysadmin_context(), {"id": dataset["id"], "private": True})
    assert public_flag(resource["id"]) is False
    patch(sysadmin_context(), {"id": dataset["id"], "private": False})
    assert public_flag(resource["id"]) is True
    patch(sysadmin_context(), {"id": dataset["id"], "state": "draft"})
    assert public_flag(resource["id"]) is False


def test_rows_of_a_private_dataset_load_as_not_public(sundsvall):
    private = create_supplier_invoice(sundsvall, year=2024, resources=[], private=True)
    resource = upload_month(private, 1, month_text(1, 20, year=2024), year=2024)
    assert public_flag(resource["id"]) is False and store_totals(resource["id"])[0] == 20


def test_rebuild_restores_identical_store_totals_and_public_flags(dataset, sundsvall):
    months = [upload_month(dataset, month, month_text(month, 200, seed=month)) for month in (8, 9)]
    before = [store_totals(resource["id"]) for resource in months]
    store("DELETE FROM _openup_spending WHERE resource_id = :id", id=months[0]["id"])
    store("UPDATE _openup_spending_sources SET public = false")
    report = rebuild_rows(sundsvall["name"])
    assert report.rows == 400 and not report.refused
    assert [store_totals(resource["id"]) for resource in months] == before
    assert [public_flag(resource["id"]) for resource in months] == [True, True]


def test_rebuild_forgets_store_rows_of_files_no_longer_in_the_catalogue(dataset):
    resource = upload_month(dataset, 10, month_text(10, 20))
    store("INSERT INTO _openup_spending_sources (resource_id, dataset_id, organization_id, currency, public) "
          "VALUES ('gone', :dataset, :organisation, 'SEK', true)",
          dataset=dataset["id"], organisation=dataset["owner_org"])
    rebuild_rows()
    assert public_flag("gone") is None and public_flag(resource["id"]) is True


def test_supplier_keys_valid_numbers_are_shared_internal_ones_never(dataset, sundsvall):
    vasteras = create_organisation(VASTERAS)
    vasteras_invoices = create_supplier_invoice(vasteras, year=2025, resources=[])
    suppliers = [("Skolmat Nord AB", "556036-0793"), ("Lokal Leverantör", "10234")]
    upload_month(dataset, 11, swedish_rows(("2120002411", "Sundsvalls kommun"), suppliers, month=11))
    upload_month(vasteras_invoices, 11, swedish_rows(("2120002080", "Västerås stad"), suppliers, month=11))
    found = store("SELECT organization_id, supplier_name, supplier_kind, supplier_key FROM _openup_spending")
    kinds = {(organisation, name): (kind, key) for organisation, name, kind, key in found}
    for organisation in (sundsvall["id"], vasteras["id"]):
        assert kinds[organisation, "Skolmat Nord AB"] == ("orgnr", "SE5560360793")
        assert kinds[organisation, "Lokal Leverantör"] == ("internal", f"internal:{organisation}:10234")
    [(buyers,)] = store("SELECT count(DISTINCT organization_id) FROM _openup_spending "
                        "WHERE supplier_key = 'SE5560360793'")
    assert buyers == 2


def finnish_rows(suppliers: list[tuple[str, str]]) -> str:
    return finnish_text([(name, supplier_id, str(number), f"{200 + number}.25", f"2025-01-{1 + number:02d}")
                         for number, (name, supplier_id) in enumerate(suppliers)])



def test_finnish_rows_keyed_by_y_tunnus_sole_traders_without_key_all_in_euros(tampere_dataset, dataset):
    tampere_month = toolkit.get_action("resource_create")(sysadmin_context(), {
        "package_id": tampere_dataset["id"], "name": "2025-01", "format": "CSV", "period": "2025-01",
        "upload": upload(finnish_rows([("Oy Esimerkki Ab", "0144411-3"), ("Toiminimiyrittäjä", ""),
                                     ("Kotikunnan Kirjasto", "")]),
                         "ostolaskut-2025-01.csv"),
        "url": "ostolaskut-2025-01.csv"})
    upload_month(dataset, 1, month_text(1, 14))
    found = store("SELECT currency, supplier_kind, supplier_key, amount FROM _openup_spending "
                  "WHERE resource_id = :id ORDER BY amount", id=tampere_month["id"])
    assert found == [("EUR", "ytunnus", "FI0144411-3", Decimal("200.25")),
                     ("EUR", "redacted", None, Decimal("201.25")), ("EUR", "none", None, Decimal("202.25"))]
    per_currency = dict(store("SELECT currency, count(*) FROM _openup_spending GROUP BY currency"))
    assert per_currency == {"EUR": 3, "SEK": 14}
    [source] = store("SELECT country, currency FROM _openup_spending_sources WHERE resource_id = :id",
                     id=tampere_month["id"])
    assert source == ("fi", "EUR")


def test_store_is_not_readable_through_the_datastore_read_role_or_its_sql_api(dataset):
    upload_month(dataset, 12, month_text(12, 10))
    reader = sa.create_engine(toolkit.config["ckan.datastore.read_url"], poolclass=sa.pool.NullPool)
    try:
        for table in ("_openup_spending", "_openup_spending_sources"):
            with reader.connect() as connection, pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
                connection.execute(sa.text(f"SELECT count(*) FROM {table}"))
    finally:
        reader.dispose()
    with pytest.raises((toolkit.ValidationError, toolkit.NotAuthorized, toolkit.ObjectNotFound)):
        toolkit.get_action("datastore_search_sql")(sysadmin_context(), {"sql": "SELECT * FROM _openup_spending"})
