"""No request to the extension's own routes and actions ends in a server error, whatever a visitor sends.

Every route the extension's blueprints add and every action the plugin registers is asked with hostile
values (NUL and other control characters, 10 kB ids, ``../``, unicode, unknown formats, ``stream=true``,
repeated and odd parameters), anonymously and as a sysadmin. Each answer must be below 500 and say what
was wrong: a page with the message, or CKAN's usual JSON error over the API.
"""

from __future__ import annotations

from urllib.parse import quote

import ckan.plugins as plugins
import ckan.plugins.toolkit as toolkit
import pytest
from ckan.tests import factories

from tests.fresh_catalogue import fresh_catalogue
from tests.supplier_invoices import SUNDSVALL, create_organisation, create_supplier_invoice

pytestmark = [pytest.mark.usefixtures("with_plugins")]

HOSTILE_IDS = {
    "nul": "\x00",
    "nul after a name": "sundsvall\x00",
    "bell and escape": "\x07\x1b[31m",
    "header injection": "sundsvall\r\nX-Injected: 1",
    "10 kB": "a" * 10_000,
    "dot-dot": "../../etc/passwd",
    "unicode": "sundsvall-ö✓😀",
    "lone surrogate escape": "%ED%A0%80",
    "blank": " ",
    "wildcard": "*",
}
HOSTILE_FORMATS = {
    "unknown": "exe",
    "dot-dot": "../../etc",
    "nul": "\x00",
    "upper case": "RDF",
    "10 kB": "x" * 10_000,
    "unicode": "ttl✓",
}
# Control characters never appear in an organisation's id or name: refused as malformed, not looked up.
MALFORMED_IDS = ("nul", "nul after a name", "bell and escape", "header injection")
ERROR_TYPES = {"Validation Error", "Not Found Error", "Authorization Error"}
# The site-wide request guard (test_request_guard.py) answers 400 to any of these before a view runs.
GUARDED = (400, "control characters")


def _guarded_in_path(value: str) -> bool:
    return any(character < " " for character in value)


@pytest.fixture(scope="module")
def catalogue():
    """Sundsvall with one public supplier-invoice dataset, and a sysadmin's token."""
    with fresh_catalogue():
        dataset = create_supplier_invoice(create_organisation(SUNDSVALL))
        sysadmin = factories.Sysadmin()
        tokens = {"anonymous": None, "sysadmin": factories.APIToken(user=sysadmin["name"])["token"]}
    return {"tokens": tokens, "dataset": dataset}


def _headers(catalogue, viewer: str) -> dict[str, str]:
    token = catalogue["tokens"][viewer]
    return {"Authorization": token} if token else {}


def _request(method, path: str, **kwargs):
    """The response, or the exception the test app lets through where a server would answer 500."""
    try:
        return method(path, **kwargs)
    except Exception as error:  # noqa: BLE001 - every escaping exception is a 500 to report
        return error


def _extension_rules(app) -> list:
    rules = [rule for rule in app.flask_app.url_map.iter_rules() if rule.endpoint.startswith("openup_")]
    assert rules, "no routes of the extension found"
    return rules


def _extension_actions() -> list[str]:
    return sorted(plugins.get_plugin("openup").get_actions())


def _reads_only(action: str) -> bool:
    """CKAN answers GET only for side-effect-free actions; others (the chained package_create...) say use POST."""
    return bool(getattr(toolkit.get_action(action), "side_effect_free", False))


