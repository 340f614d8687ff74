"""The MQA score follows data.europa.eu's method: weight × share of datasets or distributions meeting it.

The catalogue of conftest.complete_catalogue has 2 datasets with one distribution each and earns every
point that needs no URL check (325). Each test takes one property away from one dataset or distribution
and pins the exact drop: half the weight, a quarter for indicators pooling datasets and distributions.
"""

from __future__ import annotations

import pytest
import rdflib
from rdflib import Literal, URIRef

from ckanext.openup.profiles.namespaces import DCAT, DCT
from ckanext.openup.quality import shacl
from ckanext.openup.quality.mqa import INDICATORS, MAXIMUM, mqa_score, rating
from tests.quality.conftest import BASE, add_distribution, complete_catalogue, dataset_uri, distribution_uri

FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"


def score_of(graph: rdflib.Graph, url_answers: dict[str, bool] | None = None):
    return mqa_score(graph, shacl.conforming_datasets(graph, shacl.validate(graph)), url_answers)


def points(score, key: str) -> float:
    return next(item.points for item in score.indicators if item.indicator.key == key)


def test_weights_add_up_to_405_in_five_dimensions():
    assert sum(indicator.weight for indicator in INDICATORS) == MAXIMUM == 405


def test_complete_catalogue_earns_every_point_that_needs_no_url_check():
    score = score_of(complete_catalogue())
    assert score.points == 325
    assert score.unchecked_weight == 80
    assert score.rating == "Good" and score.best_possible_rating == "Excellent"


DATASET = dataset_uri(0)
DISTRIBUTION = distribution_uri(0)


@pytest.mark.parametrize(("indicator", "node", "predicate", "drop"), [
    ("keyword", DATASET, DCAT.keyword, 15),
    ("categories", DATASET, DCAT.theme, 15),
    ("geo_search", DATASET, DCT.spatial, 10),
    ("time_search", DATASET, DCT.temporal, 10),
    ("download_url", DISTRIBUTION, DCAT.downloadURL, 10),
    ("licence", DISTRIBUTION, DCT.license, 5 + 10),  # and so its vocabulary: 10 / 2 + 20 / 2
    ("access_rights", DATASET, DCT.accessRights, 5 + 2.5),  # and its vocabulary
    ("contact_point", DATASET, DCAT.contactPoint, 10),
    ("publisher", DATASET, DCT.publisher, 5),
    ("rights", DISTRIBUTION, DCT.rights, 2.5),
    ("file_size", DISTRIBUTION, DCAT.byteSize, 2.5),
    ("date_of_issue", DATASET, DCT.issued, 1.25),  # one of 2 datasets + 2 distributions
    ("date_of_issue", DISTRIBUTION, DCT.issued, 1.25),
    ("modification_date", DATASET, DCT.modified, 1.25),
    ("media_type", DISTRIBUTION, DCAT.mediaType, 5 + 5),  # and format-and-media-type from vocabularies
    ("format", DISTRIBUTION, DCT["format"], 10 + 5 + 10 + 10),  # and vocabulary, non-proprietary, machine-readable
])
def test_removing_a_property_costs_its_weight_share(indicator, node, predicate, drop):
    graph = complete_catalogue()
    before = score_of(graph)
    graph.remove((node, predicate, None))
    after = score_of(graph)
    weight = next(item.weight for item in INDICATORS if item.key == indicator)
    share = 4 if indicator in ("date_of_issue", "modification_date") else 2
    assert points(before, indicator) - points(after, indicator) == pytest.approx(weight / share)
    assert before.points - after.points == pytest.approx(drop)


def test_licence_outside_the_vocabularies_costs_only_the_vocabulary_share():
    graph = complete_catalogue()
    graph.set((DISTRIBUTION, DCT.license, URIRef(f"{BASE}/our-own-licence")))
    assert score_of(graph).points == pytest.approx(325 - 5)


def test_access_rights_outside_the_eu_list_cost_only_the_vocabulary_share():
    graph = complete_catalogue()
    graph.set((DATASET, DCT.accessRights, URIRef(f"{BASE}/public")))
    assert score_of(graph).points == pytest.approx(325 - 2.5)


