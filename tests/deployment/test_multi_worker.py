"""CKAN on several gunicorn workers, two RQ workers, Solr and the DataStore: nothing leaks, publishing works.

The deployment of docs/administrators-guide.md, started once for the module (tests/deployment/deployment.py).
Over real HTTP: the leak matrices of tests/views and tests/spending give an anonymous visitor and another
organisation's editor nothing of a private, draft or deleted dataset or its rows; ``openup publish`` (the
CLI, with an editor's API token) ends with an RQ worker's rows and the dataset found by every web worker; and
a dataset made private through one worker is served by none (no per-process cache holds it).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import requests

from ckanext.openup import testing
from ckanext.openup.procurement.inspection import inspect_invoice_file
from tests.deployment.deployment import (
    JOBS_WORKERS,
    SOLR_LAUNCHER,
    SOLR_MODE,
    WEB_WORKERS,
    Deployment,
    HttpClient,
    solr_url,
)
from tests.publishing.conftest import publish
from tests.publishing.invoices import month_file, prepared_months
from tests.publishing.runs import wait_for, year_dataset
from tests.spending import test_explorer_leak_matrix as explorer_matrix
from tests.supplier_invoices import SUNDSVALL, VASTERAS, supplier_invoice
from tests.views import test_leak_matrix as views_matrix
from tests.views.test_leak_matrix import HIDDEN_STATES, MARKERS, YEARS

ROWS_PER_MONTH = 30
VIEWERS = ("anonymous", "other_org_editor")


@pytest.fixture(scope="module")
def site():
    """The deployment, with the Solr it searches (stopped after it when this module started that Solr)."""
    started_solr = not testing.solr_url() and SOLR_LAUNCHER.exists()
    deployment = Deployment(solr_url())
    try:
        deployment.start()
        print(f"\ndeployment: {WEB_WORKERS} gunicorn workers, {JOBS_WORKERS} RQ workers, {deployment.backend}")
        yield deployment
    finally:
        deployment.stop()
        if started_solr:
            subprocess.run([sys.executable, str(SOLR_LAUNCHER), "stop", SOLR_MODE], timeout=120, check=False)


def _token(site: Deployment, user: str) -> str:
    return site.action("api_token_create", user=user, name="deployment-test")["token"]


def _member(site: Deployment, organisation: dict, user: str, role: str) -> str:
    """A new user with ``role`` in ``organisation``; their API token."""
    site.action("user_create", name=user, email=f"{user}@example.org", password="deployment-password")
    site.action("organization_member_create", id=organisation["id"], username=user, role=role)
    return _token(site, user)


def _upload_month(site: Deployment, dataset: dict, text: str, year: int) -> dict:
    """The month's file uploaded as a new resource of ``dataset`` (multipart, as a browser or the CLI sends it)."""
    name = f"leverantorsfakturor-{year}-01.csv"
    response = requests.post(
        f"{site.url}/api/3/action/resource_create", headers={"Authorization": site.admin_token}, timeout=120,
        data={"package_id": dataset["id"], "name": f"{year}-01", "format": "CSV", "period": f"{year}-01", "url": name},
        files={"upload": (name, text.encode("utf-8"), "text/csv")})
    assert response.ok, response.text
    return response.json()["result"]


def _rows_loaded(site: Deployment, resource_id: str, rows: int) -> Decimal:
    """Wait until an RQ worker has loaded ``rows`` rows of the resource; their total amount."""
    def loaded():
        try:
            answer = site.action("datastore_search_sql",
                                 sql=f'SELECT count(*) AS n, sum(belopp) AS total FROM "{resource_id}"')
        except AssertionError:  # (no table yet)
            return None
        [totals] = answer["records"]
        return int(totals["n"]) == rows and Decimal(str(totals["total"]))
    try:
        return wait_for(loaded, timeout=120, step=0.5)
    except AssertionError:
        raise AssertionError(f"rows of {resource_id} not loaded:\n{site.jobs_logs()[-3000:]}") from None


def _rows_view(site: Deployment, resource_id: str) -> dict:
    """The month's DataTables view (the rows job adds it after the rows)."""
    [view] = wait_for(lambda: site.action("resource_view_list", id=resource_id), timeout=60, step=0.5)
    return view


