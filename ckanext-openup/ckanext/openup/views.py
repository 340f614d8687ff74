"""Blueprints (thin: read the request, call an action, shape the response)."""

from __future__ import annotations

import ckan.plugins.toolkit as toolkit
from ckanext.dcat.utils import CONTENT_TYPES, parse_accept_header
from flask import Blueprint, Response, make_response, stream_with_context

from ckanext.openup import harvest_feed
from ckanext.openup.rows.views import invoice_rows

harvest = Blueprint("openup_harvest", __name__)


def organisation_catalogue(id: str, _format: str | None = None):
    """The organisation's harvest feed: RDF/XML unless another format is asked for."""
    if _format is None:
        _format = _negotiated_format(toolkit.request.headers.get("Accept", ""))
    try:
        body = toolkit.get_action("openup_organization_catalog_show")(
            {"stream": True}, {"id": id, "format": _format})
    except toolkit.ObjectNotFound:
        return toolkit.abort(404, toolkit._("Organisation not found"))
    except toolkit.ValidationError as error:
        return toolkit.abort(400, _messages(error))
    # RDF/XML comes one dataset at a time: a large organisation's feed is never held whole.
    response = make_response(body) if isinstance(body, str) else Response(stream_with_context(body))
    response.headers["Content-Type"] = f"{CONTENT_TYPES[_format]}; charset=utf-8"
    return response


def _negotiated_format(accept: str) -> str:
    """The feed format an Accept header prefers; RDF/XML when it names none of ours or cannot be read."""
    try:
        negotiated = parse_accept_header(accept)
    except ValueError:  # a malformed q-value: ignored, as HTTP allows
        return "rdf"
    return negotiated if negotiated in harvest_feed.FORMATS else "rdf"


harvest.add_url_rule("/organization/<id>/catalog", view_func=organisation_catalogue)
harvest.add_url_rule("/organization/<id>/catalog.<_format>", view_func=organisation_catalogue)


readiness = Blueprint("openup_readiness", __name__)


def organisation_readiness(id: str):
    """The organisation's "Harvest readiness" page, for its members."""
    context = {"user": toolkit.current_user.name}
    try:
        result = toolkit.get_action("openup_harvest_readiness")(context, {"id": id})
        organisation = toolkit.get_action("organization_show")(context, {"id": id, "include_datasets": False})
    except toolkit.ObjectNotFound:
        return toolkit.abort(404, toolkit._("Organisation not found"))
    except toolkit.NotAuthorized:
        return toolkit.abort(403, toolkit._("Only members of the organisation can see its readiness"))
    except toolkit.ValidationError as error:
        return toolkit.abort(400, _messages(error))
    return toolkit.render("organization/readiness.html", {
        "group_dict": organisation, "group_type": organisation["type"], "readiness": result,
    })


readiness.add_url_rule("/organization/<id>/readiness", view_func=organisation_readiness)


def _messages(error: toolkit.ValidationError) -> str:
    """The messages of a validation error as one line for an error page."""
    return " ".join(message for messages in error.error_dict.values()
                    for message in (messages if isinstance(messages, list) else [messages]))


def get_blueprints() -> list[Blueprint]:
    return [harvest, readiness, invoice_rows]