def _route_requests(app) -> list[tuple[str, str, dict | list, dict]]:
    """(label, path, query, headers) for every route of the extension with each hostile value in each of its parts."""
    requests = []
    for rule in _extension_rules(app):
        valid = {"id": "sundsvall", "_format": "rdf"}
        for argument in sorted(rule.arguments):
            hostile = HOSTILE_FORMATS if argument == "_format" else HOSTILE_IDS
            for name, value in hostile.items():
                parts = dict(valid, **{argument: value})
                path = rule.rule
                for key in rule.arguments:
                    # A literal "%ED%A0%80" stays encoded: werkzeug decodes it to a lone surrogate.
                    path = path.replace(f"<{key}>", parts[key] if "%" in parts[key] else quote(parts[key], safe=""))
                requests.append((f"{rule.endpoint} {argument}={name}", path, {}, {}))
        path = rule.rule.replace("<id>", "sundsvall").replace("<_format>", "rdf")
        for name, query in {
            "stream": {"stream": "true"},
            "odd parameters": [("id", "\x00"), ("format", "../../etc"), ("refresh", "yes"), ("q", "\x00"),
                               ("stream", "true"), ("stream", "false"), ("page", "-1")],
        }.items():
            requests.append((f"{rule.endpoint} {name}", path, query, {}))
        for name, accept in {"malformed q": "text/turtle;q=1.2.3", "unknown type": "text/n3;q=0.9, */*;q=0.1",
                             "10 kB": "x/" + "y" * 10_000}.items():
            requests.append((f"{rule.endpoint} Accept {name}", rule.rule.replace("<id>", "sundsvall"), {},
                             {"Accept": accept}))
    return requests


def test_every_route_and_action_of_the_extension_is_covered(app):
    endpoints = {rule.endpoint for rule in _extension_rules(app)}
    assert {"openup_harvest.organisation_catalogue", "openup_readiness.organisation_readiness"} <= endpoints
    assert set(_extension_actions()) >= {"openup_organization_catalog_show", "openup_harvest_readiness",
                                          "dcat_catalog_show", "dcat_dataset_show"}


@pytest.mark.parametrize("viewer", ["anonymous", "sysadmin"])
def test_hostile_requests_to_the_extensions_routes_answer_below_500_with_a_message(app, catalogue, viewer):
    failures = []
    for label, path, query, headers in _route_requests(app):
        response = _request(app.get, path, query_string=query, headers=dict(headers, **_headers(catalogue, viewer)))
        if isinstance(response, Exception):
            failures.append(f"{label}: raised {response!r:.200}")
            continue
        body = response.get_data(as_text=True)
        if response.status_code >= 500 or (response.status_code >= 400 and "Traceback" in body):
            failures.append(f"{label}: {response.status_code} {body[:200]!r}")
    assert not failures, "\n".join(failures)


def _mismatches(expected: dict[str, tuple], app, catalogue) -> list[str]:
    """For each label's (path, query, viewer, status, message), what the answer got wrong."""
    found = []
    for label, (path, query, viewer, status, message) in expected.items():
        response = _request(app.get, path, query_string=query, headers=_headers(catalogue, viewer))
        if isinstance(response, Exception):
            found.append(f"{label}: raised {response!r:.200}")
            continue
        body = response.get_data(as_text=True)
        if response.status_code != status or message not in body:
            found.append(f"{label}: {response.status_code} (not {status} with {message!r}) {body[:200]!r}")
    return found


def test_a_malformed_id_on_a_page_is_refused_with_400_saying_why(app, catalogue):
    expected = {}
    for name in MALFORMED_IDS:
        quoted = quote(HOSTILE_IDS[name], safe="")
        for viewer in ("anonymous", "sysadmin"):
            expected[f"feed id={name} {viewer}"] = (
                f"/organization/{quoted}/catalog", {}, viewer, 400, "control characters")
            expected[f"ttl feed id={name} {viewer}"] = (
                f"/organization/{quoted}/catalog.ttl", {}, viewer, 400, "control characters")
        # Anonymous visitors are refused before the id is read: readiness is for members.
        expected[f"readiness id={name} sysadmin"] = (
            f"/organization/{quoted}/readiness", {}, "sysadmin", 400, "control characters")
    assert not (failures := _mismatches(expected, app, catalogue)), "\n".join(failures)


def test_an_unknown_organisation_on_a_page_is_404(app, catalogue):
    expected = {
        f"{page} id={name}": (f"/organization/{quote(HOSTILE_IDS[name], safe='')}/{page}", {}, "sysadmin", 404,
                              "Organisation not found")
        for page in ("catalog", "readiness") for name in ("10 kB", "unicode", "wildcard")
    }
    assert not (failures := _mismatches(expected, app, catalogue)), "\n".join(failures)


def test_organisation_feed_answers_rdf_xml_to_an_accept_header_it_cannot_serve(app, catalogue):
    for accept in ("text/turtle;q=1.2.3", "text/n3;q=0.9, */*;q=0.1", "x/" + "y" * 10_000):
        response = app.get("/organization/sundsvall/catalog", headers={"Accept": accept})
        assert response.status_code == 200, accept[:40]
        assert response.headers["Content-Type"].startswith("application/rdf+xml")


