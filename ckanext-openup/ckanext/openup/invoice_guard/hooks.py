"""``resource_create``/``resource_update`` of a supplier-invoice dataset: the file is read before it is kept.

A file that holds a personal identity number, names another buyer, covers other months or breaks the
spec is refused with a validation error on the field it came in by (``upload`` or ``url``): where the
problem is (never the value) and the ``openup`` command that fixes it. A clean file's rows, total,
layout, size and checksum fill the resource's fields.
"""

from __future__ import annotations

import logging
import os
import shlex
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import ckan.plugins.toolkit as toolkit
from ckan import model

from ckanext.openup import organisations, safe_http
from ckanext.openup.invoice_guard import messages
from ckanext.openup.invoice_guard.reading import Expectations, Verdict, read_invoice_file
from ckanext.openup.invoice_guard.spooling import (
    FileTooLargeError,
    SpooledFile,
    downloaded,
    spooled,
    stream_chunks,
)
from ckanext.openup.procurement.identity import contains_identity_number
from ckanext.openup.publishing.metadata import month_description

log = logging.getLogger(__name__)

DATASET_TYPE = "supplier-invoices"
# A sysadmin's explicit "publish it although it breaks the spec" (never for identity numbers).
OVERRIDE_FIELD = "openup_override_spec"
# Fields the guard fills; kept when a later edit leaves the file as it is.
LEARNED_FIELDS = ("rows", "total_amount", "layout", "hash", "hash_algorithm", "size")
# Fields the resource form does not show (the server fills them, or the API sets them): a form edit keeps them.
FORM_HIDDEN_FIELDS = ("period", "mimetype", "availability", "rights")
MAX_FILE_SIZE = "ckanext.openup.guard.max_file_size"
ALLOW_PRIVATE_URLS = "ckanext.openup.guard.allow_private_urls"
BYTES_PER_MB = 1024 * 1024
# A linked file is fetched within the request: a slow server must not hold it for long.
LINK_DEADLINE_SECONDS = 60
# How resource_create/update mark a resource they have read, for their package_update not to read it again:
# a key no request can set to this value (JSON gives no Python objects), dropped before CKAN validates.
GUARDED = "__openup_guarded"
_READ_ALREADY = object()


@dataclass(frozen=True)
class InvoiceDataset:
    """What the guard needs of the dataset a file goes into (saved already, or being created)."""

    name: str
    owner_org: str
    year: str


def before_resource_create(context: dict[str, Any], resource: dict[str, Any]) -> None:
    """Read the new resource's file if it belongs to a supplier-invoice dataset; refuse it or describe it."""
    dataset = _invoice_dataset(resource.get("package_id"))
    if dataset is None:
        return
    override = toolkit.asbool(resource.pop(OVERRIDE_FIELD, False))
    if _new_upload(resource):
        _guard_upload(context, dataset, resource, override)
    elif _link(resource):
        _guard_link(context, dataset, resource, override)
    _mark_guarded(resource)


def before_resource_update(context: dict[str, Any], current: dict[str, Any], resource: dict[str, Any]) -> None:
    """As :func:`before_resource_create` for a replaced file; an edit that keeps the file keeps what was read."""
    dataset = _invoice_dataset(current.get("package_id"))
    if dataset is None:
        return
    _guard_changed(context, dataset, current, resource)
    _mark_guarded(resource)


def before_dataset_save(context: dict[str, Any], data_dict: dict[str, Any], current: dict[str, Any] | None) -> None:
    """``package_create``/``package_update`` of a supplier-invoice dataset: read every new or replaced file
    among its resources (those ``resource_create``/``resource_update`` have not read already).

    Errors are raised per resource, in the place CKAN's own resource errors take. Uploads are read for
    everyone; links are fetched for everyone but sysadmins, whose whole-dataset saves (bulk imports,
    harvesters running as the site user) keep links to files this server does not hold.
    """
    resources = data_dict.get("resources")
    if not isinstance(resources, list):
        return
    read_already = [isinstance(resource, dict) and resource.pop(GUARDED, None) is _READ_ALREADY
                    for resource in resources]
    if (data_dict.get("type") or (current or {}).get("type")) != DATASET_TYPE:
        return
    owner = model.Group.get(str(data_dict.get("owner_org") or (current or {}).get("owner_org") or ""))
    dataset = InvoiceDataset(name=str(data_dict.get("name") or (current or {}).get("name") or ""),
                             owner_org=owner.id if owner is not None else "",
                             year=str(data_dict.get("year") or "").strip())
    saved = {resource.get("id"): resource for resource in (current or {}).get("resources", [])}
    errors: list[dict[str, Any]] = []
    for resource, skip in zip(resources, read_already, strict=True):
        try:
            if isinstance(resource, dict) and not skip:
                _guard_changed(context, dataset, saved.get(resource.get("id")), resource,
                               fetch_links=not _is_sysadmin(context))
            errors.append({})
        except toolkit.ValidationError as error:
            errors.append(error.error_dict)
    if any(errors):
        raise toolkit.ValidationError({"resources": errors})


