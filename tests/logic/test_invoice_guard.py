"""The server's guard on supplier-invoice files: whatever way a file comes in, nothing personal or partial is kept."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import ckan.plugins.toolkit as toolkit
import pytest
import sqlalchemy
from ckan import model
from ckan.tests import factories
from werkzeug.datastructures import FileStorage

from tests.file_host import hosted_folder
from tests.publishing.invoices import HEADER, invoice_row
from tests.supplier_invoices import (
    SUNDSVALL,
    TAMPERE,
    create_organisation,
    create_supplier_invoice,
    supplier_invoice,
    sysadmin_context,
)

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

YEAR = 2025
# Test numbers with valid check digits (tests/procurement uses the same), not real people.
PERSONNUMMER_SPELLINGS = ["811218-9876", "19811218-9876", "8112189876", "811218+9876"]
# The spellings issue 9 found in real files (PDFs, Word, web forms): the guard must see them all.
ODD_SPELLINGS = [
    "811218\u20139876", "811218\u22129876", "811218 - 9876", "811218.9876", "81 12 18-98 76", "PNR8112189876",
    "SE811218987601", "\uff18\uff11\uff11\uff12\uff11\uff18-\uff19\uff18\uff17\uff16", "811218\u200b-9876",
    "8112\u00ad18-9876",
]
# A Västra Götalandsregionen organisationsnummer: another organisation than Sundsvall.
OTHER_BUYER = "2321000131"


def january(rows: int = 3, month: int = 1) -> str:
    return "\n".join([HEADER, *(invoice_row(YEAR, month, number) for number in range(rows))]) + "\n"


def with_personnummer(number: str) -> str:
    row = invoice_row(YEAR, 1, 99).replace("Åkeriet i Väst AB,5560160680", f"Kalle Karlsson,{number}")
    return january() + row + "\n"


def upload(text: str, name: str = "leverantorsfakturor-2025-01.csv") -> FileStorage:
    return FileStorage(io.BytesIO(text.encode("utf-8")), filename=name, content_type="text/csv")


@pytest.fixture
def sundsvall():
    return create_organisation(SUNDSVALL)


@pytest.fixture
def dataset(sundsvall):
    return create_supplier_invoice(sundsvall, year=YEAR, resources=[])


@pytest.fixture
def editor(sundsvall):
    user = factories.User()
    toolkit.get_action("organization_member_create")(
        sysadmin_context(), {"id": sundsvall["id"], "username": user["name"], "role": "editor"}
    )
    return user


@pytest.fixture
def file_host(tmp_path):
    folder = tmp_path / "hosted"
    folder.mkdir()
    with hosted_folder(folder) as url:
        yield SimpleNamespace(folder=folder, url=url)


def host(file_host, text: str, name: str = "leverantorsfakturor-2025-01.csv") -> str:
    (file_host.folder / name).write_text(text, encoding="utf-8")
    return f"{file_host.url}/{name}"


def create_month(dataset, user=None, **fields):
    context = {"user": user["name"], "ignore_auth": False} if user else sysadmin_context()
    data = {"package_id": dataset["id"], "format": "CSV", "period": f"{YEAR}-01", **fields}
    return toolkit.get_action("resource_create")(context, data)


def refusal(dataset, user=None, **fields):
    with pytest.raises(toolkit.ValidationError) as raised:
        create_month(dataset, user, **fields)
    return raised.value.error_dict


def files_holding(folder: str | os.PathLike[str], needle: bytes) -> list[Path]:
    return [path for path in Path(folder).rglob("*") if path.is_file() and needle in path.read_bytes()]


def tables_holding(needle: str) -> list[str]:
    """Every table in the database whose rows mention ``needle`` anywhere."""
    found = []
    engine = model.meta.engine
    for table in sqlalchemy.inspect(engine).get_table_names():
        query = sqlalchemy.text(f'SELECT count(*) FROM "{table}" AS t WHERE t::text LIKE :needle')
        with engine.connect() as connection:
            if connection.execute(query, {"needle": f"%{needle}%"}).scalar():
                found.append(table)
    return found


@pytest.mark.parametrize("number", PERSONNUMMER_SPELLINGS + ODD_SPELLINGS)
def test_upload_with_a_personnummer_is_refused_and_leaves_no_trace(
    dataset, editor, number, caplog, monkeypatch, tmp_path
):
    caplog.set_level("DEBUG")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    errors = refusal(dataset, editor, upload=upload(with_personnummer(number)))

    message = " ".join(errors["upload"])
    assert "line 5" in message
    assert "leverantor_id" in message
    assert "openup prepare leverantorsfakturor-2025-01.csv" in message
    digits = "".join(str(unicodedata.digit(c)) for c in number if c.isdigit())
    digits = digits[-12:-2] if number.startswith("SE") else digits[-10:]
    for part in (number, digits[:6], digits[-4:]):
        assert part not in message
    assert files_holding(os.environ["CKAN_STORAGE_PATH"], b"Kalle Karlsson") == []
    assert list(tmp_path.iterdir()) == []
    assert tables_holding("Kalle Karlsson") == []
    assert tables_holding("leverantorsfakturor-2025-01.csv") == []
    assert toolkit.get_action("package_show")(sysadmin_context(), {"id": dataset["id"]})["resources"] == []
    assert digits[-4:] not in caplog.text and "Kalle Karlsson" not in caplog.text


@pytest.mark.parametrize(
    "spelling", ["131052-308T", "131052-308t", "HETU131052-308T", "131052 308T", "131052\u2013308T"]
)
def test_finnish_henkilotunnus_in_any_spelling_is_refused_even_for_a_sysadmin_who_overrides(spelling):
    tampere = create_organisation(TAMPERE)
    dataset = create_supplier_invoice(tampere, year=2023, resources=[])
    source = (Path(__file__).parents[1] / "data" / "procurement" / "fi-personal-data.csv").read_text(encoding="utf-8")

    with pytest.raises(toolkit.ValidationError) as raised:
        toolkit.get_action("resource_create")(
            sysadmin_context(),
            {
                "package_id": dataset["id"],
                "format": "CSV",
                "openup_override_spec": "true",
                "upload": upload(source.replace("131052-308T", spelling), "ostolaskut-2023-01.csv"),
            },
        )

    message = " ".join(raised.value.error_dict["upload"])
    assert "line 2" in message and "Toimittajan y-tunnus" in message
    assert "308T" not in message and "131052" not in message
    assert toolkit.get_action("package_show")(sysadmin_context(), {"id": dataset["id"]})["resources"] == []


def test_api_upload_with_a_personnummer_answers_a_validation_error(app, dataset, editor):
    token = factories.APIToken(user=editor["name"])["token"]

    response = app.post(
        "/api/3/action/resource_create",
        data={
            "package_id": dataset["id"],
            "format": "CSV",
            "period": f"{YEAR}-01",
            "upload": (io.BytesIO(with_personnummer("811218-9876").encode()), "leverantorsfakturor-2025-01.csv"),
        },
        headers={"Authorization": token},
        content_type="multipart/form-data",
    )

    assert response.status_code == 409
    error = response.json["error"]
    assert error["__type"] == "Validation Error"
    assert "personal identity number" in " ".join(error["upload"])
    assert "9876" not in response.get_data(as_text=True)
    assert files_holding(os.environ["CKAN_STORAGE_PATH"], b"Kalle Karlsson") == []


def test_clean_month_is_stored_with_what_the_guard_read(dataset, editor):
    text = january(rows=4)

    resource = create_month(dataset, editor, period="", upload=upload(text))

    assert resource["url_type"] == "upload"
    assert resource["period"] == f"{YEAR}-01"
    assert resource["name"] == f"{YEAR}-01"
    assert resource["rows"] == 4
    assert resource["total_amount"] == "5208.12"
    assert resource["hash"] == hashlib.sha256(text.encode()).hexdigest()
    assert resource["hash_algorithm"] == "sha256"
    assert int(resource["size"]) == len(text.encode())
    assert "CSV" in resource["layout"]


def test_file_of_another_buyer_is_refused(dataset, editor):
    text = january().replace("2120002411,", f"{OTHER_BUYER},")

    errors = refusal(dataset, editor, upload=upload(text))

    message = " ".join(errors["upload"])
    assert "kopare_id" in message and OTHER_BUYER in message and "2120002411" in message


def test_rows_outside_the_resource_month_are_refused(dataset, editor):
    errors = refusal(dataset, editor, period=f"{YEAR}-02", upload=upload(january()))

    message = " ".join(errors["upload"])
    assert f"{YEAR}-01" in message and f"{YEAR}-02" in message
    assert "openup prepare leverantorsfakturor-2025-01.csv --out prepared/ --by-month" in message


def test_file_missing_required_columns_is_refused_unless_a_sysadmin_overrides(dataset, editor):
    text = january().replace(",forvaltning,", ",enhet,")  # forvaltning is required by spec 1.1

    errors = refusal(dataset, editor, upload=upload(text))
    ignored = refusal(dataset, editor, upload=upload(text), openup_override_spec="true")
    resource = create_month(dataset, upload=upload(text), openup_override_spec="true")

    assert "forvaltning" in " ".join(errors["upload"])
    assert "openup inspect leverantorsfakturor-2025-01.csv" in " ".join(errors["upload"])
    assert ignored == errors
    assert resource["rows"] == 3
    assert "openup_override_spec" not in resource


def test_file_that_is_not_invoices_is_refused(dataset, editor):
    errors = refusal(dataset, editor, upload=upload("Kuntanumero;Summa\n837;1,00\n"))
    assert "openup inspect" in " ".join(errors["upload"])


@pytest.mark.ckan_config("ckanext.openup.guard.max_file_size", "1")
def test_file_larger_than_the_cap_is_refused_before_it_is_read(dataset, editor, ckan_config):
    rows = [invoice_row(YEAR, 1, number % 99_999) for number in range(10_000)]
    text = "\n".join([HEADER, *rows]) + "\n"
    assert len(text) > 1_000_000

    errors = refusal(dataset, editor, upload=upload(text))

    assert "1 MB" in " ".join(errors["upload"])


def test_replacing_a_month_with_a_personnummer_keeps_the_old_file(dataset, editor):
    resource = create_month(dataset, editor, upload=upload(january()))

    with pytest.raises(toolkit.ValidationError) as raised:
        toolkit.get_action("resource_patch")(
            {"user": editor["name"]}, {"id": resource["id"], "upload": upload(with_personnummer("811218-9876"))}
        )

    assert "personal identity number" in " ".join(raised.value.error_dict["upload"])
    kept = toolkit.get_action("resource_show")(sysadmin_context(), {"id": resource["id"]})
    assert kept["hash"] == resource["hash"]
    assert files_holding(os.environ["CKAN_STORAGE_PATH"], b"Kalle Karlsson") == []


def test_month_without_a_description_gets_one_from_its_rows_and_a_typed_one_is_kept(dataset, editor):
    # Readiness asks every file for a description; what a month holds the server can say itself.
    described = create_month(dataset, editor, period="", upload=upload(january(rows=4)))
    typed = create_month(dataset, editor, period="", description="Januari, rättad", upload=upload(january(month=2)))

    assert described["description"] == f"4 fakturarader, bokförda {YEAR}-01-01 – {YEAR}-01-04."
    assert typed["description"] == "Januari, rättad"


def test_editing_a_month_description_keeps_what_the_guard_read(dataset, editor):
    resource = create_month(dataset, editor, upload=upload(january()))

    edited = toolkit.get_action("resource_patch")(
        {"user": editor["name"]}, {"id": resource["id"], "description": "Januari"}
    )

    assert edited["rows"] == 3 and edited["hash"] == resource["hash"]


def test_other_dataset_types_are_not_read(sundsvall):
    dataset = factories.Dataset(owner_org=sundsvall["id"])
    resource = toolkit.get_action("resource_create")(
        sysadmin_context(), {"package_id": dataset["id"], "upload": upload("a,b\n1,2\n", "data.csv")}
    )
    assert resource["url_type"] == "upload"


def test_link_to_a_loopback_address_is_refused_by_default(dataset, editor, file_host):
    url = host(file_host, january())

    errors = refusal(dataset, editor, url=url)

    assert "address this site does not fetch files from" in " ".join(errors["url"])
    assert tables_holding(url) == []


@pytest.mark.ckan_config("ckanext.openup.guard.allow_private_urls", "true")
def test_linked_month_is_fetched_checked_and_described(dataset, editor, file_host, ckan_config):
    text = january(rows=2)

    resource = create_month(dataset, editor, period="", url=host(file_host, text))

    assert resource["url"].startswith(file_host.url)
    assert resource["rows"] == 2 and resource["period"] == f"{YEAR}-01"
    assert resource["hash"] == hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.ckan_config("ckanext.openup.guard.allow_private_urls", "true")
def test_linked_file_with_a_personnummer_is_refused_and_not_linked(dataset, editor, file_host, ckan_config):
    url = host(file_host, with_personnummer("811218-9876"))

    errors = refusal(dataset, editor, url=url)

    assert "personal identity number" in " ".join(errors["url"])
    assert tables_holding(url) == []
    assert files_holding(os.environ["CKAN_STORAGE_PATH"], b"Kalle Karlsson") == []


@pytest.mark.ckan_config("ckanext.openup.guard.allow_private_urls", "true")
@pytest.mark.ckan_config("ckanext.openup.guard.max_file_size", "1")
def test_linked_file_larger_than_the_cap_is_refused(dataset, editor, file_host, ckan_config):
    url = host(file_host, january() + "x" * 1_100_000)

    errors = refusal(dataset, editor, url=url)

    assert "1 MB" in " ".join(errors["url"])


def test_link_that_cannot_be_fetched_is_refused(dataset, editor):
    errors = refusal(dataset, editor, url="http://files.invalid/leverantorsfakturor-2025-01.csv")
    assert "could not be fetched" in " ".join(errors["url"]) or "does not fetch" in " ".join(errors["url"])


def test_finnish_file_of_another_municipality_is_refused_naming_the_buyer_column():
    helsinki = create_organisation(
        TAMPERE, name="helsinki", title="Helsingin kaupunki", organization_number="0201256-6", municipality_code="091"
    )
    dataset = create_supplier_invoice(helsinki, year=2023, resources=[])
    tampere_file = (Path(__file__).parents[1] / "data" / "procurement" / "fi-kuntaliitto-2021.csv").read_bytes()

    with pytest.raises(toolkit.ValidationError) as raised:
        toolkit.get_action("resource_create")(
            sysadmin_context(),
            {
                "package_id": dataset["id"],
                "format": "CSV",
                "upload": FileStorage(io.BytesIO(tampere_file), filename="ostolaskut-2023.csv"),
            },
        )

    message = " ".join(raised.value.error_dict["upload"])
    assert "'Kunnan y-tunnus'" in message and "0211675-2" in message and "Helsingin kaupunki" in message


def test_workbook_upload_is_read_and_described():
    organisation = create_organisation(SUNDSVALL)
    dataset = create_supplier_invoice(organisation, year=2024, resources=[])
    workbook = (Path(__file__).parents[1] / "data" / "procurement" / "se-human-headers.xlsx").read_bytes()

    resource = toolkit.get_action("resource_create")(
        sysadmin_context(),
        {"package_id": dataset["id"], "upload": FileStorage(io.BytesIO(workbook), filename="fakturor-2024.xlsx")},
    )

    assert resource["format"] == "XLSX"
    assert resource["layout"] == "XLSX"
    assert resource["rows"] == 2 and resource["total_amount"] == "1051.53"


# package_create and package_update carry resources without resource_create: the same guard must read them.
@pytest.mark.ckan_config("ckanext.openup.guard.allow_private_urls", "true")
def test_link_with_a_personnummer_inside_package_update_is_refused(dataset, editor, file_host, ckan_config):
    url = host(file_host, with_personnummer("811218-9876"))
    context = {"user": editor["name"], "ignore_auth": False}
    data = {**dataset, "resources": [{"url": url, "format": "CSV", "period": f"{YEAR}-01"}]}

    with pytest.raises(toolkit.ValidationError) as raised:
        toolkit.get_action("package_update")(context, data)

    assert "personal identity number" in str(raised.value.error_dict)
    assert tables_holding(url) == []


@pytest.mark.ckan_config("ckanext.openup.guard.allow_private_urls", "true")
def test_link_with_a_personnummer_inside_package_create_is_refused(sundsvall, editor, file_host, ckan_config):
    url = host(file_host, with_personnummer("811218-9876"))
    context = {"user": editor["name"], "ignore_auth": False}
    data = supplier_invoice(sundsvall, name="sundsvall-fakturor-2025", year=YEAR,
                            resources=[{"url": url, "format": "CSV", "period": f"{YEAR}-01"}])

    with pytest.raises(toolkit.ValidationError) as raised:
        toolkit.get_action("package_create")(context, data)

    assert "personal identity number" in str(raised.value.error_dict)
    assert tables_holding(url) == []


def test_upload_with_a_personnummer_inside_package_update_is_refused(dataset, editor):
    context = {"user": editor["name"], "ignore_auth": False}
    resource = {"upload": upload(with_personnummer("811218-9876")), "format": "CSV", "period": f"{YEAR}-01"}

    with pytest.raises(toolkit.ValidationError) as raised:
        toolkit.get_action("package_update")(context, {**dataset, "resources": [resource]})

    assert "personal identity number" in str(raised.value.error_dict)
    assert files_holding(os.environ["CKAN_STORAGE_PATH"], b"Kalle Karlsson") == []


@pytest.mark.ckan_config("ckanext.openup.guard.allow_private_urls", "true")
def test_clean_link_inside_package_update_is_described(dataset, editor, file_host, ckan_config):
    text = january(rows=2)
    context = {"user": editor["name"], "ignore_auth": False}
    data = {**dataset, "resources": [{"url": host(file_host, text), "format": "CSV", "period": f"{YEAR}-01"}]}

    updated = toolkit.get_action("package_update")(context, data)

    assert updated["resources"][0]["rows"] == 2
    assert updated["resources"][0]["hash"] == hashlib.sha256(text.encode()).hexdigest()


def test_upload_with_a_personnummer_inside_a_sysadmins_package_create_is_refused(sundsvall):
    resource = {"upload": upload(with_personnummer("811218-9876")), "format": "CSV", "period": f"{YEAR}-01"}
    data = {**supplier_invoice(sundsvall, name="sundsvall-fakturor-2025", year=YEAR), "resources": [resource]}

    with pytest.raises(toolkit.ValidationError) as raised:
        toolkit.get_action("package_create")(sysadmin_context(), data)

    assert "personal identity number" in str(raised.value.error_dict)
    assert files_holding(os.environ["CKAN_STORAGE_PATH"], b"Kalle Karlsson") == []
