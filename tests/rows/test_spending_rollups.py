"""The spending store's rollups equal its rows, exactly, after every change a catalogue makes to them."""

from __future__ import annotations

import threading

import ckan.plugins.toolkit as toolkit
import pytest
import sqlalchemy as sa

from ckanext.openup.rows import spending_rollups
from ckanext.openup.rows.rebuild import rebuild_rows
from tests.rows.invoice_months import SUPPLIERS, month_text, replace_month, upload_month
from tests.rows.test_spending_store import store
from tests.supplier_invoices import create_supplier_invoice, sysadmin_context

_SUMS = ("sum(amount), count(*), coalesce(sum(amount) FILTER (WHERE credit), 0), count(*) FILTER (WHERE credit), "
         "coalesce(sum(amount) FILTER (WHERE supplier_kind = 'redacted'), 0), "
         "count(*) FILTER (WHERE supplier_kind = 'redacted')")
_MEASURES = "amount, rows, credit_amount, credit_rows, redacted_amount, redacted_rows"
PER_FILE = {
    "_openup_spending_months": "",
    "_openup_spending_accounts": ", account",
    "_openup_spending_units": ", unit",
    "_openup_spending_suppliers": ", supplier_key, supplier_kind, supplier_name",
    "_openup_spending_account_units": ", account, unit",
    "_openup_spending_supplier_accounts": ", supplier_key, supplier_kind, supplier_name, account",
    "_openup_spending_supplier_units": ", supplier_key, supplier_kind, supplier_name, unit",
}


@pytest.fixture(autouse=True)
def empty_store(with_plugins):
    """The DataStore database outlives ``clean_db``: each test starts without a store (made again on first load)."""
    store("DROP TABLE IF EXISTS _openup_spending, _openup_spending_sources")


def assert_rollups_equal_rows() -> None:
    """Every rollup line equals the sum of the store rows it stands for, and no line is left over."""
    for table, columns in PER_FILE.items():
        keys = f"resource_id, organization_id, currency, year, month{columns}"
        number = ", supplier_number" if "supplier_key" in columns else ""
        rolled = store(f"SELECT {keys}{number}, {_MEASURES} FROM {table} ORDER BY {keys}")
        summed = store(f"SELECT {keys}{', max(supplier_number)' if number else ''}, {_SUMS} FROM _openup_spending "
                       f"GROUP BY {keys} ORDER BY {keys}")
        assert rolled == summed, table
    keys = "organization_id, currency, year, supplier_key, supplier_kind, supplier_name"
    public = store(f"SELECT {keys}, supplier_number, {_MEASURES} FROM _openup_spending_public_suppliers "
                   f"ORDER BY {keys}")
    summed = store(f"SELECT {keys}, max(supplier_number), {_SUMS} FROM _openup_spending "
                   "JOIN _openup_spending_sources src USING (resource_id, organization_id, currency) "
                   f"WHERE src.public GROUP BY {keys} ORDER BY {keys}")
    assert public == summed
    keys = "organization_id, currency, year, supplier_key, supplier_kind"
    totals = store(f"SELECT {keys}, {_MEASURES} FROM _openup_spending_public_supplier_totals ORDER BY {keys}")
    summed = store(f"SELECT {keys}, {_SUMS} FROM _openup_spending JOIN _openup_spending_sources src "
                   f"USING (resource_id, organization_id, currency) WHERE src.public GROUP BY {keys} ORDER BY {keys}")
    assert totals == summed
    keys = "currency, year, supplier_key, supplier_kind"
    catalogue = store(f"SELECT {keys}, supplier_name, supplier_number, buyers, {_MEASURES} "
                      f"FROM _openup_spending_catalogue_suppliers ORDER BY {keys}")
    summed = store(f"SELECT {keys}, max(supplier_name), max(supplier_number), count(DISTINCT organization_id), "
                   f"{_SUMS} FROM _openup_spending "
                   f"JOIN _openup_spending_sources src USING (resource_id, organization_id, currency) WHERE src.public "
                   f"GROUP BY {keys} ORDER BY {keys}")
    assert catalogue == summed
    keys = "currency, supplier_key, supplier_kind"
    every_year = store(f"SELECT {keys}, {_MEASURES} FROM _openup_spending_catalogue_supplier_totals ORDER BY {keys}")
    summed = store(f"SELECT {keys}, {_SUMS} FROM _openup_spending JOIN _openup_spending_sources src "
                   f"USING (resource_id, organization_id, currency) WHERE src.public GROUP BY {keys} ORDER BY {keys}")
    assert every_year == summed
    directory = store("SELECT currency, supplier_key, name_search FROM _openup_supplier_directory "
                      "ORDER BY 1, 2, 3")
    names = store("SELECT DISTINCT currency, supplier_key, translate(lower(supplier_name), 'åäöáàâéèêëíïóôúüýæø', "
                  "'aaoaaaeeeeiioouuyao') FROM _openup_spending JOIN _openup_spending_sources src "
                  "USING (resource_id, organization_id, currency) WHERE src.public AND supplier_key IS NOT NULL "
                  "ORDER BY 1, 2, 3")
    assert directory == names


def public_supplier_total() -> int:
    [(rows,)] = store("SELECT coalesce(sum(rows), 0) FROM _openup_spending_public_suppliers")
    return rows


