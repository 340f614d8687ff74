"""Private, draft and deleted datasets' invoice rows change no figure of the explorer, whoever asks.

The leak matrix of tests/views/test_leak_matrix.py, extended to the explorer: every page, the action with
every ``group_by`` and every CSV download is read once while only a public month is loaded; then a private,
a draft and a deleted dataset of the same organisation get rows (each with its own year and a marked
supplier name), and every surface must give an anonymous visitor, another organisation's administrator and
even a member of the owning organisation exactly the figures it gave before.
"""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal

import ckan.plugins.toolkit as toolkit
import pytest
import sqlalchemy as sa
from ckan.tests import factories
from ckan.tests.helpers import _get_test_app

from ckanext.openup.rows.spending_store import TABLES
from ckanext.openup.spending.queries import store_connection
from tests.fresh_catalogue import fresh_catalogue
from tests.rows.invoice_months import SUPPLIERS, month_text, upload_month
from tests.spending.spending_data import datastore_total
from tests.supplier_invoices import SUNDSVALL, VASTERAS, create_organisation, create_supplier_invoice, sysadmin_context
from tests.views.test_leak_matrix import HIDDEN_STATES, MARKERS, YEARS

pytestmark = pytest.mark.usefixtures("with_plugins")

PUBLIC_YEAR = 2025
SUPPLIER = "SE" + SUPPLIERS[0][1]  # the supplier whose name carries each dataset's marker
GROUP_BYS = (None, "organization", "year", "month", "supplier", "account", "unit")
QUESTIONS = ({}, {"organization": "sundsvall", "year": "{year}"}, {"supplier": SUPPLIER, "year": "{year}"})
PAGES = ("/", "/spending", "/spending?year={year}", "/fi/spending", "/organization/sundsvall/spending",
         "/organization/sundsvall/spending?year={year}", "/sv/organization/sundsvall/spending?month=1",
         f"/spending/supplier/{SUPPLIER}", f"/spending/supplier/{SUPPLIER}?year={{year}}",
         "/spending/suppliers?q=Leverant%C3%B6r", "/spending/suppliers?q={marker}")


def _query(params: dict[str, str]) -> str:
    return "&".join(f"{name}={value}" for name, value in params.items())


def _surfaces() -> dict[str, str]:
    """Every explorer address, by a readable name; ``{year}`` and ``{marker}`` are the hidden dataset's."""
    surfaces = {f"page {page}": page for page in PAGES}
    for question in QUESTIONS:
        for group_by in GROUP_BYS:
            params = dict(question, **({"group_by": group_by} if group_by else {}), currency="SEK")
            surfaces[f"action {_query(params)}"] = f"/api/3/action/openup_spending?{_query(params)}"
            surfaces[f"csv {_query(params)}"] = f"/spending.csv?{_query(params)}"
    return surfaces


SURFACES = _surfaces()
VIEWERS = ("anonymous", "other_org_admin", "owning_member")
# The elements of a page that hold figures and names: table cells, figures, choices, captions, headlines.
FIGURE_CELL = re.compile(
    r'<(th|td|dd|option|caption|p class="spending-headline")[^>]*>(.*?)</(?:th|td|dd|option|caption|p)>', re.S)


def _figures(response) -> object:
    """What a surface tells about the money: a page's table cells, figures, choices and headlines as text,
    an action's answer, a CSV's text. (Pages also hold the viewer's name and a CSRF token: not figures.)"""
    body = response.get_data(as_text=True)
    if response.content_type.startswith("application/json"):
        return json.loads(body)["result"]
    if response.content_type.startswith("text/csv"):
        return body
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split()) for _tag, text in FIGURE_CELL.findall(body)]


def _address(template: str, state: str) -> str:
    return template.format(year=YEARS[state], marker=MARKERS[state])


def _get(app, address: str, token: str | None):
    return app.get(address, headers={"Authorization": token} if token else {})


@pytest.fixture(scope="module")
def explorer():
    """Sundsvall's public month read on every surface, then its private, draft and deleted datasets' rows."""
    with fresh_catalogue():
        _empty_spending_store()
        sundsvall = create_organisation(SUNDSVALL)
        vasteras = create_organisation(VASTERAS)
        public = create_supplier_invoice(sundsvall, year=PUBLIC_YEAR, resources=[])
        public_month = upload_month(public, 1, _marked_month(PUBLIC_YEAR, "public"), year=PUBLIC_YEAR)

        app = _get_test_app()
        before = {(surface, state): _figures(_get(app, _address(template, state), None))
                  for surface, template in SURFACES.items() for state in HIDDEN_STATES}

        hidden_months, totals = {}, {"public": datastore_total([public_month["id"]])}
        for state in HIDDEN_STATES:
            year = YEARS[state]
            dataset = create_supplier_invoice(sundsvall, year=year, resources=[], private=state == "private",
                                              **({"state": "draft"} if state == "draft" else {}))
            hidden_months[state] = upload_month(dataset, 1, _marked_month(year, state), year=year)
            totals[state] = datastore_total([hidden_months[state]["id"]])  # (deleting drops the table)
            if state == "deleted":
                toolkit.get_action("package_delete")(sysadmin_context(), {"id": dataset["id"]})

        other_org_admin = factories.User(name="vasteras-admin")
        owning_member = factories.User(name="sundsvall-member")
        for user, organisation, role in ((other_org_admin, vasteras, "admin"), (owning_member, sundsvall, "member")):
            toolkit.get_action("organization_member_create")(
                sysadmin_context(), {"id": organisation["id"], "username": user["name"], "role": role})
        tokens = {"anonymous": None,
                  "other_org_admin": factories.APIToken(user=other_org_admin["name"])["token"],
                  "owning_member": factories.APIToken(user=owning_member["name"])["token"]}
    return {"before": before, "tokens": tokens, "totals": totals}


def _marked_month(year: int, state: str) -> str:
    return month_text(1, 30, year=year).replace(SUPPLIERS[0][0], f"Leverantör {MARKERS[state]} AB")


def _empty_spending_store() -> None:
    """Earlier modules' rows stay in the store after their datasets are gone: start from none."""
    with store_connection() as connection, connection.begin():  # SQLAlchemy 1.4 (CKAN 2.11) and 2.0
        for table in TABLES:
            if connection.execute(sa.text("SELECT to_regclass(:t)"), {"t": table}).scalar():
                connection.execute(sa.text(f'TRUNCATE "{table}"'))


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_hidden_rows_change_no_explorer_figure(app, explorer, state, viewer):
    changed = []
    for surface, template in SURFACES.items():  # one app for all surfaces: a CKAN app per request is slow
        response = _get(app, _address(template, state), explorer["tokens"][viewer])
        if response.status_code != 200 or _figures(response) != explorer["before"][(surface, state)]:
            changed.append(surface)
        elif f"{MARKERS[state]} AB" in response.get_data(as_text=True):  # (the search page echoes its query)
            changed.append(f"{surface} names the hidden supplier")
    assert changed == []


def test_control_the_public_month_is_on_the_surfaces_and_the_hidden_rows_are_in_the_datastore(app, explorer):
    public_total = explorer["totals"]["public"]
    answer = _figures(_get(app, "/api/3/action/openup_spending?organization=sundsvall", None))
    assert Decimal(answer["total"]) == public_total and answer["invoices"] == 30
    page = _get(app, "/spending/suppliers?q=Leverant%C3%B6r", None).get_data(as_text=True)
    assert f"Leverantör {MARKERS['public']} AB" in page
    for state in HIDDEN_STATES:  # what could leak was in the DataStore, as much as the public month
        assert explorer["totals"][state] == public_total, state
