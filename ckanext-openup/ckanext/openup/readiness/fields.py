"""Which form field fixes a problem with a property: the publisher's way from a finding to the fix.

Keys are the short property names the checks report (``dct:title``); values are CKAN field names of the
supplier-invoice schema (``schemas/supplier_invoices.yaml``) and the organisation schema.
"""

from __future__ import annotations

DATASET_FIELDS = {
    "dct:title": "title_translated",
    "dct:description": "notes_translated",
    "dcat:keyword": "tags_translated",
    "dcat:theme": "theme",
    "dct:spatial": "spatial_uri",
    "dct:temporal": "year",
    "dct:accessRights": "access_rights",
    "dcat:contactPoint": "contact_email",
    "vcard:hasEmail": "contact_email",
    "vcard:fn": "contact_name",
    "dct:issued": "issued",
    "dct:modified": "modified",
    "dct:conformsTo": "conforms_to",
    "dct:accrualPeriodicity": "frequency",
    "dct:license": "license_id",
    "dct:publisher": "owner_org",
    "dct:rights": "rights",
}

RESOURCE_FIELDS = {
    "dcat:accessURL": "url",
    "dcat:downloadURL": "url",
    "dct:format": "format",
    "dcat:mediaType": "mimetype",
    "dct:title": "name",
    "dct:description": "description",
    "dct:rights": "rights",
    "dcat:byteSize": "size",
    "spdx:checksum": "hash",
    "dcatap:availability": "availability",
}
# Properties of a distribution that the dataset's form sets for all its files.
RESOURCE_PROPERTIES_ON_DATASET = {"dct:license": "license_id", "dct:rights": "rights"}

ORGANISATION_FIELDS = {
    "foaf:name": "title",
    "dct:type": "publisher_type",
    "dct:identifier": "organization_number",
    "dct:publisher": "organization_number",
    "vcard:hasEmail": "contact_email",
    "foaf:homepage": "homepage",
    "dct:spatial": "spatial_uri",
}

# MQA indicators by the property whose presence they measure (the others need no form field).
INDICATOR_PROPERTIES = {
    "keyword": "dcat:keyword",
    "categories": "dcat:theme",
    "geo_search": "dct:spatial",
    "time_search": "dct:temporal",
    "download_url": "dcat:downloadURL",
    "format": "dct:format",
    "media_type": "dcat:mediaType",
    "from_vocabulary": "dct:format",
    "non_proprietary": "dct:format",
    "machine_readable": "dct:format",
    "licence": "dct:license",
    "licence_vocabulary": "dct:license",
    "access_rights": "dct:accessRights",
    "access_rights_vocabulary": "dct:accessRights",
    "contact_point": "dcat:contactPoint",
    "publisher": "dct:publisher",
    "rights": "dct:rights",
    "file_size": "dcat:byteSize",
    "date_of_issue": "dct:issued",
    "modification_date": "dct:modified",
}
