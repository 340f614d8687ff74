"""`openup publish` names the year's dataset and its monthly files exactly as the demo does."""

from __future__ import annotations

import pytest

from ckanext.openup.demo.invoices import month_csv
from ckanext.openup.demo.seed import municipalities
from tests.demo.test_demo_names import EXPECTED, YEAR
from tests.publishing.conftest import publish

ORGANISATION_FIELDS = ("name", "title", "country", "organization_number", "municipality_code", "contact_email",
                       "homepage", "spatial_uri")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_publish_uses_the_demos_dataset_and_file_names(site, tmp_path, name):
    demo = next(organisation for organisation in municipalities() if organisation["name"] == name)
    site.action("organization_create", **{field: demo[field] for field in ORGANISATION_FIELDS if field in demo})
    # A file as `openup prepare` writes it, under a name of the publisher's own choosing.
    prepared = tmp_path / "tammikuu.csv"
    prepared.write_bytes(month_csv(demo, YEAR, 1, rows=3))

    result = publish(site.url, site.admin_token, "--org", name, "--year", YEAR, str(prepared))

    assert result.exit_code == 0, result.output
    expected_dataset, expected_file = EXPECTED[name]
    dataset = site.action("package_show", id=expected_dataset)
    assert [resource["name"] for resource in dataset["resources"]] == [f"{YEAR}-01"]
    assert dataset["resources"][0]["url"].rsplit("/", 1)[-1] == expected_file
