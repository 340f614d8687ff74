"""Rights and licence are set once on the dataset and hold for every file: one fix makes every file green."""

import ckan.plugins.toolkit as toolkit
import pytest
import rdflib
from rdflib.namespace import DCTERMS

from tests.profiles.feeds import catalogue_graph
from tests.readiness.conftest import readiness_as, update_dataset
from tests.supplier_invoices import supplier_invoice, sysadmin_context

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
    pytest.mark.ckan_config("ckanext.openup.readiness.background", "false"),
]
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")


def dataset_without_file_rights(organisation, months=10, **overrides):
    dataset = supplier_invoice(organisation, year=2024, **overrides)
    template = dataset["resources"][0]
    del template["rights"]
    dataset["resources"] = [dict(template, name=f"2024-{m:02d}", period=f"2024-{m:02d}",
                                 url=f"https://example.org/sundsvall/2024-{m:02d}.csv")
                            for m in range(1, months + 1)]
    return toolkit.get_action("package_create")(sysadmin_context(), dataset)


def test_missing_rights_is_one_problem_on_the_dataset_not_one_per_file(sundsvall, editor):
    dataset = dataset_without_file_rights(sundsvall)

    problems = next(d for d in readiness_as(editor, "sundsvall")["datasets"]
                    if d["name"] == dataset["name"])["problems"]

    rights = [p for p in problems if p["property"] == "dct:rights"]
    assert len(rights) == 1
    assert rights[0]["resource_id"] == "" and rights[0]["field"] == "rights"
    assert rights[0]["edit_url"].endswith(f"/supplier-invoices/edit/{dataset['name']}#field-rights")


def test_rights_set_on_the_dataset_make_every_file_ready(sundsvall, editor):
    dataset = dataset_without_file_rights(sundsvall)

    update_dataset(dataset["name"], rights="Fri att använda enligt licensen.")

    entry = next(d for d in readiness_as(editor, "sundsvall")["datasets"] if d["name"] == dataset["name"])
    assert entry["status"] == "ready", entry["problems"]


def test_feed_carries_the_dataset_rights_and_licence_on_every_distribution(sundsvall):
    dataset = dataset_without_file_rights(sundsvall, months=3, rights="Fri att använda enligt licensen.")

    _, graph = catalogue_graph(sundsvall, [dataset])

    distributions = list(graph.subjects(rdflib.RDF.type, DCAT.Distribution))
    assert len(distributions) == 3
    for distribution in distributions:
        statement = graph.value(distribution, DCTERMS.rights)
        assert statement is not None
        assert "Fri att använda enligt licensen." in {str(o) for o in graph.objects(statement, None)}
        assert graph.value(distribution, DCTERMS.license) == rdflib.URIRef(
            "http://creativecommons.org/licenses/by/4.0/")


def test_a_file_keeps_its_own_rights_over_the_dataset_ones(sundsvall):
    dataset = supplier_invoice(sundsvall, year=2024, rights="Fri att använda enligt licensen.")
    dataset["resources"][0]["rights"] = "Egen rättighetstext."
    created = toolkit.get_action("package_create")(sysadmin_context(), dataset)

    _, graph = catalogue_graph(sundsvall, [created])

    texts = {str(o) for d in graph.subjects(rdflib.RDF.type, DCAT.Distribution)
             for s in graph.objects(d, DCTERMS.rights) for o in graph.objects(s, None)}
    assert "Egen rättighetstext." in texts
