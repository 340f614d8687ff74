"""CKAN wiring: which interfaces the extension implements, pointing at the modules that do the work."""

from __future__ import annotations

from pathlib import Path

import ckan.plugins as plugins
import ckan.plugins.toolkit as toolkit
from ckanext.dcat.interfaces import IDCATURIGenerator

from ckanext.openup import admin_cli, form_helpers, helpers, organisations, request_guard, solr_schema, views
from ckanext.openup.invoice_guard import hooks as invoice_guard
from ckanext.openup.invoice_guard import packages as invoice_guard_packages
from ckanext.openup.logic import get_validators
from ckanext.openup.logic.action import get as get_actions
from ckanext.openup.logic.auth import get as get_auth
from ckanext.openup.rows import pages as invoice_row_pages
from ckanext.openup.rows import search_text as invoice_row_search
from ckanext.openup.rows import triggers as invoice_rows
from ckanext.openup.search import backend, keyword_tags
from ckanext.openup.spending import action as spending_action
from ckanext.openup.spending import auth as spending_auth
from ckanext.openup.spending import helpers as spending_helpers
from ckanext.openup.spending import views as spending_views

I18N_DIRECTORY = Path(__file__).parent / "i18n"


# config_declaration.yaml also gives ckanext-scheming its defaults: our schemas and presets.
@toolkit.blanket.config_declarations
class OpenUpPlugin(plugins.SingletonPlugin):
    """The main extension: procurement dataset types, DCAT-AP-SE feeds and quality checks."""

    plugins.implements(plugins.IConfigurer)
    plugins.implements(plugins.IClick)
    plugins.implements(plugins.IValidators)
    plugins.implements(plugins.ITemplateHelpers)
    plugins.implements(IDCATURIGenerator, inherit=True)
    plugins.implements(plugins.IActions)
    plugins.implements(plugins.IAuthFunctions)
    plugins.implements(plugins.IBlueprint)
    plugins.implements(plugins.ITranslation)
    plugins.implements(plugins.IResourceController, inherit=True)
    plugins.implements(plugins.IMiddleware, inherit=True)
    plugins.implements(plugins.IPackageController, inherit=True)

    def update_config(self, config: toolkit.CKANConfig) -> None:
        toolkit.add_template_directory(config, "templates")
        toolkit.add_resource("assets", "openup")

    def get_validators(self) -> dict:
        return get_validators()

    def get_helpers(self) -> dict:
        return {**helpers.get_helpers(), **form_helpers.get_helpers(), **spending_helpers.get_helpers(),
                **invoice_row_pages.get_helpers()}

    def get_actions(self) -> dict:
        return {**get_actions.get_actions(), **invoice_guard_packages.get_actions(), **spending_action.get_actions()}

    def get_auth_functions(self) -> dict:
        return {**get_auth.get_auth_functions(), **spending_auth.get_auth_functions()}

    def get_blueprint(self) -> list:
        return views.get_blueprints() + spending_views.get_blueprints()

    def publisher_uri(self, dataset_dict: dict, default_uri: str | None) -> str | None:
        organisation = dataset_dict.get("organization") or {}
        found = organisations.organisation(organisation.get("id")) if organisation.get("id") else None
        return (found and organisations.publisher_uri(found)) or default_uri

    # Every file of a supplier-invoice dataset is read before CKAN keeps it (see invoice_guard).
    def before_resource_create(self, context: dict, resource: dict) -> None:
        invoice_guard.before_resource_create(context, resource)

    def before_resource_update(self, context: dict, current: dict, resource: dict) -> None:
        invoice_guard.before_resource_update(context, current, resource)

    # Refuses addresses holding NUL or control characters before CKAN core's views hand them to PostgreSQL.
    def make_middleware(self, app, config: toolkit.CKANConfig):
        return request_guard.install(app)

    # An accepted invoice file's rows go to the DataStore; they leave with the file (see rows/).
    def after_resource_create(self, context: dict, resource: dict) -> None:
        invoice_rows.resource_saved(resource)

    def after_resource_update(self, context: dict, resource: dict) -> None:
        invoice_rows.resource_saved(resource)

    def before_resource_delete(self, context: dict, resource: dict, resources: list) -> None:
        invoice_rows.resource_deleted(resource.get("id"))

    def after_dataset_delete(self, context: dict, data_dict: dict) -> None:
        invoice_rows.dataset_deleted(data_dict.get("id"))

    # A dataset made private or draft takes its rows out of the public spending store at once.
    def after_dataset_create(self, context: dict, data_dict: dict) -> None:
        invoice_rows.dataset_saved(data_dict)

    def after_dataset_update(self, context: dict, data_dict: dict) -> None:
        invoice_rows.dataset_saved(data_dict)

    # Searching for a supplier finds the years whose rows mention it; keywords are tags to facet on.
    def before_dataset_index(self, pkg_dict: dict) -> dict:
        pkg_dict = keyword_tags.add_keyword_tags(invoice_row_search.add_supplier_text(pkg_dict))
        if backend.is_active():
            return pkg_dict
        # On Solr, each language's text goes to its stemmed field (the schema of `ckan openup solr-schema`).
        return solr_schema.add_language_texts(pkg_dict, backend.languages(), backend.default_language_code())

    def before_dataset_search(self, search_params: dict) -> dict:
        if backend.is_active():
            return search_params
        return solr_schema.add_language_query_fields(search_params, backend.languages())

    def get_commands(self) -> list:
        return [admin_cli.openup_admin]

    # Page texts in Swedish and Finnish: i18n/<locale>/LC_MESSAGES/ckanext-openup.mo (`make i18n`).
    def i18n_directory(self) -> str:
        return str(I18N_DIRECTORY)

    def i18n_locales(self) -> list[str]:
        return sorted(path.name for path in I18N_DIRECTORY.iterdir() if path.is_dir())

    def i18n_domain(self) -> str:
        return "ckanext-openup"


@toolkit.blanket.config_declarations("search/config_declaration.yaml")
class OpenUpSearchPlugin(plugins.SingletonPlugin):
    """Serves CKAN's search from PostgreSQL instead of Solr (see ckanext.openup.search)."""

    plugins.implements(plugins.IConfigurer)
    plugins.implements(plugins.IConfigurable)

    def update_config(self, config: toolkit.CKANConfig) -> None:
        # Must happen here, before CKAN's environment checks the Solr schema.
        backend.install()

    def configure(self, config: toolkit.CKANConfig) -> None:
        backend.configure(config)
