"""Readiness problems told as what to do, in the publisher's language.

The checks report RDF properties and MQA indicators ("DCAT-AP recommends dcat:keyword"); a publisher needs
the step that fixes it. The checks' own words stay on the page as a secondary line for experts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as toolkit

_ = toolkit._

# What to add when a property is missing, by where it is missing. Functions, so the text is translated
# when the page is shown. {portal} is the national portal that harvests the organisation.
_ADD_TO_DATASET: dict[str, Callable[[], str]] = {
    "dct:title": lambda: _("Give the dataset a title in each language the form asks for."),
    "dct:description": lambda: _("Add a description: what the files hold and which year they cover."),
    "dcat:keyword": lambda: _("Add keywords so that the dataset is found in {portal}."),
    "dcat:theme": lambda: _("Choose a theme so that the dataset is listed under it in {portal}."),
    "dct:spatial": lambda: _("Add the area the data covers (the municipality) so that map searches find it."),
    "dct:temporal": lambda: _("Fill in the year the invoices were paid."),
    "dct:accessRights": lambda: _("Choose the access rights (usually Public)."),
    "dcat:contactPoint": lambda: _("Add a contact e-mail that visitors can write to with questions."),
    "vcard:hasEmail": lambda: _("Add a contact e-mail that visitors can write to with questions."),
    "vcard:fn": lambda: _("Add the name of the contact (a person or a unit)."),
    "dct:issued": lambda: _("Fill in the date the dataset was first published."),
    "dct:modified": lambda: _("Fill in the date the dataset was last changed."),
    "dct:conformsTo": lambda: _("Add the specification the files follow."),
    "dct:accrualPeriodicity": lambda: _("Choose how often the dataset is updated."),
    "dct:license": lambda: _("Choose a licence so that others know they may reuse the data."),
    "dct:publisher": lambda: _("Choose the organisation that publishes the dataset."),
}
_ADD_TO_FILE: dict[str, Callable[[], str]] = {
    "dcat:accessURL": lambda: _("Upload the file or give the address where it can be downloaded."),
    "dcat:downloadURL": lambda: _("Upload the file or give the address where it can be downloaded."),
    "dct:format": lambda: _("Give the file's format, e.g. CSV."),
    "dcat:mediaType": lambda: _("Upload the file again so that its media type is recognised."),
    "dct:title": lambda: _("Give the file a name, e.g. its month (2025-01)."),
    "dct:description": lambda: _("Describe in a sentence what the file holds."),
    "dct:rights": lambda: _("Say how the file may be used, e.g. \"Free to use under the licence.\""),
    "dcat:byteSize": lambda: _("Upload the file again so that its size is recorded."),
    "spdx:checksum": lambda: _("Upload the file again so that its checksum is recorded."),
    "dcatap:availability": lambda: _("Choose how long the file will stay available."),
}
_ADD_TO_ORGANISATION: dict[str, Callable[[], str]] = {
    "foaf:name": lambda: _("Give the organisation its name."),
    "dct:type": lambda: _("Choose the type of publisher, e.g. Local authority."),
    "dct:identifier": lambda: _("Add the organisation number so that {portal} knows who publishes."),
    "dct:publisher": lambda: _("Add the organisation number so that {portal} knows who publishes."),
    "vcard:hasEmail": lambda: _("Add the organisation's contact e-mail."),
    "foaf:homepage": lambda: _("Add the organisation's homepage."),
    "dct:spatial": lambda: _("Add the area the organisation covers (its Geonames address)."),
}
PORTALS = {"SE": "dataportal.se", "FI": "avoindata.fi"}


def problem_instruction(problem: dict[str, Any], field_label: str, on_organisation: bool = False,
                        country: str = "SE") -> str:
    """One plain sentence saying what to do about ``problem`` (an entry of the readiness result)."""
    portal = PORTALS.get(country, PORTALS["SE"])
    if problem.get("missing"):
        if on_organisation:
            texts = _ADD_TO_ORGANISATION
        else:
            texts = _ADD_TO_FILE if problem.get("resource_id") else _ADD_TO_DATASET
        text = texts.get(problem.get("property", ""))
        if text:
            return text().format(portal=portal)
    if problem.get("severity") == "blocking" and not problem.get("property"):
        return _("This address cannot be harvested. Save the dataset or file again; if that does not help, "
                 "ask your catalogue's administrator.")
    if field_label:
        return _("Check the field \u201c{field}\u201d: its value is not accepted by {portal}.").format(
            field=field_label, portal=portal)
    return _("Ask your catalogue's administrator: {portal} does not accept this yet.").format(portal=portal)