def test_media_type_literal_is_not_from_the_iana_vocabulary():
    graph = complete_catalogue()
    graph.set((DISTRIBUTION, DCAT.mediaType, Literal("text/csv")))
    score = score_of(graph)
    assert points(score, "from_vocabulary") == 5 and points(score, "media_type") == 10
    # DCAT-AP 3.0.1 wants an IRI there too: the dataset also loses its compliance share.
    assert score.points == pytest.approx(325 - 5 - 15)


def test_proprietary_format_loses_only_non_proprietary():
    graph = complete_catalogue()
    graph.set((DISTRIBUTION, DCT["format"], URIRef(FILE_TYPE + "XLSX")))
    score = score_of(graph)
    assert points(score, "non_proprietary") == 10 and points(score, "machine_readable") == 20
    assert score.points == pytest.approx(325 - 10)


def test_format_for_people_loses_only_machine_readable():
    graph = complete_catalogue()
    graph.set((DISTRIBUTION, DCT["format"], URIRef(FILE_TYPE + "HTML")))
    score = score_of(graph)
    assert points(score, "machine_readable") == 10 and points(score, "non_proprietary") == 20
    assert score.points == pytest.approx(325 - 10)


def test_interoperability_counts_each_datasets_best_distribution():
    graph = complete_catalogue()
    poor = URIRef(f"{BASE}/dataset/invoices-0/resource/pdf")
    add_distribution(graph, DATASET, poor, f"{BASE}/files/0.pdf", "PDF", "application/pdf")
    graph.remove((poor, DCT["format"], None))
    score = score_of(graph)
    assert sum(points(score, key) for key in
               ("format", "media_type", "from_vocabulary", "non_proprietary", "machine_readable")) == 80


def test_dataset_failing_dcat_ap_shacl_costs_half_the_compliance_points():
    graph = complete_catalogue()
    graph.set((DISTRIBUTION, DCAT.byteSize, Literal("1024", datatype=rdflib.XSD.decimal)))  # wants an integer
    score = score_of(graph)
    assert points(score, "dcat_ap_compliance") == 15
    assert score.points == pytest.approx(325 - 15)


def test_url_indicators_count_distributions_whose_urls_answer():
    graph = complete_catalogue()
    answers = {f"{BASE}/files/0.csv": True, f"{BASE}/files/1.csv": False}
    score = score_of(graph, answers)
    assert points(score, "access_url_accessible") == 25
    assert points(score, "download_url_accessible") == 15
    assert score.unchecked_weight == 0
    assert score.points == pytest.approx(325 + 40)


@pytest.mark.parametrize(("total", "expected"), [
    (405, "Excellent"), (351, "Excellent"), (350.9, "Good"), (221, "Good"), (220, "Sufficient"),
    (121, "Sufficient"), (120, "Bad"), (0, "Bad"),
])
def test_rating_bands(total, expected):
    assert rating(total) == expected


def test_dataportal_se_variant_has_no_compliance_indicator():
    graph = complete_catalogue()
    conforming = shacl.conforming_datasets(graph, shacl.validate(graph))
    variant = mqa_score(graph, conforming, dataportal_se=True)
    assert variant.maximum == 375
    assert variant.points == 325 - 30
    assert "dcat_ap_compliance" not in {item.indicator.key for item in variant.indicators}


def test_dataportal_se_variant_reads_an_iana_format_literal_as_its_file_type():
    graph = complete_catalogue()
    for number in (0, 1):
        graph.set((distribution_uri(number), DCT["format"], Literal("text/csv")))
        graph.remove((distribution_uri(number), DCAT.mediaType, None))
    conforming = set()  # compliance is not part of either figure compared below
    europe = mqa_score(graph, conforming)
    variant = mqa_score(graph, conforming, dataportal_se=True)
    assert [points(europe, key) for key in ("format", "from_vocabulary", "non_proprietary", "machine_readable")] \
        == [20, 0, 0, 0]
    assert [points(variant, key) for key in ("format", "from_vocabulary", "non_proprietary", "machine_readable")] \
        == [20, 10, 20, 20]
