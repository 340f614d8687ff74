"""Dataset-level rules for the ``supplier-invoices`` type: organisation defaults and harvest readiness.

A supplier-invoice dataset is refused on save when dataportal.se or avoindata.fi could not use it, with
the message on the field to fix (the organisation's identifier shows on ``owner_org``). A dataset that
ckanext-harvest saves from another catalogue is taken as its publisher described it: it keeps that
publisher, and neither takes defaults from nor is judged by the harvest source's organisation.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins as plugins
import ckan.plugins.toolkit as toolkit
from ckan import model

from ckanext.openup import organisations, vocabularies
from ckanext.openup.logic.validators import LANGUAGE_NAMES, fluent_tags_output, is_empty

_ = toolkit._


def _add_error(errors: dict, key: tuple, message: str) -> None:
    errors.setdefault(key, []).append(message)


def harvested_dataset(package_id: Any) -> bool:
    """Whether ckanext-harvest imports (or imported) the dataset ``package_id`` from a harvest source."""
    # The harvester records the dataset's id on its harvest object before package_create/update runs,
    # so this holds during validation; an API caller cannot fake it with an extra.
    if not package_id or not isinstance(package_id, str) or not plugins.plugin_loaded("harvest"):
        return False
    from ckanext.harvest.model import HarvestObject

    return model.Session.query(HarvestObject.id).filter(HarvestObject.package_id == package_id).first() is not None


def openup_organization_defaults(key, data, errors, context):
    """Fill empty contact, spatial, specification and frequency fields from the owning organisation."""
    if harvested_dataset(data.get(("id",))):
        return  # the harvest source's organisation is not the publisher
    organisation = organisations.organisation(data.get(("owner_org",)))
    if not organisation:
        return
    rules = organisations.country_rules(organisation.get("country"))
    defaults = {
        ("contact_name",): organisation.get("title"),
        ("contact_email",): organisation.get("contact_email"),
        ("spatial_uri",): organisation.get("spatial_uri") or rules["country_uri"],
        ("conforms_to",): rules["conforms_to"],
        ("frequency",): rules["frequency"],
    }
    for field, default in defaults.items():
        if default and is_empty(data.get(field)):
            data[field] = default


def _specification_rules(conforms_to: Any) -> dict[str, Any]:
    """The country rules of the specification a dataset cites (a harvested one has no country of its own)."""
    for rules in vocabularies.COUNTRIES.values():
        if rules["conforms_to"] in str(conforms_to or ""):
            return rules
    return organisations.country_rules(None)


def _set_core_texts(data: dict, errors: dict, primary_language: str) -> None:
    """CKAN's own title and notes (search, lists) in the primary language, else the first given."""
    for field, core in (("title_translated", "title"), ("notes_translated", "notes")):
        texts = fluent_tags_output(data.get((field,)))
        if texts and not errors.get((field,)):
            data[(core,)] = texts.get(primary_language) or next(iter(texts.values()))


def openup_supplier_invoice_checks(key, data, errors, context):
    """Refuse what would break the harvest; set the core title and description from the primary language."""
    if harvested_dataset(data.get(("id",))):
        _set_core_texts(data, errors, _specification_rules(data.get(("conforms_to",)))["required_languages"][0])
        return
    organisation = organisations.organisation(data.get(("owner_org",)))
    if organisation is None:
        _add_error(errors, ("owner_org",), _("Supplier invoices must belong to an organisation"))
        return
    country = organisation.get("country") or None
    rules = organisations.country_rules(country)
    try:
        organisations.normalise_organisation_number(country, organisation.get("organization_number") or "")
    except ValueError:
        kind = "Y-tunnus" if country == "FI" else "organisationsnummer"
        _add_error(
            errors,
            ("owner_org",),
            _("The organisation {0!r} has no valid {1}: add it to the organisation before publishing").format(
                organisation.get("title") or organisation.get("name"), kind
            ),
        )

    for field in ("title_translated", "notes_translated"):
        if errors.get((field,)):
            continue
        texts = fluent_tags_output(data.get((field,)))
        for lang in rules["required_languages"]:
            if not texts.get(lang):
                _add_error(
                    errors,
                    (field,),
                    _("{0} text ({1}) is required for an organisation in {2}").format(
                        LANGUAGE_NAMES.get(lang, lang), lang, country or "SE"
                    ),
                )
    _set_core_texts(data, errors, rules["required_languages"][0])

    if is_empty(data.get(("contact_email",))) and not errors.get(("contact_email",)):
        _add_error(
            errors, ("contact_email",), _("A contact e-mail is required: set it here or on the organisation")
        )

    year = data.get(("year",))
    resource_indexes = sorted({k[1] for k in data if len(k) == 3 and k[0] == "resources"})
    for index in resource_indexes:
        resource_format = data.get(("resources", index, "format"))
        if is_empty(resource_format) and not errors.get(("resources", index, "format")):
            _add_error(errors, ("resources", index, "format"), _("A format is required (CSV, JSON, XLSX...)"))
        elif is_empty(data.get(("resources", index, "mimetype"))):
            data[("resources", index, "mimetype")] = vocabularies.media_type_for_format(resource_format)
        period = data.get(("resources", index, "period"))
        if is_empty(data.get(("resources", index, "name"))) and not is_empty(period):
            data[("resources", index, "name")] = period
        if not is_empty(period) and year and not str(period).startswith(f"{year}-"):
            _add_error(
                errors, ("resources", index, "period"), _("The month must be in the dataset's year {0}").format(year)
            )
