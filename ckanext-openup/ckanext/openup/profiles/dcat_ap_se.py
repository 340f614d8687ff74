"""The DCAT-AP-SE 3.0.1 profile: ckanext-dcat's DCAT-AP 3 mapping, corrected where dataportal.se needs more.

Serialising adds what DCAT-AP-SE requires on top of ``euro_dcat_ap_3``: a publisher named by its
organisation number, a contact point with a URI, a language tag on every free-text literal, vocabulary
IRIs for formats, media types and licences, an access and a download URL on every distribution and the
CKAN id as ``dct:identifier``. Parsing maps those IRIs back to the CKAN fields of the schemas.
Configure it instead of ``euro_dcat_ap_3`` (it extends it): ``ckanext.dcat.rdf.profiles = dcat_ap_se``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import ckan.plugins.toolkit as toolkit
from ckanext.dcat.profiles import EuropeanDCATAP3Profile
from ckanext.dcat.profiles.base import CleanedURIRef, URIRefOrLiteral
from ckanext.dcat.utils import catalog_uri, dataset_uri, publisher_uri_organization_fallback, resource_uri
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ckanext.openup import organisations, vocabularies
from ckanext.openup.profiles import concepts, dataset_types, download_urls, graph_text, series
from ckanext.openup.profiles.namespaces import DCAT, DCT, FOAF, SPDX, VCARD

LICENCE_IDS = {uri: licence_id for licence_id, uri in vocabularies.LICENCE_URIS.items()}
# Lists of records ckanext-dcat's scheming parse adds to a dataset (see _drop_records_without_a_field).
SCHEMING_RECORD_FIELDS = ("contact", "publisher", "creator", "qualified_relation")


class DCATAPSEProfile(EuropeanDCATAP3Profile):
    """DCAT-AP-SE 3.0.1 (Swedish profile of DCAT-AP 3) for dataportal.se and data.europa.eu."""

    # --- dataset: CKAN -> RDF -------------------------------------------------------------------

    def graph_from_dataset(self, dataset_dict: dict, dataset_ref: URIRef) -> None:
        dataset_dict = with_inherited_rights(dataset_dict)
        super().graph_from_dataset(dataset_dict, dataset_ref)
        organisation = _owning_organisation(dataset_dict)
        rules = organisations.country_rules((organisation or {}).get("country"))
        language = rules["required_languages"][0]

        self._set_identifier(dataset_dict, dataset_ref)
        publisher = self._set_publisher(dataset_dict, dataset_ref, organisation, language)
        contact = self._set_contact_point(dataset_dict, dataset_ref, organisation, language)
        self._set_coverage(dataset_dict, dataset_ref)
        self._set_languages(dataset_dict, dataset_ref, language)
        distributions = [self._set_distribution(dataset_dict, resource) for resource in
                         dataset_dict.get("resources", [])]
        graph_text.make_harvestable(self.g, [dataset_ref, publisher, contact, *distributions], language)
        concepts.describe_concepts(self.g, [dataset_ref, publisher, *distributions])
        if organisation:
            series.add_to_series(self.g, dataset_ref, dataset_dict, organisation, publisher, contact)

    def _set_identifier(self, dataset_dict: dict, dataset_ref: URIRef) -> None:
        # dataportal.se de-duplicates datasets by a UUID dct:identifier: the CKAN id is one.
        if dataset_dict.get("id"):
            self.g.remove((dataset_ref, DCT.identifier, None))
            self.g.add((dataset_ref, DCT.identifier, Literal(dataset_dict["id"])))

    def _set_publisher(
        self, dataset_dict: dict, dataset_ref: URIRef, organisation: dict | None, language: str
    ) -> URIRef | None:
        if not organisation:
            return self._object(dataset_ref, DCT.publisher)
        for old in list(self.g.objects(dataset_ref, DCT.publisher)):
            graph_text.remove_node(self.g, old)
            self.g.remove((dataset_ref, DCT.publisher, old))
        publisher = add_publisher(self.g, organisation, language, dataset_dict)
        self.g.add((dataset_ref, DCT.publisher, publisher))
        return publisher

    def _set_contact_point(
        self, dataset_dict: dict, dataset_ref: URIRef, organisation: dict | None, language: str
    ) -> URIRef | None:
        organisation = organisation or {}
        email = (
            self._get_dataset_value(dataset_dict, "contact_email")
            or organisation.get("contact_email")
            or dataset_dict.get("maintainer_email")
            or dataset_dict.get("author_email")
        )
        if not email:
            return self._object(dataset_ref, DCAT.contactPoint)
        name = (
            self._get_dataset_value(dataset_dict, "contact_name")
            or dataset_dict.get("maintainer")
            or organisation.get("title")
            or email
        )
        for old in list(self.g.objects(dataset_ref, DCAT.contactPoint)):
            if isinstance(old, BNode) or not _shared(self.g, old, dataset_ref, DCAT.contactPoint):
                graph_text.remove_node(self.g, old)
            self.g.remove((dataset_ref, DCAT.contactPoint, old))
        contact = CleanedURIRef(
            self._get_dataset_value(dataset_dict, "contact_uri")
            or contact_point_uri(dataset_dict, organisation, email)
        )
        self.g.remove((contact, None, None))
        self.g.add((dataset_ref, DCAT.contactPoint, contact))
        self.g.add((contact, RDF.type, VCARD.Organization))
        self.g.add((contact, RDF.type, VCARD.Kind))  # the class DCAT-AP's range for contact points names
        self.g.add((contact, VCARD.fn, Literal(name, lang=language)))
        self.g.add((contact, VCARD.hasEmail, URIRef("mailto:" + self._without_mailto(email.strip()))))
        return contact

    def _set_coverage(self, dataset_dict: dict, dataset_ref: URIRef) -> None:
        year = self._get_dataset_value(dataset_dict, "year")
        if year and (dataset_ref, DCT.temporal, None) not in self.g:
            period = BNode()
            self.g.add((dataset_ref, DCT.temporal, period))
            self.g.add((period, RDF.type, DCT.PeriodOfTime))
            self.g.add((period, DCAT.startDate, Literal(f"{year}-01-01", datatype=XSD.date)))
            self.g.add((period, DCAT.endDate, Literal(f"{year}-12-31", datatype=XSD.date)))
        spatial = self._get_dataset_value(dataset_dict, "spatial_uri")
        if spatial and isinstance(URIRefOrLiteral(spatial), URIRef):
            # A reference to a gazetteer entry: typing it dct:Location would ask us to describe its geometry.
            self.g.add((dataset_ref, DCT.spatial, CleanedURIRef(spatial)))

    def _set_languages(self, dataset_dict: dict, dataset_ref: URIRef, language: str) -> None:
        if (dataset_ref, DCT.language, None) in self.g:
            return
        title = dataset_dict.get("title_translated")
        codes = [lang for lang, text in title.items() if text] if isinstance(title, dict) else [language]
        for code in codes:
            if code in vocabularies.LANGUAGE_URIS:
                uri = URIRef(vocabularies.LANGUAGE_URIS[code])
                self.g.add((dataset_ref, DCT.language, uri))
                self.g.add((uri, RDF.type, DCT.LinguisticSystem))

    def _set_distribution(self, dataset_dict: dict, resource: dict) -> URIRef:
        distribution = CleanedURIRef(resource_uri(resource))
        g = self.g

        file_type = vocabularies.file_type_uri(resource.get("format"))
        media_type = vocabularies.media_type_uri(
            resource.get("mimetype") or vocabularies.media_type_for_format(resource.get("format")) or ""
        )
        if file_type:
            _replace(g, distribution, DCT["format"], URIRef(file_type))
            g.add((URIRef(file_type), RDF.type, DCT.MediaTypeOrExtent))
        if media_type and (file_type or not self._object(distribution, DCT["format"])):
            _replace(g, distribution, DCAT.mediaType, URIRef(media_type))
            g.add((URIRef(media_type), RDF.type, DCT.MediaType))

        # Every distribution gets an access URL; a file (not a separate access page) is also downloadable.
        url = download_urls.upload_url(resource)
        access_url = resource.get("access_url") or url
        download_url = resource.get("download_url") or (url if not resource.get("access_url") else "")
        for predicate, value in ((DCAT.accessURL, access_url), (DCAT.downloadURL, download_url)):
            if value and isinstance(URIRefOrLiteral(value), URIRef):
                _replace(g, distribution, predicate, CleanedURIRef(value))

        licence = vocabularies.LICENCE_URIS.get(dataset_dict.get("license_id") or "")
        licence = resource.get("license") or licence or dataset_dict.get("license_url")
        if licence and isinstance(URIRefOrLiteral(licence), URIRef):
            for old in list(g.objects(distribution, DCT.license)):
                g.remove((old, DCT.type, None))
            _replace(g, distribution, DCT.license, CleanedURIRef(licence))
            add_licence(g, licence)

        algorithm = (resource.get("hash_algorithm") or "").lower().replace("-", "")
        if algorithm in vocabularies.CHECKSUM_ALGORITHMS:
            for checksum in g.objects(distribution, SPDX.checksum):
                _replace(g, checksum, SPDX.algorithm, URIRef(vocabularies.SPDX_CHECKSUM_ALGORITHM + algorithm))
        return distribution

    # --- catalogue: CKAN -> RDF -----------------------------------------------------------------

    def graph_from_catalog(self, catalog_dict: dict | None, catalog_ref: URIRef) -> None:
        super().graph_from_catalog(catalog_dict, catalog_ref)
        catalog_dict = catalog_dict or {}
        organisation = catalog_dict.get("organization")
        if organisation is None and toolkit.config.get("ckanext.openup.site_publisher"):
            organisation = organisations.organisation(toolkit.config["ckanext.openup.site_publisher"])
        default_language = (toolkit.config.get("ckan.locale_default") or "en").split("_")[0]
        languages = catalog_dict.get("languages") or [default_language]
        g = self.g

        site_title = toolkit.config.get("ckan.site_title") or "CKAN"
        texts = {
            DCT.title: catalog_dict.get("title") or {default_language: site_title},
            DCT.description: catalog_dict.get("description")
            or {default_language: toolkit.config.get("ckan.site_description") or site_title},
        }
        for predicate, by_language in texts.items():
            if isinstance(by_language, str):  # ckanext-dcat also allows one text in the site's language
                by_language = {default_language: by_language}
            g.remove((catalog_ref, predicate, None))
            for lang, text in by_language.items():
                g.add((catalog_ref, predicate, Literal(graph_text.clean(text), lang=lang)))

        g.remove((catalog_ref, DCT.language, None))
        for code in languages:
            if code in vocabularies.LANGUAGE_URIS:
                g.add((catalog_ref, DCT.language, URIRef(vocabularies.LANGUAGE_URIS[code])))
                g.add((URIRef(vocabularies.LANGUAGE_URIS[code]), RDF.type, DCT.LinguisticSystem))

        if catalog_dict.get("homepage"):
            _replace(g, catalog_ref, FOAF.homepage, CleanedURIRef(catalog_dict["homepage"]))
        if catalog_dict.get("modified"):
            g.remove((catalog_ref, DCT.modified, None))
            self._add_date_triple(catalog_ref, DCT.modified, catalog_dict["modified"])
        # The metadata itself is always CC0 (DCAT-AP-SE).
        _replace(g, catalog_ref, DCT.license, URIRef(vocabularies.CATALOGUE_LICENCE))
        add_licence(g, vocabularies.CATALOGUE_LICENCE)
        _replace(g, catalog_ref, DCAT.themeTaxonomy, URIRef(vocabularies.THEME_TAXONOMY))
        if catalog_dict.get("issued"):
            g.remove((catalog_ref, DCT.issued, None))
            self._add_date_triple(catalog_ref, DCT.issued, catalog_dict["issued"])
        if catalog_dict.get("spatial_uri"):
            _replace(g, catalog_ref, DCT.spatial, CleanedURIRef(catalog_dict["spatial_uri"]))
        publisher = None
        if organisation:
            publisher = add_publisher(g, organisation, languages[0], {"organization": organisation})
            _replace(g, catalog_ref, DCT.publisher, publisher)
        concepts.describe_concepts(g, [catalog_ref, publisher])

    # --- dataset: RDF -> CKAN -------------------------------------------------------------------

    def parse_dataset(self, dataset_dict: dict, dataset_ref: URIRef) -> dict:
        # A harvester parses as plain `dataset`: read a supplier-invoice dataset with its own schema instead.
        incoming_type = dataset_types.incoming_dataset_type(self.g, dataset_ref)
        schema = dataset_types.scheming_schema(incoming_type) if incoming_type else None
        if schema:
            self._dataset_schema = schema
            self._form_languages = schema.get("form_languages")
        dataset_dict = super().parse_dataset(dataset_dict, dataset_ref)
        if schema:
            dataset_dict["type"] = incoming_type
        self._drop_records_without_a_field(dataset_dict)

        distributions = {str(node): node for node in self._distributions(dataset_ref)}
        for resource in dataset_dict.get("resources", []):
            distribution = distributions.get(resource.get("distribution_ref"))
            if distribution is None:
                continue
            file_type = self._object(distribution, DCT["format"])
            if isinstance(file_type, URIRef) and str(file_type).startswith(vocabularies.FILE_TYPE):
                code = str(file_type)[len(vocabularies.FILE_TYPE):]
                resource["format"] = next(
                    (label for label, (eu_code, _) in vocabularies.FILE_FORMATS.items() if eu_code == code), code
                )
            media_type = self._object(distribution, DCAT.mediaType)
            if isinstance(media_type, URIRef) and str(media_type).startswith(vocabularies.IANA_MEDIA_TYPES):
                resource["mimetype"] = str(media_type)[len(vocabularies.IANA_MEDIA_TYPES):]
            algorithm = resource.get("hash_algorithm") or ""
            if algorithm.startswith(vocabularies.SPDX_CHECKSUM_ALGORITHM):
                resource["hash_algorithm"] = algorithm[len(vocabularies.SPDX_CHECKSUM_ALGORITHM):]
            licence = self._object(distribution, DCT.license)
            if licence is not None and str(licence) in LICENCE_IDS and not dataset_dict.get("license_id"):
                dataset_dict["license_id"] = LICENCE_IDS[str(licence)]

        start = self._get_dataset_value(dataset_dict, "temporal_start") or ""
        end = self._get_dataset_value(dataset_dict, "temporal_end") or ""
        if start[:4] and start[4:] in ("", "-01-01") and end in (start[:4], f"{start[:4]}-12-31"):
            self._set_dataset_value(dataset_dict, "year", start[:4])
        return dataset_dict

    def _drop_records_without_a_field(self, dataset_dict: dict) -> None:
        # With a scheming schema ckanext-dcat parses agents and relations into lists of records whether
        # or not the schema has the field; without it they are kept as contact_* and publisher_* too.
        # CKAN 2.11 refuses the records as unexpected input (every harvested dataset failed), 2.12 drops them.
        if not self._dataset_schema:
            return
        for field in SCHEMING_RECORD_FIELDS:
            if not self._schema_field(field):
                dataset_dict.pop(field, None)


def with_inherited_rights(dataset_dict: dict) -> dict:
    """A copy of ``dataset_dict`` whose files without rights of their own carry the dataset's rights
    (DCAT-AP puts dct:rights on the distribution; the publisher states them once, as the licence)."""
    rights = dataset_dict.get("rights")
    resources = dataset_dict.get("resources")
    if not rights or not isinstance(resources, list):
        return dataset_dict
    inherited = [dict(resource, rights=rights) if isinstance(resource, dict) and not resource.get("rights")
                 else resource for resource in resources]
    return dict(dataset_dict, resources=inherited)


def add_publisher(graph, organisation: dict, language: str, dataset_dict: dict) -> URIRef:
    """Describe ``organisation`` as a foaf:Agent named by its stable URI and return that URI."""
    uri = organisations.publisher_uri(organisation) or publisher_uri_organization_fallback(dataset_dict)
    publisher = CleanedURIRef(uri)
    graph.remove((publisher, None, None))
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(graph_text.clean(organisation.get("title") or ""), lang=language)))
    graph.add((publisher, DCT.type, URIRef(organisation.get("publisher_type") or vocabularies.LOCAL_AUTHORITY)))
    number = organisation.get("organization_number")
    if number:
        try:
            number = organisations.normalise_organisation_number(organisation.get("country"), number)
            graph.add((publisher, DCT.identifier, Literal(number)))
        except ValueError:
            pass
    homepage = organisation.get("homepage")
    if homepage and isinstance(URIRefOrLiteral(homepage), URIRef):
        graph.add((publisher, FOAF.homepage, CleanedURIRef(homepage)))
    return publisher


def add_licence(graph, licence: str) -> None:
    """Type a licence IRI, with its ADMS licence type when it is one of the Creative Commons licences."""
    graph.add((CleanedURIRef(licence), RDF.type, DCT.LicenseDocument))
    if licence in vocabularies.LICENCE_TYPES:
        graph.add((URIRef(licence), DCT.type, URIRef(vocabularies.LICENCE_TYPES[licence])))


def contact_point_uri(dataset_dict: dict, organisation: dict, email: str) -> str:
    """The organisation's contact URI when the dataset uses its address, else one for the dataset."""
    if organisation.get("name") and email == organisation.get("contact_email"):
        return f"{catalog_uri().rstrip('/')}/organization/{quote(organisation['name'])}#contact-point"
    return dataset_uri(dataset_dict) + "#contact-point"


def _owning_organisation(dataset_dict: dict) -> dict[str, Any] | None:
    owner = (dataset_dict.get("organization") or {}).get("id") or dataset_dict.get("owner_org")
    return organisations.organisation(owner) if owner else None


def _replace(graph, subject, predicate, value) -> None:
    graph.remove((subject, predicate, None))
    graph.add((subject, predicate, value))


def _shared(graph, node, subject, predicate) -> bool:
    return any(other != subject for other in graph.subjects(predicate, node))
