"""Empty the deployment's catalogue and search index, migrate, and make the sysadmin: in one process.

``ckan db clean``, ``db upgrade``, ``user add``, ``sysadmin add`` and ``user token add`` would each load
CKAN anew (half a minute apiece on a busy 2-core machine). Run as ``python -m tests.deployment.prepare_site``
with ``CKAN_INI`` set; prints the sysadmin's API token.
"""

from __future__ import annotations

import os

import ckan.plugins.toolkit as toolkit
from ckan import model
from ckan.cli import load_config
from ckan.config.middleware import make_app
from ckan.lib.search import clear_all

SYSADMIN = "admin"


def prepare() -> str:
    """The catalogue and search index emptied, the database migrated; the sysadmin's new API token."""
    app = make_app(load_config(os.environ["CKAN_INI"]))
    with app._wsgi_app.test_request_context():  # (as the `ckan` command runs its commands)
        model.repo.clean_db()
        clear_all()
        model.repo.upgrade_db()
        context = {"ignore_auth": True, "user": ""}
        toolkit.get_action("user_create")(context, {
            "name": SYSADMIN, "email": "admin@example.org", "password": "deployment-password"})
        model.User.get(SYSADMIN).sysadmin = True
        model.Session.commit()
        return toolkit.get_action("api_token_create")(
            {"ignore_auth": True, "user": SYSADMIN}, {"user": SYSADMIN, "name": "tests"})["token"]


if __name__ == "__main__":
    print(prepare())
