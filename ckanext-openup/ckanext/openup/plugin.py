"""CKAN wiring: which interfaces the extension implements, pointing at the modules that do the work."""

from __future__ import annotations

import ckan.plugins as plugins
import ckan.plugins.toolkit as toolkit

from ckanext.openup import admin_cli
from ckanext.openup.search import backend


class OpenUpPlugin(plugins.SingletonPlugin):
    """The main extension: procurement dataset types, DCAT-AP-SE feeds and quality checks."""

    plugins.implements(plugins.IConfigurer)
    plugins.implements(plugins.IClick)

    def update_config(self, config: toolkit.CKANConfig) -> None:
        toolkit.add_template_directory(config, "templates")

    def get_commands(self) -> list:
        return [admin_cli.openup_admin]


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
