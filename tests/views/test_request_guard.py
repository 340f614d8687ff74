"""No address with a NUL or another control character reaches CKAN's pages or API, whichever route it names.

PostgreSQL refuses NUL in text, so CKAN core's own routes (``/dataset/%00``, ``package_show?id=%00``) used to
end in a server error. The site-wide request guard refuses such an address first: a page with the message,
or CKAN's JSON error over the API, both 400. Ordinary addresses (unicode, spaces, Swedish letters, a TAB or a
line break in a search) pass as before.
"""

from __future__ import annotations

import io

import pytest
from ckan.tests import factories

from tests.fresh_catalogue import fresh_catalogue
from tests.supplier_invoices import SUNDSVALL, VASTERAS, create_organisation, create_supplier_invoice

pytestmark = [pytest.mark.usefixtures("with_plugins")]

VIEWERS = ("anonymous", "sysadmin")
# Core pages whose id reaches a database query.
PAGES_WITH_NUL = ("/dataset/%00", "/dataset/sundsvall%00", "/organization/%00", "/group/%00", "/user/%00",
                  "/dataset/%00/resource/%00", "/organization/%00/catalog", "/%00")
# Control characters other than NUL never belong in a path either (a query may hold a TAB or a line break).
PAGES_WITH_CONTROL_CHARACTERS = ("/dataset/%07", "/organization/%1b%5b31m", "/dataset/a%0d%0aX-Injected:%201",
                                 "/dataset/%09", "/group/%1f")
API_CALLS_WITH_NUL = {
    "package_show": {"id": "\x00"},
    "organization_show": {"id": "\x00"},
    "group_show": {"id": "\x00"},
    "user_show": {"id": "\x00"},
    "resource_show": {"id": "\x00"},
    "package_search": {"q": "\x00"},
    "package_search fq": {"fq": "name:\x00"},
    "organization_list": {"sort": "\x00"},
    "package_show after a name": {"id": "sundsvall\x00"},
}


@pytest.fixture(scope="module")
def catalogue():
    """Sundsvall and Västerås with one supplier-invoice dataset each, and a sysadmin's token."""
    with fresh_catalogue():
        sundsvall = create_supplier_invoice(create_organisation(SUNDSVALL))
        create_supplier_invoice(create_organisation(VASTERAS))
        sysadmin = factories.Sysadmin()
        tokens = {"anonymous": None, "sysadmin": factories.APIToken(user=sysadmin["name"])["token"]}
    return {"tokens": tokens, "dataset": sundsvall}


def _headers(catalogue, viewer: str) -> dict[str, str]:
    token = catalogue["tokens"][viewer]
    return {"Authorization": token} if token else {}


def _get(app, path: str, **kwargs):
    """The response, or the exception the test app lets through where a server would answer 500."""
    try:
        return app.get(path, **kwargs)
    except Exception as error:  # noqa: BLE001 - every escaping exception is a 500 to report
        return error


def _page_refusal(label: str, response) -> str | None:
    """What is wrong with the answer to a page address holding control characters, or None."""
    if isinstance(response, Exception):
        return f"{label}: raised {response!r:.200}"
    body = response.get_data(as_text=True)
    if response.status_code != 400 or "control characters" not in body or "Traceback" in body:
        return f"{label}: {response.status_code} {body[:200]!r}"
    return None


@pytest.mark.parametrize("viewer", VIEWERS)
def test_core_pages_with_a_nul_in_the_address_answer_400_saying_why(app, catalogue, viewer):
    failures = [_page_refusal(path, _get(app, path, headers=_headers(catalogue, viewer))) for path in PAGES_WITH_NUL]
    failures += [_page_refusal(f"/dataset/?q=%00 {name}", _get(app, "/dataset/", query_string={name: "\x00"},
                                                                headers=_headers(catalogue, viewer)))
                 for name in ("q", "sort", "page", "organization")]
    assert not (found := list(filter(None, failures))), "\n".join(found)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_core_pages_with_control_characters_in_the_path_answer_400(app, catalogue, viewer):
    failures = [_page_refusal(path, _get(app, path, headers=_headers(catalogue, viewer)))
                for path in PAGES_WITH_CONTROL_CHARACTERS]
    assert not (found := list(filter(None, failures))), "\n".join(found)


def _api_refusal(label: str, response) -> str | None:
    """What is wrong with the answer to an API call holding a NUL, or None when it is CKAN's 400 JSON error."""
    if isinstance(response, Exception):
        return f"{label}: raised {response!r:.200}"
    body = response.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    if (response.status_code != 400 or body.get("success") is not False
            or error.get("__type") != "Validation Error" or "control characters" not in str(error.get("message"))):
        return f"{label}: {response.status_code} {response.get_data(as_text=True)[:200]!r}"
    return None


@pytest.mark.parametrize("viewer", VIEWERS)
def test_core_api_calls_with_a_nul_answer_ckans_json_error_with_400(app, catalogue, viewer):
    failures = []
    for label, parameters in API_CALLS_WITH_NUL.items():
        action = label.split()[0]
        for version in ("/api/3/action", "/api/action"):
            response = _get(app, f"{version}/{action}", query_string=parameters, headers=_headers(catalogue, viewer))
            failures.append(_api_refusal(f"{version} {label}", response))
    failures.append(_api_refusal("action name", _get(app, "/api/3/action/package_show%00")))
    failures.append(_api_refusal("unknown api path", _get(app, "/api/%00")))
    assert not (found := list(filter(None, failures))), "\n".join(found)


