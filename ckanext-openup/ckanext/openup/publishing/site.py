"""The CKAN site, through ckanapi: one place that turns every failure into a typed, plain message.

Uploads are streamed (requests-toolbelt's multipart encoder) so a progress bar can follow the bytes
actually sent, and so a large month is never held in memory twice.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import ckanapi
import requests
from requests_toolbelt.multipart.encoder import MultipartEncoder, MultipartEncoderMonitor

# Messages in the publisher's language: publishing/ serves the `openup` command only.
from ckanext.openup.cli.language import _
from ckanext.openup.publishing.errors import PublishingError, RejectedError, SiteError, TransferError, UsageProblem
from ckanext.openup.publishing.metadata import DATASET_TYPE, dataset_name

Progress = Callable[[int, int], None]
# Connect quickly or not at all; a large upload may take a while before CKAN answers.
TIMEOUT = (15, 600)
USER_AGENT = "openup-publish (ckanext-openup)"


class _StreamingSession(requests.Session):
    """A requests session that streams multipart uploads and reports their progress."""

    def __init__(self) -> None:
        super().__init__()
        self.upload_progress: Progress | None = None
        self.last_status: int | None = None

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = TIMEOUT
        response = super().request(method, url, *args, **kwargs)
        self.last_status = response.status_code
        return response

    def post(self, url: str, data: Any = None, json: Any = None, **kwargs: Any) -> requests.Response:
        files = kwargs.pop("files", None)
        if not files:
            return super().post(url, data=data, json=json, **kwargs)
        fields: dict[str, Any] = {_text(key): _text(value) for key, value in (data or {}).items()}
        for name, upload in files.items():
            file_name, stream = upload if isinstance(upload, tuple) else (os.path.basename(upload.name), upload)
            fields[name] = (file_name, stream, "text/csv")
        progress = self.upload_progress
        monitor = MultipartEncoderMonitor(
            MultipartEncoder(fields), (lambda sent: progress(sent.bytes_read, sent.len)) if progress else None
        )
        headers = dict(kwargs.pop("headers", None) or {}, **{"Content-Type": monitor.content_type})
        return super().post(url, data=monitor, headers=headers, **kwargs)


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def check_site_url(url: str) -> str:
    """The site's base URL, or UsageProblem when it is not an absolute http(s) URL."""
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise UsageProblem(_("--ckan {url} is not a site address such as https://ckan.example.se").format(url=repr(url)))
    return url.strip().rstrip("/")


