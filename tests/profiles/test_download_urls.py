"""Download URLs in the harvest feed are the same whatever page language the file was uploaded from."""

from __future__ import annotations

import pytest
import rdflib

from tests.logic.test_invoice_guard import YEAR, january
from tests.supplier_invoices import sundsvall_editor_with_dataset

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
LOCALE_PREFIXES = ("/sv/", "/fi/", "/en/")


@pytest.fixture
def publisher():
    return sundsvall_editor_with_dataset(YEAR)


def upload_from_the_form(app, publisher, locale: str) -> None:
    import io

    dataset = publisher["dataset"]
    response = app.post(
        f"/{locale}/supplier-invoices/{dataset['name']}/resource/new",
        data={
            "id": "", "url": "", "name": f"{YEAR}-01", "period": f"{YEAR}-01", "format": "CSV",
            "upload": (io.BytesIO(january().encode("utf-8")), f"sundsvall-leverantorsfakturor-{YEAR}-01.csv"),
            "save": "go-metadata",
        },
        headers=publisher["headers"],
        content_type="multipart/form-data",
        follow_redirects=False,
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
@pytest.mark.parametrize("locale", ["sv", "fi"])
@pytest.mark.parametrize("feed_path", ["/organization/sundsvall/catalog", "/{locale}/organization/sundsvall/catalog"])
def test_file_uploaded_from_a_swedish_or_finnish_page_downloads_without_a_locale_prefix(
    app, publisher, locale, feed_path
):
    upload_from_the_form(app, publisher, locale)

    feed = app.get(feed_path.format(locale=locale))
    assert feed.status_code == 200
    graph = rdflib.Graph().parse(data=feed.data, format="xml")
    urls = [str(url) for predicate in (DCAT.downloadURL, DCAT.accessURL) for url in graph.objects(None, predicate)]
    assert urls and all(url.startswith("http://test.ckan.net/supplier-invoices/") for url in urls), urls
    assert not any(prefix in url for url in urls for prefix in LOCALE_PREFIXES), urls