@pytest.fixture(scope="module")
def catalogue(site):
    """Sundsvall's public dataset, the explorer read once, then its private, draft and deleted datasets.

    Built over HTTP as tests/views/test_leak_matrix.py and tests/spending/test_explorer_leak_matrix.py build
    theirs in-process: one dataset per state, each with a linked file and an uploaded month of rows marked
    with the state's marker in a supplier's name.
    """
    client = HttpClient(site.url)
    sundsvall = site.action("organization_create", **SUNDSVALL)
    vasteras = site.action("organization_create", **VASTERAS)
    site.action("package_create", **supplier_invoice(vasteras, year=2025))
    datasets, months = {}, {}
    for state, marker in MARKERS.items():
        year = YEARS[state]
        dataset = site.action("package_create", **supplier_invoice(
            sundsvall, year=year, private=state == "private",
            title_translated={"sv": f"Leverantörsfakturor {year} {marker}", "en": f"Supplier invoices {year} {marker}"},
            resources=[{"url": f"https://example.org/sundsvall/{marker}-{year}-01.csv", "format": "CSV",
                        "period": f"{year}-01"}],
            **({"state": "draft"} if state == "draft" else {})))
        months[state] = _upload_month(site, dataset, explorer_matrix._marked_month(year, state), year)
        datasets[state] = dataset
        if state == "public":  # the explorer's figures while only public rows are loaded
            _rows_loaded(site, months[state]["id"], ROWS_PER_MONTH)
            addresses = sorted({explorer_matrix._address(template, hidden)
                                for template in explorer_matrix.SURFACES.values() for hidden in HIDDEN_STATES})
            with ThreadPoolExecutor(WEB_WORKERS) as pool:
                explorer_before = dict(zip(addresses, pool.map(
                    lambda address: explorer_matrix._figures(client.get(address)), addresses), strict=True))
    totals = {}
    for state, dataset in datasets.items():  # the two RQ workers load the hidden months side by side
        totals[state] = _rows_loaded(site, months[state]["id"], ROWS_PER_MONTH)
        view = _rows_view(site, months[state]["id"])
        datasets[state] = dict(site.action("package_show", id=dataset["id"]), rows_view_id=view["id"])
    site.action("package_delete", id=datasets["deleted"]["id"])
    datasets["deleted"] = dict(site.action("package_show", id=datasets["deleted"]["id"]),
                               rows_view_id=datasets["deleted"]["rows_view_id"])
    assert [d["state"] for d in datasets.values()] == ["active", "active", "draft", "deleted"]
    tokens = {"anonymous": None, "other_org_editor": _member(site, vasteras, "vasteras-editor", "editor"),
              "owning_member": _member(site, sundsvall, "sundsvall-member", "member")}
    return {"client": client, "datasets": datasets, "tokens": tokens, "totals": totals,
            "explorer_before": explorer_before}


# -- (a) the leak matrices over HTTP ---------------------------------------------------------------------

@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_hidden_dataset_never_shown_by_any_worker(catalogue, state, viewer):
    dataset, token = catalogue["datasets"][state], catalogue["tokens"][viewer]

    def problems(surface: str) -> list[str]:
        responses = views_matrix.SURFACES[surface](catalogue["client"], token, dataset)
        allowed = (403, 404) if surface in views_matrix.ADDRESSED else (200,)
        if surface in views_matrix.DATASTORE_SURFACES:
            allowed = (200, 403, 404, 409)
        leaks = views_matrix._leaks(responses, dataset, state, surface)
        return ([f"{surface}: status {r.status_code}" for r in responses if r.status_code not in allowed]
                + [f"{surface} shows {telltale}" for telltale in leaks])

    assert _on_every_surface(problems, views_matrix.SURFACES) == []


def test_control_public_dataset_is_shown_on_every_surface(catalogue):
    dataset = catalogue["datasets"]["public"]

    def problems(surface: str) -> list[str]:
        responses = views_matrix.SURFACES[surface](catalogue["client"], None, dataset)
        evidence = (MARKERS["public"], dataset["name"], views_matrix.CONTROL_EVIDENCE.get(surface, MARKERS["public"]))
        shown = any(telltale in views_matrix._text(responses) for telltale in evidence)
        return ([f"{surface}: status {r.status_code}" for r in responses if r.status_code != 200]
                + ([] if shown else [f"{surface}: not shown"]))

    surfaces = [surface for surface in views_matrix.SURFACES if surface not in views_matrix.REFUSED_TO_ALL]
    assert _on_every_surface(problems, surfaces) == []


def _on_every_surface(problems, surfaces) -> list[str]:
    """``problems(surface)`` for every surface, a few at a time (the workers answer side by side)."""
    with ThreadPoolExecutor(WEB_WORKERS) as pool:
        return [problem for found in pool.map(problems, surfaces) for problem in found]


def test_control_owning_member_sees_the_private_rows(catalogue):
    dataset = catalogue["datasets"]["private"]
    surface = views_matrix.SURFACES["api datastore_search"]
    [response] = surface(catalogue["client"], catalogue["tokens"]["owning_member"], dataset)
    assert response.status_code == 200 and MARKERS["private"] in response.get_data(as_text=True)


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_hidden_rows_change_no_explorer_figure(catalogue, state, viewer):
    def problems(surface: str) -> list[str]:
        address = explorer_matrix._address(explorer_matrix.SURFACES[surface], state)
        response = catalogue["client"].get(address, headers=_authorization(catalogue["tokens"][viewer]))
        if response.status_code != 200 or explorer_matrix._figures(response) != catalogue["explorer_before"][address]:
            return [surface]
        if f"{MARKERS[state]} AB" in response.get_data(as_text=True):
            return [f"{surface} names the hidden supplier"]
        return []

    assert _on_every_surface(problems, explorer_matrix.SURFACES) == []


