"""Every page a publisher or visitor uses speaks Swedish on /sv/ and Finnish on /fi/: no English left.

The pages are fetched from CKAN as the organisation's admin (the publisher), with readiness problems
present; only what the publisher typed, names and codes may stay as they are.
"""

from __future__ import annotations

from typing import Any

import ckan
import pytest
from ckan.tests import factories

from tests.i18n.visible_text import english_left
from tests.supplier_invoices import SUNDSVALL, create_organisation, create_supplier_invoice

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
    pytest.mark.ckan_config("ckanext.openup.readiness.background", "false"),
]

LOCALES = ["sv", "fi"]
# CKAN 2.11's templates write these without _() (snippets/follow_button.html, the search pages' "close"), so no
# catalogue can translate them there; CKAN 2.12 translates them. README: known on 2.11.
CKAN_2_11_HARD_CODED = ["Follow", "close"] if ckan.__version__.startswith("2.11.") else []


@pytest.fixture
def publisher() -> dict[str, Any]:
    return factories.User(name="publisher", fullname="Maria Publicist")


@pytest.fixture
def catalogue(publisher) -> dict[str, Any]:
    """Sundsvall with its publisher as admin and a dataset lacking keywords and file rights (problems)."""
    organisation = create_organisation(
        SUNDSVALL, users=[{"name": publisher["name"], "capacity": "admin"}],
        description="Sundsvalls kommuns öppna data.")
    dataset = create_supplier_invoice(organisation, year=2025, tags_translated={})
    for resource in dataset["resources"]:
        resource.pop("rights", None)
    # Half-way through the two-step "new dataset" form: the file form offers "Publish".
    draft = create_supplier_invoice(organisation, year=2024, state="draft", resources=[])
    return {"organisation": organisation, "dataset": dataset, "draft": draft}


def own_texts(catalogue: dict[str, Any], publisher: dict[str, Any]) -> list[str]:
    """Everything the publisher typed, in every language, which the page shows as typed."""
    dataset, organisation = catalogue["dataset"], catalogue["organisation"]
    texts = [publisher["fullname"], publisher["name"], organisation["title"], organisation["description"],
             organisation["name"]]
    for entered in (dataset, catalogue["draft"]):
        texts.append(entered["name"])
        for field in ("title_translated", "notes_translated"):
            texts += list(entered[field].values())
    texts += [resource[key] for resource in dataset["resources"]
              for key in ("name", "description", "url") if resource.get(key)]
    return texts + CKAN_2_11_HARD_CODED


def pages(catalogue: dict[str, Any]) -> dict[str, str]:
    dataset = catalogue["dataset"]
    resource = dataset["resources"][0]
    return {
        "dataset form (new)": "/supplier-invoices/new",
        "dataset form (edit)": f"/supplier-invoices/edit/{dataset['name']}",
        "file form (new)": f"/supplier-invoices/{dataset['name']}/resource/new",
        "file form (edit)": f"/supplier-invoices/{dataset['name']}/resource/{resource['id']}/edit",
        "organisation form": f"/organization/edit/{catalogue['organisation']['name']}",
        "dataset page": f"/supplier-invoices/{dataset['name']}",
        "file page": f"/supplier-invoices/{dataset['name']}/resource/{resource['id']}",
        "search page": "/supplier-invoices/",
        "readiness page": f"/organization/{catalogue['organisation']['name']}/readiness",
        "file form (new dataset, step 2)": f"/supplier-invoices/{catalogue['draft']['name']}/resource/new",
        "organisation page": f"/organization/{catalogue['organisation']['name']}",
        "home page": "/",
    }


@pytest.mark.parametrize("locale", LOCALES)
def test_publishers_pages_have_no_english_left(app, catalogue, publisher, locale):
    token = factories.APIToken(user=publisher["name"])["token"]
    left = {}
    for page, path in pages(catalogue).items():
        response = app.get(f"/{locale}{path}", headers={"Authorization": token}, status=200)
        english = english_left(response.get_data(as_text=True), own_texts(catalogue, publisher))
        if english:
            left[page] = english

    assert not left, "English left on /{}/:\n{}".format(
        locale, "\n".join(f"{page}:\n  " + "\n  ".join(texts) for page, texts in left.items()))


@pytest.mark.parametrize("locale", LOCALES)
def test_login_page_has_no_english_left(app, locale):
    response = app.get(f"/{locale}/user/login", status=200)

    assert english_left(response.get_data(as_text=True), []) == []
