"""``python -m ckanext.openup.cli``: the ``openup`` command where its script is not on the PATH (Windows)."""

from ckanext.openup.cli import openup

openup(prog_name="openup")