def test_organisation_feed_refuses_an_unknown_format_with_400_naming_the_formats(app, catalogue):
    expected = {
        f"format={name}": (f"/organization/sundsvall/catalog.{quote(value, safe='')}", {}, "anonymous",
                           *(GUARDED if _guarded_in_path(value) else (400, "rdf, xml, ttl, jsonld")))
        for name, value in HOSTILE_FORMATS.items() if "/" not in value  # a "/" makes a path no route matches
    }
    assert not (failures := _mismatches(expected, app, catalogue)), "\n".join(failures)


# -- actions over the API --------------------------------------------------------------------------

def _action_calls() -> list[tuple[str, dict]]:
    """(label, parameters) sent to every action, by GET query and by POSTed JSON."""
    calls = [(f"id={name}", {"id": value}) for name, value in HOSTILE_IDS.items()]
    calls += [(f"format={name}", {"id": "sundsvall", "format": value}) for name, value in HOSTILE_FORMATS.items()]
    calls += [
        ("stream=true", {"id": "sundsvall", "stream": "true"}),
        ("stream=true with rdf", {"id": "sundsvall", "format": "rdf", "stream": True}),
        ("refresh with nul id", {"id": "\x00", "refresh": "true"}),
        ("refresh not a boolean", {"id": "sundsvall", "refresh": "maybe"}),
        ("id as a list", {"id": ["sundsvall", "sundsvall"]}),
        ("id as an object", {"id": {"name": "sundsvall"}}),
        ("id as a number", {"id": 5}),
        ("no id", {}),
        ("nul query", {"q": "\x00", "fq": "\x00"}),
        ("page too far", {"page": "99999999999999999999"}),
        ("page not a number", {"page": "\x00"}),
        ("modified_since nul", {"modified_since": "\x00"}),
        ("unknown profile", {"profiles": ["../../etc"]}),
        ("profiles not a list", {"profiles": {"a": 1}}),
    ]
    return calls


def _query_string(parameters: dict) -> list[tuple[str, str]]:
    pairs = []
    for key, value in parameters.items():
        values = value if isinstance(value, list) else [value]  # a list becomes a repeated parameter
        pairs += [(key, v if isinstance(v, str) else str(v)) for v in values]
    return pairs


def _api_failure(label: str, response) -> str | None:
    """What is wrong with an API answer, or None when it is a proper success or a proper CKAN error."""
    if isinstance(response, Exception):
        return f"{label}: raised {response!r:.200}"
    if response.status_code >= 500:
        return f"{label}: {response.status_code} {response.get_data(as_text=True)[:200]!r}"
    try:
        body = response.get_json(force=True)
    except Exception:  # noqa: BLE001 - any body that is not JSON is the failure being reported
        return f"{label}: not JSON: {response.get_data(as_text=True)[:200]!r}"
    if body.get("success") is True and response.status_code == 200:
        return None
    error = body.get("error") or {}
    messages = {key: value for key, value in error.items() if key != "__type"}
    if body.get("success") is not False or error.get("__type") not in ERROR_TYPES or not messages:
        return f"{label}: {response.status_code} {body!r:.200}"
    return None


@pytest.mark.parametrize("viewer", ["anonymous", "sysadmin"])
def test_hostile_calls_to_the_extensions_actions_answer_a_ckan_error_never_500(app, catalogue, viewer):
    failures = []
    for action in _extension_actions():
        for label, parameters in _action_calls():
            path = f"/api/3/action/{action}"
            over_get = _request(app.get, path, query_string=_query_string(parameters),
                                headers=_headers(catalogue, viewer))
            over_post = _request(app.post, path, json=parameters, headers=_headers(catalogue, viewer))
            if _reads_only(action):
                failures += filter(None, [_api_failure(f"GET {action} {label}", over_get)])
            elif isinstance(over_get, Exception) or over_get.status_code != 400:
                failures.append(f"GET {action} {label}: a writing action must answer CKAN's 400 (use POST)")
            failures += filter(None, [_api_failure(f"POST {action} {label}", over_post)])
    assert not failures, "\n".join(failures)


