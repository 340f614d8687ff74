"""CKAN as a WSGI application for a production server, configured by the file named in ``CKAN_INI``.

    CKAN_INI=/etc/ckan/default/ckan.ini gunicorn --workers 4 --bind 127.0.0.1:5000 ckanext.openup.wsgi:application

Each server worker process imports this module and builds its own application (start gunicorn without
``--preload``: database connections and the like must not be shared across a fork).
"""

from __future__ import annotations

import logging
import os

from ckan.cli import load_config
from ckan.config.middleware import make_app
from ckan.types import CKANApp


def create_application() -> CKANApp:
    """Load the configuration file of ``CKAN_INI`` and build CKAN on it."""
    config_file = os.environ.get("CKAN_INI")
    if not config_file:
        raise RuntimeError("Set CKAN_INI to the path of CKAN's configuration file (ckan.ini) before starting.")
    config = load_config(config_file)
    _keep_server_logs()
    return make_app(config)


def _keep_server_logs() -> None:
    # CKAN applies the file's logging sections with fileConfig, which disables every logger the file does
    # not name: without this, the server's access and error logs would fall silent.
    for name, logger in logging.root.manager.loggerDict.items():
        if name.split(".")[0] in ("gunicorn", "uvicorn", "waitress") and isinstance(logger, logging.Logger):
            logger.disabled = False


application = create_application()
