"""`ckan openup solr-schema`: CKAN's schema plus a stemmed field per language (runs on both legs)."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

import ckan
from ckan.cli.cli import ckan as ckan_command

from ckanext.openup.solr_schema import openup_schema

CKAN_SCHEMA = Path(ckan.__file__).parent / "config" / "solr" / "schema.xml"


def test_schema_keeps_ckans_fields_and_adds_one_field_per_language(cli, tmp_path):
    output = tmp_path / "schema.xml"
    result = cli.invoke(ckan_command, ["openup", "solr-schema", "--output", str(output)])
    assert result.exit_code == 0, result.output
    schema = ElementTree.parse(output).getroot()
    assert schema.get("name").startswith("ckan-2.") and schema.get("name").endswith("-openup")
    fields = {field.get("name"): field.get("type") for field in schema.iter("field")}
    ckan_fields = {field.get("name") for field in ElementTree.parse(CKAN_SCHEMA).getroot().iter("field")}
    assert ckan_fields <= set(fields)
    assert fields["extras_openup_text_sv"] == "text_openup_swedish"
    assert fields["extras_openup_text_fi"] == "text_openup_finnish"
    assert fields["extras_openup_text_en"] == "text_openup_english"


def test_configured_languages_decide_the_fields():
    schema = ElementTree.fromstring(openup_schema(CKAN_SCHEMA.read_text(), {"da": "danish"}))
    added = [field.get("name") for field in schema.iter("field") if field.get("name").startswith("extras_openup")]
    assert added == ["extras_openup_text_da"]
    stemmers = [element.get("language") for element in schema.iter("filter") if element.get("language") == "Danish"]
    assert stemmers
