"""The organisation schema: identifiers checked with python-stdnum, country rules and defaults."""

import ckan.plugins.toolkit as toolkit
import pytest
from ckan.tests import factories

from tests.supplier_invoices import SUNDSVALL, TAMPERE, create_organisation

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


def test_swedish_organisation_number_is_stored_in_compact_form():
    organisation = create_organisation(SUNDSVALL)
    assert organisation["organization_number"] == "2120002411"
    assert organisation["country"] == "SE"
    assert organisation["publisher_type"] == "http://purl.org/adms/publishertype/LocalAuthority"


def test_finnish_y_tunnus_is_stored_with_its_hyphen():
    organisation = create_organisation(TAMPERE, organization_number="02116752")
    assert organisation["organization_number"] == "0211675-2"
    assert organisation["municipality_code"] == "837"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"organization_number": "212000-2412"}, "organization_number", "organisationsnummer"),
        ({"organization_number": "811218-9876"}, "organization_number", "personnummer"),
        ({"country": "FI", "organization_number": "0211675-3"}, "organization_number", "Y-tunnus"),
        ({"municipality_code": "837"}, "municipality_code", "4 digits"),
        ({"country": "FI", "municipality_code": "2281"}, "municipality_code", "3 digits"),
        ({"country": "NO"}, "country", "Value must be one of"),
        ({"homepage": "www.sundsvall.se"}, "homepage", "absolute http(s) URL"),
        ({"contact_email": "not an address"}, "contact_email", "Email"),
        ({"publisher_type": "Kommun"}, "publisher_type", "Value must be one of"),
    ],
)
def test_invalid_organisation_fields_are_refused_on_the_field(fields, field, message):
    with pytest.raises(toolkit.ValidationError) as raised:
        create_organisation(dict(SUNDSVALL, **fields))
    assert field in raised.value.error_dict
    assert message.lower() in " ".join(raised.value.error_dict[field]).lower()


def test_plain_organisation_without_identifiers_still_works():
    organisation = factories.Organization(name="forening")
    assert organisation["country"] == "SE"
    assert not organisation.get("organization_number")