def _guard_changed(
    context: dict[str, Any],
    dataset: InvoiceDataset,
    current: dict[str, Any] | None,
    resource: dict[str, Any],
    fetch_links: bool = True,
) -> None:
    """Read the resource's file when it is new or replaced; otherwise keep what was read of it before."""
    override = toolkit.asbool(resource.pop(OVERRIDE_FIELD, False))
    if _new_upload(resource):
        _guard_upload(context, dataset, resource, override)
        return
    if fetch_links and _link(resource) and (current is None or resource.get("url") != current.get("url")
                                            or current.get("url_type") == "upload"):
        _guard_link(context, dataset, resource, override)
        return
    for field in LEARNED_FIELDS + FORM_HIDDEN_FIELDS:
        if current and resource.get(field) in (None, "") and current.get(field) not in (None, ""):
            resource[field] = current[field]


def _mark_guarded(resource: dict[str, Any]) -> None:
    # resource_create/update hand this very dict to package_update.
    resource[GUARDED] = _READ_ALREADY


def _invoice_dataset(package_id: Any) -> InvoiceDataset | None:
    if not package_id or not isinstance(package_id, str):
        return None
    dataset = model.Package.get(package_id)
    if dataset is None or dataset.type != DATASET_TYPE:
        return None
    return InvoiceDataset(dataset.name, dataset.owner_org or "", str(dataset.extras.get("year") or "").strip())


def _new_upload(resource: dict[str, Any]) -> bool:
    upload = resource.get("upload")
    return bool(getattr(upload, "filename", None)) and hasattr(upload, "stream")


def _link(resource: dict[str, Any]) -> bool:
    return bool(str(resource.get("url") or "").strip()) and resource.get("url_type") != "upload"


def max_file_bytes() -> int:
    """The most the guard reads of one file (``ckanext.openup.guard.max_file_size``, in MB)."""
    return int(toolkit.config.get(MAX_FILE_SIZE)) * BYTES_PER_MB


