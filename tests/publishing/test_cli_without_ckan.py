"""The ``openup`` command as a finance clerk installs it: ``pip install ckanext-openup``, no CKAN on the machine."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.publishing.invoices import raw_export

REPOSITORY = Path(__file__).resolve().parents[2]
YEAR = 2025
# Modules of the CKAN plugin's side that a publisher's laptop cannot or should not install.
SERVER_MODULES = ["ckan", "ckanext.dcat", "ckanext.scheming", "psycopg2", "magic", "sqlalchemy", "flask"]


@pytest.fixture(scope="module")
def cli_venv(tmp_path_factory) -> Path:
    """A new virtual environment with this package installed from the source tree, without extras."""
    folder = tmp_path_factory.mktemp("cli-venv")
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    # The versions the development environment runs: pip finds them in its cache, and the code is the same.
    freeze = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"], check=True,
                            capture_output=True, text=True, timeout=120).stdout
    constraints = folder / "constraints.txt"
    constraints.write_text("\n".join(line for line in freeze.splitlines() if "==" in line) + "\n", encoding="utf-8")
    # Built from a copy: building in the source tree would leave build/ and egg-info behind.
    source = folder / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(REPOSITORY / "ckanext-openup", source / "ckanext-openup", ignore=ignore)
    for name in ("setup.py", "README.md"):
        shutil.copy(REPOSITORY / name, source / name)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-c", str(constraints),
                    str(source)], check=True, timeout=900)
    return venv


def run(venv: Path, *args: object, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """Run a program of the venv as a user would: no PYTHONPATH, no source tree on the path."""
    environment = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(cwd), "LANG": "C.UTF-8",
                   "XDG_CONFIG_HOME": str(cwd / "config"), **env}
    return subprocess.run([str(venv / "bin" / str(args[0])), *map(str, args[1:])], cwd=cwd, env=environment,
                          capture_output=True, text=True, encoding="utf-8", timeout=600)


def test_the_cli_installs_without_ckan(cli_venv, tmp_path):
    for module in SERVER_MODULES:
        result = run(cli_venv, "python", "-c", f"import {module}", cwd=tmp_path)
        assert result.returncode != 0, f"{module} was installed with the CLI"
        assert "ModuleNotFoundError" in result.stderr
    listed = run(cli_venv, "openup", "--help", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert all(command in listed.stdout for command in ("inspect", "prepare", "publish", "check", "demo"))
    demo = run(cli_venv, "openup", "demo", cwd=tmp_path)
    assert demo.returncode == 1
    assert 'pip install "ckanext-openup[ckan]"' in demo.stderr
    assert "Traceback" not in demo.stderr


def test_the_cli_without_ckan_inspects_prepares_publishes_and_checks(cli_venv, site, organisation, tmp_path):
    source = raw_export(tmp_path / "export", YEAR, [1, 2])

    inspected = run(cli_venv, "openup", "inspect", source, cwd=tmp_path)
    assert inspected.returncode == 0, inspected.stdout + inspected.stderr
    assert "no problems found" in inspected.stdout

    prepared = run(cli_venv, "openup", "prepare", source, "--out", tmp_path / "prepared", "--by-month", cwd=tmp_path)
    assert prepared.returncode == 0, prepared.stdout + prepared.stderr
    assert len(list((tmp_path / "prepared").glob("*.csv"))) == 2

    published = run(cli_venv, "openup", "publish", "--ckan", site.url, "--org", organisation["name"],
                    "--year", YEAR, tmp_path / "prepared", cwd=tmp_path, OPENUP_CKAN_TOKEN=site.admin_token)
    assert published.returncode == 0, published.stdout + published.stderr
    found = site.action("package_search", fq=f"owner_org:{organisation['id']}", include_private=True)
    assert found["count"] == 1
    assert sorted(resource["period"] for resource in found["results"][0]["resources"]) == ["2025-01", "2025-02"]

    checked = run(cli_venv, "openup", "check", f"{site.url}/organization/{organisation['name']}/catalog",
                  "--allow-private-addresses", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "MQA" in checked.stdout
    assert "Traceback" not in checked.stdout + checked.stderr + published.stderr + prepared.stderr
