"""The whole year's rows as one CSV from the dataset page: national layout, ordered by date, round-trips."""

from __future__ import annotations

import csv
import io

from ckan.tests import factories

from ckanext.openup.procurement.inspection import inspect_invoice_file
from ckanext.openup.procurement.layouts import SWEDISH
from tests.rows.expected import expected_summary
from tests.rows.invoice_months import month_text, upload_month
from tests.supplier_invoices import create_supplier_invoice


def year_csv_path(dataset: dict) -> str:
    return f"/dataset/{dataset['name']}/invoice-rows.csv"


def test_whole_year_downloads_as_one_file_that_inspect_reads_back(app, dataset, tmp_path):
    # Uploaded out of order: the file is ordered by date all the same.
    texts = {month: month_text(month, 150, seed=month) for month in (3, 1, 2)}
    for month, text in texts.items():
        upload_month(dataset, month, text)
    response = app.get(year_csv_path(dataset))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert f'filename="{dataset["name"]}.csv"' in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.splitlines()[0] == SWEDISH.header_line
    rows = list(csv.DictReader(io.StringIO(body)))
    dates = [row["datum"] for row in rows]
    assert dates == sorted(dates) and len(rows) == 450

    path = tmp_path / f"{dataset['name']}.csv"
    path.write_bytes(response.get_data())
    report = inspect_invoice_file(path)
    expected = expected_summary(*texts.values())
    assert not [finding for finding in report.findings if finding.severity == "error"]
    assert (report.summary.rows, report.summary.total_amount) == (expected.rows, expected.total)
    # Each row as the month's file wrote it (amounts keep their decimals, empty cells stay empty).
    uploaded = {line for text in texts.values() for line in text.splitlines()[1:]}
    assert set(body.splitlines()[1:]) == uploaded


def test_dataset_page_offers_the_year_file_beside_the_months(app, dataset):
    upload_month(dataset, 1, month_text(1, 20))
    page = app.get(f"/supplier-invoices/{dataset['name']}").get_data(as_text=True)
    assert f'href="{year_csv_path(dataset)}"' in page


def test_year_without_rows_has_no_file(app, dataset):
    assert app.get(year_csv_path(dataset)).status_code == 404
    page = app.get(f"/supplier-invoices/{dataset['name']}").get_data(as_text=True)
    assert "invoice-rows.csv" not in page


def test_private_year_is_refused_to_anonymous_and_other_users(app, sundsvall):
    dataset = create_supplier_invoice(sundsvall, year=2024, private=True, resources=[])
    upload_month(dataset, 1, month_text(1, 20, year=2024), year=2024)
    outsider = factories.APIToken(user=factories.User()["name"])["token"]
    for headers in ({}, {"Authorization": outsider}):
        response = app.get(year_csv_path(dataset), headers=headers)
        assert response.status_code == 404
        assert "Sundsvall" not in response.get_data(as_text=True)
    admin = factories.APIToken(user=factories.Sysadmin()["name"])["token"]
    assert app.get(year_csv_path(dataset), headers={"Authorization": admin}).status_code == 200


def test_unknown_dataset_is_not_found(app, dataset):
    assert app.get("/dataset/no-such-dataset/invoice-rows.csv").status_code == 404
