"""CKAN's own texts that our pages show but CKAN 2.12's Swedish and Finnish catalogues leave in English.

Listed here so ``make i18n`` keeps them in this extension's catalogues, whose translations CKAN merges over
its own; nothing calls this module. Only texts seen on the publisher's and visitor's pages belong here
(``tests/i18n`` finds them), not CKAN's whole backlog.
"""

from __future__ import annotations


def _(text: str) -> str:
    """Marks a text for extraction; CKAN translates it where its templates show it."""
    return text


CORE_TEXTS = (
    _("Skip to main content"),
    _("Toggle navigation"),
    _("Navigate to Home - {site_title}"),
    _("View dashboard"),
    _("Search Datasets..."),
    _("Search datasets by {name}: {label}"),
    _("Search datasets with the tag: {tag}"),
    _("Search datasets with the tag: {name}"),
    _("Navigate to dataset: {title}"),
    _("Navigate to resource: {name}"),
    _("Navigate to resource: {name_or_id}"),
    _("Current resource: {name}"),
    _("Manage resource: {name}"),
    _('You can use <a href="#markdown" title="Markdown quick reference" data-bs-toggle="popover" '
      'data-bs-content="%(markdown_tooltip)s" data-bs-html="true">Markdown formatting</a> here'),
    _("No Organization"),
    _("No organization"),
    _("Publish"),
    _("Unpublish"),
    _("Username or Email"),
    _("Close"),
    _("close"),
    _("Close modal"),
    _("Click here to login"),
    _("There is no description for this dataset."),
    _("There is no description for this organization."),
    _("active"),  # a dataset's state, shown to its editors
    # CKAN's breadcrumbs and page titles translate the dataset type's name, title-cased ("s" for plural).
    _("Supplier-Invoices"),
    _("Supplier-Invoicess"),
)
