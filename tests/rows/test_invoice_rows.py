"""Every uploaded supplier-invoice file's rows in the DataStore: typed, complete, replaced only whole."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import ckan.plugins.toolkit as toolkit
import pytest
import sqlalchemy as sa

from ckanext.openup.procurement.inspection import inspect_invoice_file
from ckanext.openup.rows.rebuild import rebuild_rows
from tests.rows.invoice_months import SUPPLIERS, month_text, replace_month, upload_month
from tests.supplier_invoices import SUNDSVALL, create_organisation, create_supplier_invoice, sysadmin_context


def search(resource_id: str, **params) -> dict:
    return toolkit.get_action("datastore_search")(sysadmin_context(), {"resource_id": resource_id, **params})


def sql(statement: str) -> list[dict]:
    return toolkit.get_action("datastore_search_sql")(sysadmin_context(), {"sql": statement})["records"]


def totals(resource_id: str) -> tuple[int, Decimal, dict[str, Decimal]]:
    table = f'"{resource_id}"'
    [overall] = sql(f"SELECT count(*) AS n, sum(belopp) AS total FROM {table}")
    per_supplier = sql(f"SELECT leverantor_id, sum(belopp) AS total FROM {table} GROUP BY leverantor_id")
    return (int(overall["n"]), Decimal(str(overall["total"])),
            {row["leverantor_id"]: Decimal(str(row["total"])) for row in per_supplier})


def test_uploaded_month_is_searchable_with_typed_columns(dataset):
    resource = upload_month(dataset, 1, month_text(1, 500))
    found = search(resource["id"], limit=3, sort="_id")
    assert found["total"] == 500
    types = {field["id"]: field["type"] for field in found["fields"]}
    assert types["belopp"] == "numeric" and types["datum"] == "date"
    assert types["leverantor_id"] == types["kopare_id"] == types["konto_nr"] == "text"
    first = found["records"][0]
    assert first["datum"] == "2025-01-01" and first["kopare_id"] == "2120002411"
    info = {field["id"]: field.get("info", {}) for field in found["fields"]}
    assert info["belopp"]["label_sv"] == "Belopp" and info["belopp"]["label_fi"] and info["belopp"]["label_en"]


def test_sum_of_amounts_equals_the_total_inspect_prints(dataset, tmp_path):
    text = month_text(2, 800, seed=3)
    resource = upload_month(dataset, 2, text)
    path = tmp_path / "2025-02.csv"
    path.write_text(text, encoding="utf-8")
    summary = inspect_invoice_file(path).summary
    count, total, _per_supplier = totals(resource["id"])
    assert (count, total) == (summary.rows, summary.total_amount)
    assert total != total.to_integral_value()  # öre survive: the column is exact, not float


def test_month_replaced_with_a_broken_file_keeps_its_old_rows(dataset):
    resource = upload_month(dataset, 3, month_text(3, 300))
    before = totals(resource["id"])
    broken = month_text(3, 400).replace("2025-03-05", "2025-13-45")
    with pytest.raises(toolkit.ValidationError):
        replace_month(resource, broken)  # the guard refuses it at the door
    assert totals(resource["id"]) == before
    # A sysadmin may let a file with spec errors in; its rows still cannot be typed, so the old ones stay.
    replace_month(resource, broken, openup_override_spec="true")
    assert totals(resource["id"]) == before
    replace_month(resource, month_text(3, 250, seed=1))
    assert totals(resource["id"])[0] == 250


def test_reader_during_a_replacement_sees_the_old_month_or_the_new_never_a_part(dataset):
    resource = upload_month(dataset, 4, month_text(4, 3000))
    engine = sa.create_engine(toolkit.config["ckan.datastore.read_url"], poolclass=sa.pool.NullPool)
    query = sa.text(f'SELECT count(*), sum(belopp) FROM "{resource["id"]}"')

    def month_now() -> tuple[int, Decimal]:
        with engine.begin() as connection:  # one short transaction a look, as a web request reads
            return tuple(connection.execute(query).one())

    old, seen, done = month_now(), [], threading.Event()

    def keep_reading() -> None:
        while not done.is_set():
            seen.append(month_now())

    reader = threading.Thread(target=keep_reading)
    reader.start()
    try:
        replace_month(resource, month_text(4, 2000, seed=2))
    finally:
        done.set()
        reader.join()
    new = month_now()
    engine.dispose()
    assert new[0] == 2000 and seen
    assert set(seen) <= {old, new}


def test_month_with_a_personnummer_never_reaches_the_datastore(dataset):
    resource = upload_month(dataset, 4, month_text(4, 50))
    before = totals(resource["id"])
    with pytest.raises(toolkit.ValidationError):
        replace_month(resource, month_text(4, 60).replace("Leverantör 3 AB", "Anna Andersson 811218-9876"),
                      openup_override_spec="true")
    assert totals(resource["id"]) == before
    assert not sql(f"SELECT 1 FROM \"{resource['id']}\" WHERE leverantor LIKE '%9876%'")


def test_deleted_month_rows_are_gone(dataset):
    kept = upload_month(dataset, 5, month_text(5, 40))
    deleted = upload_month(dataset, 6, month_text(6, 40))
    toolkit.get_action("resource_delete")(sysadmin_context(), {"id": deleted["id"]})
    with pytest.raises(toolkit.ObjectNotFound):
        search(deleted["id"])
    assert search(kept["id"])["total"] == 40


def test_deleted_dataset_rows_are_gone(dataset):
    resource = upload_month(dataset, 7, month_text(7, 40))
    toolkit.get_action("package_delete")(sysadmin_context(), {"id": dataset["id"]})
    with pytest.raises(toolkit.ObjectNotFound):
        search(resource["id"])


def test_rebuild_restores_identical_totals(dataset, sundsvall):
    months = [upload_month(dataset, month, month_text(month, 200, seed=month)) for month in (8, 9)]
    before = [totals(resource["id"]) for resource in months]
    for resource in months:
        toolkit.get_action("datastore_delete")(sysadmin_context(), {"resource_id": resource["id"], "force": True})
    report = rebuild_rows(sundsvall["name"])
    assert report.rows == 400 and not report.refused
    assert [totals(resource["id"]) for resource in months] == before


def test_full_text_search_finds_a_suppliers_rows_by_name_and_organisation_number(dataset):
    resource = upload_month(dataset, 11, month_text(11, 120))
    supplier, supplier_id = SUPPLIERS[3]
    expected = sum(1 for line in month_text(11, 120).splitlines() if f",{supplier_id}," in line)
    assert search(resource["id"], q=supplier_id, limit=0)["total"] == expected
    assert search(resource["id"], q=supplier, limit=0)["total"] >= expected > 0
    # Every row's search vector is the one CKAN's own trigger makes (as if the row had come by datastore_upsert).
    engine = sa.create_engine(toolkit.config["ckan.datastore.write_url"])
    with engine.connect() as connection:
        differing = connection.execute(sa.text(
            f'SELECT count(*) FROM "{resource["id"]}" AS row WHERE row._full_text IS DISTINCT FROM ('
            "SELECT to_tsvector(string_agg(value, ' ')) FROM json_each_text(row_to_json(row.*)) "
            "WHERE key NOT LIKE '\\_%')")).scalar()
    engine.dispose()
    assert differing == 0


def test_dates_come_back_as_dates(dataset):
    resource = upload_month(dataset, 10, month_text(10, 30))
    [row] = sql(f"SELECT min(datum) AS first, max(datum) - min(datum) AS days FROM \"{resource['id']}\"")
    assert datetime.date.fromisoformat(row["first"][:10]) == datetime.date(2025, 10, 1)
    assert row["days"] == 27  # date arithmetic: text or timestamps would not give a whole number of days


# The demo runs CKAN's activity plugin, which records who changed a dataset: a load must say who it is.
@pytest.fixture
def dataset_with_activity(clean_db, with_plugins, migrate_db_for):
    migrate_db_for("activity")
    return create_supplier_invoice(create_organisation(SUNDSVALL), year=2025, resources=[])


@pytest.mark.ckan_config(
    "ckan.plugins", "openup_search openup datastore activity scheming_datasets scheming_organizations dcat"
)
def test_rows_load_where_the_activity_stream_records_every_change(dataset_with_activity):
    resource = upload_month(dataset_with_activity, 6, month_text(6, 50))
    assert search(resource["id"], limit=1)["total"] == 50