def test_rollups_equal_the_rows_after_load_replace_and_delete(dataset):
    months = [upload_month(dataset, month, month_text(month, 200, seed=month)) for month in (1, 2)]
    assert_rollups_equal_rows()
    assert public_supplier_total() == 400
    replace_month(months[0], month_text(1, 120, seed=7))
    assert_rollups_equal_rows()
    assert public_supplier_total() == 320  # replaced, not added
    toolkit.get_action("resource_delete")(sysadmin_context(), {"id": months[1]["id"]})
    assert_rollups_equal_rows()
    assert public_supplier_total() == 120


def test_a_month_load_rewrites_only_the_public_lines_of_its_own_suppliers(dataset):
    upload_month(dataset, 1, month_text(1, 200))
    before = dict(store("SELECT supplier_key, xmin::text FROM _openup_spending_public_suppliers"))
    upload_month(dataset, 2, month_text(2, 2))  # two rows: two suppliers
    after = dict(store("SELECT supplier_key, xmin::text FROM _openup_spending_public_suppliers"))
    rewritten = {key for key in after if after[key] != before.get(key)}
    assert rewritten == {f"SE{SUPPLIERS[0][1]}", f"SE{SUPPLIERS[5][1]}"}  # not the organisation's whole year
    assert_rollups_equal_rows()


def test_replaced_month_takes_away_the_supplier_number_only_it_wrote(dataset):
    hyphenated = SUPPLIERS[0][1][:6] + "-" + SUPPLIERS[0][1][6:]  # sorts before the bare digits
    upload_month(dataset, 1, month_text(1, 24).replace(SUPPLIERS[0][1], hyphenated))
    second = upload_month(dataset, 2, month_text(2, 24))
    [(number,)] = store("SELECT supplier_number FROM _openup_spending_public_suppliers WHERE supplier_key = :key",
                        key=f"SE{SUPPLIERS[0][1]}")
    assert number == SUPPLIERS[0][1]
    replace_month(second, month_text(2, 24).replace(SUPPLIERS[0][1], hyphenated))
    [(number,)] = store("SELECT supplier_number FROM _openup_spending_public_suppliers WHERE supplier_key = :key",
                        key=f"SE{SUPPLIERS[0][1]}")
    assert number == hyphenated  # the bare form is in no row any more; the rows link filters on this number
    assert_rollups_equal_rows()


def test_rollups_follow_a_dataset_made_private_and_public_again(dataset, sundsvall):
    upload_month(dataset, 3, month_text(3, 150))
    private = create_supplier_invoice(sundsvall, year=2024, resources=[], private=True)
    upload_month(private, 3, month_text(3, 50, year=2024), year=2024)
    assert_rollups_equal_rows()
    assert public_supplier_total() == 150  # the private dataset's rows are summed per file, never publicly
    patch = toolkit.get_action("package_patch")
    patch(sysadmin_context(), {"id": dataset["id"], "private": True})
    assert_rollups_equal_rows()
    assert public_supplier_total() == 0
    patch(sysadmin_context(), {"id": private["id"], "private": False})
    patch(sysadmin_context(), {"id": dataset["id"], "private": False})
    assert_rollups_equal_rows()
    assert public_supplier_total() == 200


def test_rebuild_makes_damaged_rollups_equal_the_rows_again(dataset, sundsvall):
    upload_month(dataset, 4, month_text(4, 100))
    upload_month(dataset, 5, month_text(5, 60))  # two files per public line: subtracting a damaged one is no repair
    for table in (*PER_FILE, "_openup_spending_public_suppliers", "_openup_spending_catalogue_suppliers",
                  "_openup_spending_public_supplier_totals", "_openup_spending_catalogue_supplier_totals"):
        store(f"UPDATE {table} SET amount = amount + 1, rows = rows + 1")
    rebuild_rows(sundsvall["name"])
    assert_rollups_equal_rows()


def test_store_from_before_the_rollups_gets_them_summed_on_first_use(dataset):
    upload_month(dataset, 5, month_text(5, 80))
    store("DROP TABLE " + ", ".join((*PER_FILE, "_openup_spending_public_suppliers",
                                     "_openup_spending_catalogue_suppliers", "_openup_supplier_directory",
                                     "_openup_spending_public_files", "_openup_spending_public_supplier_totals",
                                     "_openup_spending_catalogue_supplier_totals")))
    upload_month(dataset, 6, month_text(6, 40))
    assert_rollups_equal_rows()
    assert public_supplier_total() == 120


def test_two_loads_summing_a_suppliers_all_years_total_at_once_leave_one_total(dataset):
    """Loads of different years take different year locks; the all-years totals they both sum stay one line each."""
    upload_month(dataset, 4, month_text(4, 60))
    engine = sa.create_engine(toolkit.config["ckan.datastore.write_url"], poolclass=sa.pool.NullPool)

    def sum_all_years_totals(connection: sa.engine.Connection, year_before: int) -> None:
        """The step every load ends with, for the same suppliers in the loaded year minus ``year_before``."""
        spending_rollups._temporary_tables(connection)
        connection.execute(sa.text("INSERT INTO openup_touched_keys SELECT DISTINCT currency, year - :before, "
                                   "supplier_key FROM _openup_spending_catalogue_suppliers"), {"before": year_before})
        spending_rollups._refresh_catalogue(connection)

    def second_load() -> None:
        with engine.begin() as connection:
            sum_all_years_totals(connection, year_before=1)

    try:
        with engine.connect() as first:
            with first.begin():
                sum_all_years_totals(first, year_before=0)
                second = threading.Thread(target=second_load)
                second.start()
                second.join(timeout=2)  # it waits for the first to commit
            second.join(timeout=60)
        assert not second.is_alive()
    finally:
        engine.dispose()
    assert_rollups_equal_rows()
