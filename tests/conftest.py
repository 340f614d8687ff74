"""Test session set-up: an embedded PostgreSQL (unless CKAN_SQLALCHEMY_URL is set) and search from it."""

pytest_plugins = ["ckanext.openup.testing"]