def test_a_malformed_id_over_the_api_is_a_validation_error_on_id(app, catalogue):
    failures = []
    for action in ("openup_organization_catalog_show", "openup_harvest_readiness"):
        # A NUL never reaches the action over HTTP (the request guard refuses it); other control characters do.
        for name in ("bell and escape", "header injection"):
            response = app.get(f"/api/3/action/{action}", query_string={"id": HOSTILE_IDS[name]},
                               headers=_headers(catalogue, "sysadmin"))
            error = response.get_json()["error"]
            if response.status_code != 409 or "control characters" not in str(error.get("id")):
                failures.append(f"{action} id={name}: {response.status_code} {error!r:.200}")
    assert not failures, "\n".join(failures)


def test_stream_over_the_api_is_refused_with_a_message(app, catalogue):
    response = app.get("/api/3/action/openup_organization_catalog_show",
                       query_string={"id": "sundsvall", "stream": "true"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["__type"] == "Validation Error"
    assert "harvest URL" in error["stream"][0]


def test_organisation_catalogue_over_the_api_is_one_string(app, catalogue):
    response = app.get("/api/3/action/openup_organization_catalog_show", query_string={"id": "sundsvall"})
    assert response.status_code == 200
    assert response.get_json()["result"].startswith("<?xml")


# -- ckanext-dcat's catalogue, through the extension's chained dcat_catalog_show ------------------------

def test_site_catalogue_action_refuses_an_unknown_format_naming_the_formats(app, catalogue):
    failures = []
    for name, value in HOSTILE_FORMATS.items():
        if "\x00" in value:
            continue  # the request guard answers first (test_request_guard.py)
        response = app.get("/api/3/action/dcat_catalog_show", query_string={"format": value})
        error = response.get_json()["error"]
        if response.status_code != 409 or "jsonld" not in str(error.get("format")):
            failures.append(f"format={name}: {response.status_code} {error!r:.200}")
    assert not failures, "\n".join(failures)


def test_site_catalogue_page_refuses_an_unknown_format_with_a_message(app, catalogue):
    # ckanext-dcat's own view answers any validation error with 409 and the message.
    expected = {
        f"format={name}": (f"/catalog.{quote(HOSTILE_FORMATS[name], safe='')}", {}, "anonymous",
                           *(GUARDED if _guarded_in_path(HOSTILE_FORMATS[name]) else (409, "jsonld")))
        for name in ("unknown", "upper case", "unicode", "nul", "10 kB")
    }
    assert not (failures := _mismatches(expected, app, catalogue)), "\n".join(failures)


def test_dataset_rdf_page_refuses_an_unknown_format_or_a_malformed_id_with_a_message(app, catalogue):
    name = catalogue["dataset"]["name"]
    expected = {
        f"format={label}": (f"/dataset/{name}.{quote(HOSTILE_FORMATS[label], safe='')}", {}, "anonymous",
                            *(GUARDED if _guarded_in_path(HOSTILE_FORMATS[label]) else (409, "jsonld")))
        for label in ("unknown", "upper case", "unicode", "nul", "10 kB")
    }
    expected.update({
        f"id={label}": (f"/dataset/{quote(HOSTILE_IDS[label], safe='')}.rdf", {}, "anonymous", *GUARDED)
        for label in MALFORMED_IDS
    })
    expected["unknown profile"] = (f"/dataset/{name}.rdf", {"profiles": "../../etc"}, "anonymous", 409,
                                   "Unknown RDF profile")
    assert not (failures := _mismatches(expected, app, catalogue)), "\n".join(failures)


def test_site_catalogue_page_with_odd_parameters_answers_below_500(app, catalogue):
    failures = []
    for query in ({"q": "\x00"}, {"fq": "\x00"}, {"page": "99999999999999999999"}, {"profiles": "../../etc"},
                  {"modified_since": "\x00"}, {"q": "a" * 10_000}):
        response = _request(app.get, "/catalog.rdf", query_string=query)
        if isinstance(response, Exception) or response.status_code >= 500:
            failures.append(f"{str(query)[:60]}: {response!r:.200}")
    assert not failures, "\n".join(failures)