def _guard_upload(context: dict[str, Any], dataset: InvoiceDataset, resource: dict[str, Any], override: bool) -> None:
    upload = resource["upload"]
    file_name = os.path.basename(str(upload.filename).replace("\\", "/"))
    if contains_identity_number(file_name):
        _refuse(dataset, "upload", [messages.identity_number_in_name()], "identity-number-in-name")
    try:
        with spooled(stream_chunks(upload.stream), file_name, max_file_bytes()) as copy:
            verdict = _read(copy, dataset, resource)
        upload.stream.seek(0)  # CKAN's uploader reads it from the start
    except FileTooLargeError as error:
        _refuse(dataset, "upload", [messages.too_large(error.max_bytes // BYTES_PER_MB, file_name)], "too-large")
    _judge(context, dataset, resource, override, "upload", file_name, verdict, copy)


def _guard_link(context: dict[str, Any], dataset: InvoiceDataset, resource: dict[str, Any], override: bool) -> None:
    url = str(resource["url"]).strip()
    file_name = os.path.basename(unquote(urlsplit(url).path)) or "FILE"
    if contains_identity_number(unquote(url)):
        _refuse(dataset, "url", [messages.identity_number_in_name()], "identity-number-in-name")
    allow_private = toolkit.asbool(toolkit.config.get(ALLOW_PRIVATE_URLS))
    try:
        with downloaded(url, max_file_bytes(), allow_private, LINK_DEADLINE_SECONDS) as copy:
            verdict = _read(copy, dataset, resource)
    except safe_http.ResponseTooLargeError:
        _refuse(dataset, "url", [messages.too_large(max_file_bytes() // BYTES_PER_MB, file_name)], "too-large")
    except safe_http.UnsafeUrlError as error:
        _refuse(dataset, "url", [messages.unsafe_link(error.reason)], "unsafe-url")
    except safe_http.FetchError as error:
        _refuse(dataset, "url", [messages.unreachable_link(error.reason)], "unreachable-url")
    _judge(context, dataset, resource, override, "url", file_name, verdict, copy)


def _judge(
    context: dict[str, Any],
    dataset: InvoiceDataset,
    resource: dict[str, Any],
    override: bool,
    field: str,
    file_name: str,
    verdict: Verdict,
    copy: SpooledFile,
) -> None:
    """Refuse the file on ``field`` with every problem found, or fill the resource with what was read."""
    problems = _problems(verdict, dataset, resource, file_name, override and _is_sysadmin(context))
    if problems:
        _refuse(dataset, field, problems, _codes(verdict))
    _fill(resource, verdict, copy)
    if not str(resource.get("description") or "").strip() and verdict.dates:
        country = (organisations.organisation(dataset.owner_org) or {}).get("country")
        resource["description"] = month_description(int(verdict.learned["rows"]), *verdict.dates, country)


def _read(copy: SpooledFile, dataset: InvoiceDataset, resource: dict[str, Any]) -> Verdict:
    organisation = organisations.organisation(dataset.owner_org) or {}
    country = organisation.get("country") or None

    def normalise(value: str) -> str:
        return organisations.normalise_organisation_number(country, value)

    try:
        buyer_number = normalise(organisation.get("organization_number") or "")
    except ValueError:
        buyer_number = ""  # the dataset itself is refused for that (owner_org)
    expectations = Expectations(
        month=str(resource.get("period") or "").strip(),
        year=dataset.year,
        buyer_number=buyer_number,
        normalise_buyer=normalise if buyer_number else (lambda value: value),
    )
    try:
        return read_invoice_file(copy.path, expectations)
    except Exception as error:  # noqa: BLE001 - an unforeseen reader failure still refuses the file, quietly
        # Only the exception's type: its text could quote a cell.
        log.warning("The invoice guard could not read a file for %s (%s)", dataset.name, type(error).__name__)
        return Verdict(unreadable="the file could not be read to its end")


def _problems(
    verdict: Verdict, dataset: InvoiceDataset, resource: dict[str, Any], file_name: str, override: bool
) -> list[str]:
    """The messages that keep the file out, most serious first; empty when it may be kept."""
    command_file = shlex.quote(file_name)
    if verdict.holds_identity_numbers:
        return [messages.identity_numbers(verdict.identity_places, verdict.identity_count, command_file)]
    if verdict.unreadable:
        return [messages.unreadable(verdict.unreadable, command_file)]
    problems = []
    if verdict.spec_problems and not override:
        problems.append(messages.spec_problems(verdict.spec_problems, command_file))
    if verdict.other_buyers:
        organisation = organisations.organisation(dataset.owner_org) or {}
        problems.append(messages.other_buyer(verdict.buyer_column, verdict.other_buyers, organisation))
    if verdict.outside_months:
        month = str(resource.get("period") or "").strip()
        year = dataset.year
        problems.append(messages.outside_months(verdict.outside_months, month, year, command_file))
    return problems


def _codes(verdict: Verdict) -> str:
    if verdict.holds_identity_numbers:
        return "identity-number"
    kinds = [
        ("unreadable", bool(verdict.unreadable)),
        ("spec", bool(verdict.spec_problems)),
        ("other-buyer", bool(verdict.other_buyers)),
        ("outside-month", bool(verdict.outside_months)),
    ]
    return ", ".join(kind for kind, found in kinds if found)


def _refuse(dataset: InvoiceDataset, field: str, problems: list[str], codes: str) -> None:
    # The log names the dataset and the kind of problem only, never a value from the file.
    log.info("Refused a supplier-invoice file for %s: %s", dataset.name, codes)
    raise toolkit.ValidationError({field: problems})


def _fill(resource: dict[str, Any], verdict: Verdict, copy: SpooledFile) -> None:
    """What was read goes on the resource: the publisher need not type it (what they typed about the
    file itself is replaced by what the file is)."""
    learned = dict(verdict.learned, size=copy.size, hash=copy.sha256, hash_algorithm="sha256")
    for field in ("period", "format"):
        if resource.get(field) not in (None, ""):
            learned.pop(field, None)
    resource.update(learned)


def _is_sysadmin(context: dict[str, Any]) -> bool:
    try:
        toolkit.check_access("sysadmin", {"user": context.get("user")})
    except toolkit.NotAuthorized:
        return False
    return True