class Site:
    """One CKAN site and the token's user on it."""

    def __init__(self, url: str, token: str, token_source: str = "the API token") -> None:
        self.url = check_site_url(url)
        self.token_source = token_source
        self._session = _StreamingSession()
        self._ckan = ckanapi.RemoteCKAN(self.url, apikey=token, user_agent=USER_AGENT, session=self._session)

    def close(self) -> None:
        self._ckan.close()

    def call(self, action: str, setup: bool = False, **data: Any) -> Any:
        """Call an action; failures become SiteError while ``setup`` (exit 2), else Rejected/TransferError."""
        try:
            return self._ckan.call_action(action, data)
        except Exception as error:  # noqa: BLE001 - every failure becomes a message, never a traceback
            raise self._translate(action, error, setup) from None

    def show_or_none(self, action: str, setup: bool = False, **data: Any) -> Any:
        """Like call(), but None when the object does not exist."""
        try:
            return self._ckan.call_action(action, data)
        except ckanapi.NotFound:
            return None
        except Exception as error:  # noqa: BLE001 - as in call()
            raise self._translate(action, error, setup) from None

    def upload(self, action: str, path: str, progress: Progress | None = None, upload_name: str | None = None,
               **data: Any) -> Any:
        """Call ``resource_create``/``resource_patch`` with the file at ``path`` as its upload.

        ``upload_name`` is the file name the site publishes it under (default: the local file's name).
        """
        self._session.upload_progress = progress
        name = upload_name or os.path.basename(path)
        try:
            with open(path, "rb") as stream:
                try:
                    return self._ckan.call_action(action, data, files={"upload": (name, stream)})
                except Exception as error:  # noqa: BLE001 - as in call()
                    raise self._translate(action, error, setup=False) from None
        except OSError as error:
            raise PublishingError(f"{path}: {error.strerror or error}") from None
        finally:
            self._session.upload_progress = None

    # --- the organisation and its dataset --------------------------------------------------------

    def check_publisher(self, organisation_name: str) -> dict[str, Any]:
        """The organisation, once the site answers as CKAN and the token's user may publish in it."""
        status = self.call("status_show", setup=True)
        if "openup" not in (status or {}).get("extensions", []):
            raise SiteError(_("{url} is a CKAN site without ckanext-openup: it has no supplier-invoice datasets")
                            .format(url=self.url))
        # CKAN treats an unknown token as an anonymous visitor; user_show without an id says who we are.
        if self.show_or_none("user_show", setup=True) is None:
            raise SiteError(
                _("{url} did not accept the API token from {source}").format(url=self.url, source=self.token_source),
                [_("Create a new token on your user page (API Tokens) and set it again; see docs/publishing.md.")],
            )
        organisation = self.show_or_none("organization_show", setup=True, id=organisation_name, include_datasets=False)
        if organisation is None:
            raise SiteError(_("{url} has no organisation {name} (use its URL name)").format(
                url=self.url, name=repr(organisation_name)))
        allowed = self.call("organization_list_for_user", setup=True, permission="create_dataset")
        if organisation["id"] not in {org["id"] for org in allowed}:
            raise SiteError(
                _("The token's user may not publish datasets in {name} on {url}").format(
                    name=repr(organisation_name), url=self.url),
                [_("Use a token of an editor or admin of the organisation (or check that the token is still valid).")],
            )
        return organisation

    def find_dataset(self, organisation: dict[str, Any], year: int) -> dict[str, Any] | None:
        """The organisation's supplier-invoice dataset for ``year`` (also a draft), or None."""
        name = dataset_name(organisation["name"], year, organisation.get("country"))
        dataset = self.show_or_none("package_show", id=name)
        if dataset and dataset.get("state") == "deleted":
            # Its name stays taken until a sysadmin purges it; restoring it silently would surprise.
            raise RejectedError(
                f"The dataset {name} for {year} was deleted on {self.url}",
                ["Restore it (edit its state) or have a sysadmin purge it in /ckan-admin/trash, then run again."],
            )
        if dataset and dataset.get("owner_org") == organisation["id"] and str(dataset.get("year")) == str(year):
            return dataset
        # A dataset made by hand under another name: found by organisation, type and year.
        found = self.call(
            "package_search",
            fq=f'owner_org:"{organisation["id"]}" AND dataset_type:"{DATASET_TYPE}"',
            include_private=True,
            include_drafts=True,
            rows=1000,
        )
        for candidate in found.get("results", []):
            if str(candidate.get("year")) == str(year) and candidate.get("state") in ("active", "draft"):
                return self.call("package_show", id=candidate["id"])
        return None

    # --- errors ----------------------------------------------------------------------------------

    def _translate(self, action: str, error: Exception, setup: bool) -> PublishingError:
        failed = SiteError if setup else RejectedError
        if isinstance(error, ckanapi.ValidationError):
            return RejectedError(f"CKAN refused {action}:", field_messages(getattr(error, "error_dict", {}) or {}))
        if isinstance(error, ckanapi.NotAuthorized):
            return failed(
                _("{url} refused {action}: not authorised ({reason})").format(
                    url=self.url, action=action, reason=_message(error)),
                [_("Check the API token and that its user is an editor of the organisation.")],
            )
        if isinstance(error, ckanapi.NotFound):
            return failed(_("Not found: {what}").format(what=_message(error) or action))
        if isinstance(error, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
            return UsageProblem(_("--ckan {url} is not a usable address").format(url=repr(self.url)))
        if isinstance(error, requests.ConnectionError | requests.Timeout):
            if setup:
                return SiteError(_("Cannot reach {url} ({reason})").format(url=self.url, reason=_network_reason(error)))
            return TransferError(
                _("The connection to {url} failed during {action} ({reason})").format(
                    url=self.url, action=action, reason=_network_reason(error)),
                [_("Nothing is lost: run the same command again to finish the publication.")],
            )
        if isinstance(error, ckanapi.ServerIncompatibleError | ckanapi.CKANAPIError):
            status = self._session.last_status
            return failed(
                f"{self.url} did not answer {action} as a CKAN API"
                + (f" (HTTP status {status})" if status else "")
                + ("; is --ckan the site's address?" if setup else "")
            )
        if isinstance(error, requests.RequestException):
            return failed(f"{self.url}: {action} failed ({type(error).__name__})")
        return failed(f"{action} failed unexpectedly ({type(error).__name__}: {error}); please report this")


def field_messages(error_dict: dict[str, Any], prefix: str = "") -> list[str]:
    """CKAN's validation errors one field a line, e.g. ``resources[2].format: A format is required``."""
    lines: list[str] = []
    for key, value in error_dict.items():
        if key.startswith("__") or not value:
            continue
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            lines += field_messages(value, f"{name}.")
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            lines.append(f"{name}: {' '.join(value)}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict) and item:
                    lines += field_messages(item, f"{name}[{index}].")
        else:
            lines.append(f"{name}: {value}")
    return lines


def _message(error: Exception) -> str:
    detail = error.args[0] if error.args else ""
    if isinstance(detail, dict):
        detail = detail.get("message", "")
    return str(detail or "").strip()


def _network_reason(error: Exception) -> str:
    text = str(error)
    for reason in ("Connection refused", "Name or service not known", "timed out", "Connection reset",
                   "Connection aborted", "Broken pipe", "Remote end closed"):
        if reason.lower() in text.lower():
            return reason.lower()
    return type(error).__name__