def test_control_the_public_rows_are_on_the_explorer_and_the_hidden_ones_in_the_datastore(catalogue):
    [response] = [catalogue["client"].get("/api/3/action/openup_spending?organization=sundsvall")]
    answer = explorer_matrix._figures(response)
    assert Decimal(answer["total"]) == catalogue["totals"]["public"] and answer["invoices"] == ROWS_PER_MONTH
    for state in HIDDEN_STATES:
        assert catalogue["totals"][state] == catalogue["totals"]["public"], state


def _authorization(token: str | None) -> dict[str, str]:
    return {"Authorization": token} if token else {}


# -- (b) openup publish against the deployment ------------------------------------------------------------

def test_published_month_is_loaded_by_a_jobs_worker_and_found_by_every_web_worker(site, tmp_path):
    organisation = site.action("organization_create", **dict(SUNDSVALL, name="sundsvall-publishing",
                                                             title="Sundsvalls kommun (publicering)"))
    editor_token = _member(site, organisation, "publishing-editor", "editor")
    year = 2021
    prepared = prepared_months(tmp_path, year, [3], rows_per_month=40)
    summary = inspect_invoice_file(month_file(prepared, year, 3)).summary

    mark = site.logged_requests()
    result = publish(site.url, editor_token, "--org", organisation["name"], "--year", year, prepared)

    assert result.exit_code == 0, result.output
    dataset = wait_for(lambda: year_dataset(site, organisation, year), timeout=60)
    [month] = [resource for resource in dataset["resources"] if resource["period"] == f"{year}-03"]
    assert _rows_loaded(site, month["id"], summary.rows) == summary.total_amount
    loaded = f"Loaded {summary.rows} invoice rows of resource {month['id']}"
    wait_for(lambda: loaded in site.jobs_logs(), timeout=30)  # (logged just after the rows are committed)
    assert loaded not in site.server_log()
    # (ckanapi posts to /api/action/...; the log is complete: the rows took seconds after the last write)
    writes = site.requests_of(r"POST /api(/3)?/action/(package|resource)_(create|patch|update)", after=mark)
    assert writes, "the publish run's writes are not in the access log"

    def search(params):
        return requests.get(f"{site.url}/api/3/action/package_search", timeout=60,
                            params={"q": "leverantörsfakturor", "fq": f"organization:{organisation['name']}",
                                    **params}).json()["result"]
    found = wait_for(lambda: _when_all(site.served_by_each_worker(search),
                                       lambda answer: answer["count"] == 1), timeout=60, step=1)
    last_writer = writes[-1][0]  # the worker that finished the dataset; the others found it all the same
    assert len(found) == WEB_WORKERS and set(found) - {last_writer}
    assert {answer["results"][0]["name"] for answer in found.values()} == {dataset["name"]}


def _when_all(answers: dict, condition) -> dict | None:
    return answers if all(condition(answer) for answer in answers.values()) else None


# -- (c) no worker keeps serving what another made private ------------------------------------------------

def test_dataset_made_private_through_one_worker_is_served_by_no_worker(site):
    organisation = site.action("organization_show", id="sundsvall")
    marker = "privatiseradmarker"
    dataset = site.action("package_create", **supplier_invoice(
        organisation, year=2019, title_translated={"sv": f"Leverantörsfakturor 2019 {marker}"}))
    surfaces = {
        "package_show": lambda p: requests.get(f"{site.url}/api/3/action/package_show",
                                               params={"id": dataset["name"], **p}, timeout=60),
        "package_search": lambda p: requests.get(f"{site.url}/api/3/action/package_search",
                                                 params={"q": marker, **p}, timeout=60),
        "dataset page": lambda p: requests.get(f"{site.url}/supplier-invoices/{dataset['name']}", params=p,
                                               timeout=60),
        "dataset rdf": lambda p: requests.get(f"{site.url}/dataset/{dataset['id']}.rdf", params=p, timeout=60),
    }
    for name, ask in surfaces.items():  # every worker has served the public dataset (and cached what it would)
        assert all(marker in answer.text for answer in site.served_by_each_worker(ask).values()), name

    started, mark = time.monotonic(), site.logged_requests()
    site.action("package_patch", id=dataset["id"], private=True)
    [(writer, _request)] = wait_for(lambda: site.requests_of(r"POST /api/3/action/package_patch", after=mark))

    shown = {}
    for name, ask in surfaces.items():
        answers = site.served_by_each_worker(ask)
        assert writer in answers and len(answers) == WEB_WORKERS
        shown[name] = [pid for pid, answer in answers.items()
                       if marker in answer.text or (name != "package_search" and answer.status_code == 200)]
    assert shown == {name: [] for name in surfaces}, f"{time.monotonic() - started:.1f} s after the change"


def test_every_worker_process_is_still_running(site):
    assert len(site.web_workers()) == WEB_WORKERS
    assert len(re.findall(r"Booting worker with pid", site.server_log())) == WEB_WORKERS  # none restarted