def test_a_percent_encoded_nul_written_out_is_ordinary_text(app, catalogue):
    # "%2500" decodes to the three characters "%00": a search for them, not a NUL.
    response = app.get("/api/3/action/package_search?q=%2500")
    assert response.status_code == 200
    assert response.get_json()["success"] is True


def test_ordinary_addresses_still_work(app, catalogue):
    dataset = catalogue["dataset"]
    pages = {
        f"/dataset/{dataset['name']}": 200,
        "/organization/sundsvall": 200,
        "/organization/vasteras": 200,
        "/dataset/?q=V%C3%A4ster%C3%A5s%20stad": 200,
        "/dataset/?q=Leverant%C3%B6rsfakturor+2025": 200,
        "/organization/?q=%C3%A5%C3%A4%C3%B6%E2%9C%93%F0%9F%98%80": 200,
        "/dataset/v%C3%A4ster%C3%A5s": 404,  # a unicode name that does not exist is simply not found
        "/organization/sundsvall/catalog": 200,
    }
    got = {path: app.get(path).status_code for path in pages}
    assert got == pages


def test_ordinary_api_calls_still_work(app, catalogue):
    calls = {
        "package_show": {"id": catalogue["dataset"]["name"]},
        "organization_show": {"id": "vasteras"},
        "package_search": {"q": "Västerås stad"},
    }
    for action, parameters in calls.items():
        response = app.get(f"/api/3/action/{action}", query_string=parameters)
        assert response.status_code == 200, action
        assert response.get_json()["success"] is True
    found = app.get("/api/3/action/package_search", query_string={"q": "title:Leverantörsfakturor"}).get_json()
    assert found["result"]["count"] == 2


def test_a_tab_or_line_break_in_a_search_is_not_refused(app, catalogue):
    for query in ("Sundsvalls\tkommun", "Sundsvalls\r\nkommun", "Sundsvalls\x07kommun"):
        response = app.get("/api/3/action/package_search", query_string={"q": query})
        assert response.status_code == 200, repr(query)
        page = app.get("/dataset/", query_string={"q": query})
        assert page.status_code == 200, repr(query)


# -- posted fields: the login form and the action API read bodies, and PostgreSQL refuses NUL there too ------

POSTED_WITH_NUL = {
    "package_show JSON": ("package_show", {"json": {"id": "\x00"}}),
    "organization_show JSON": ("organization_show", {"json": {"id": "sundsvall\x00"}}),
    "resource_show JSON": ("resource_show", {"json": {"id": "\x00"}}),
    "package_show form": ("package_show", {"data": {"id": "\x00"}}),
    "package_patch JSON, nested": ("package_patch", {"json": {"id": "sundsvall-supplier-invoices-2025",
                                                              "tags": [{"name": "ok"}, {"name": "a\x00"}]}}),
    "JSON key": ("package_show", {"json": {"id\x00": "x", "id": "sundsvall-supplier-invoices-2025"}}),
    "JSON as a form's only key (curl -d)": ("package_show", {"data": '{"id": "\\u0000"}',
                                                             "content_type": "application/x-www-form-urlencoded"}),
}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_posted_api_calls_with_a_nul_answer_ckans_json_error_with_400(app, catalogue, viewer):
    failures = [
        _api_refusal(label, _post(app, f"/api/3/action/{action}", headers=_headers(catalogue, viewer), **body))
        for label, (action, body) in POSTED_WITH_NUL.items()
    ]
    assert not (found := list(filter(None, failures))), "\n".join(found)


def test_the_login_form_with_a_nul_answers_400_saying_why(app, catalogue):
    response = _post(app, "/user/login", data={"login": "admin\x00", "password": "secret"})
    assert _page_refusal("login", response) is None, _page_refusal("login", response)


def test_ordinary_posts_still_work_and_an_uploaded_file_may_hold_nul_bytes(app, catalogue):
    headers = _headers(catalogue, "sysadmin")
    search = app.post("/api/3/action/package_search", json={"q": "Västerås\tstad"}, headers=headers)
    assert search.status_code == 200
    dataset = app.post("/api/3/action/package_create", headers=headers, json={
        "name": "binary-attachments", "title": "Bilagor åäö", "owner_org": "sundsvall", "type": "dataset"})
    assert dataset.status_code == 200, dataset.get_data(as_text=True)[:300]
    # A file's bytes are not fields: a binary attachment with NUL bytes uploads as before.
    uploaded = app.post("/api/3/action/resource_create", headers=headers, data={
        "package_id": "binary-attachments", "name": "Bilaga",
        "upload": (io.BytesIO(b"PK\x03\x04\x00\x00binary\x00"), "bilaga.zip")})
    assert uploaded.status_code == 200, uploaded.get_data(as_text=True)[:300]
    assert uploaded.get_json()["result"]["url"].endswith("bilaga.zip")


def _post(app, path: str, **kwargs):
    """The response, or the exception the test app lets through where a server would answer 500."""
    try:
        return app.post(path, **kwargs)
    except Exception as error:  # noqa: BLE001 - every escaping exception is a 500 to report
        return error
