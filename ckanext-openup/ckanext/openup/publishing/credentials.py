"""Where the CKAN API token comes from: the environment, or a config file only its owner can read.

The token is never taken as a command-line value (it would land in shell history and ``ps``), and
never printed: messages name where it was looked for, not what it is.
"""

from __future__ import annotations

import configparser
import os
import stat
from dataclasses import dataclass
from pathlib import Path

# Messages in the publisher's language: publishing/ serves the `openup` command only.
from ckanext.openup.cli.language import _
from ckanext.openup.publishing.errors import UsageProblem

TOKEN_VARIABLE = "OPENUP_CKAN_TOKEN"
CONFIG_SECTION = "ckan"


def default_config_path() -> Path:
    """``$XDG_CONFIG_HOME/openup/config.ini`` (``~/.config/openup/config.ini`` by default)."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "openup" / "config.ini"


@dataclass(frozen=True)
class Credentials:
    """The site's URL (when the config file gives one) and the token, with where the token came from."""

    token: str
    source: str
    url: str | None = None
    warning: str | None = None

    def __repr__(self) -> str:  # a token must not show up in a debugger or a log line by accident
        return f"Credentials(source={self.source!r}, url={self.url!r})"


def read_credentials(config_path: str | os.PathLike[str] | None = None) -> Credentials:
    """The token from ``OPENUP_CKAN_TOKEN``, else from the ``[ckan]`` section of the config file.

    Raises UsageProblem when there is none, or when a config file named explicitly cannot be read.
    """
    path = Path(config_path) if config_path else default_config_path()
    section = _read_section(path, explicit=config_path is not None)
    url = section.get("url") or None
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if token:
        return Credentials(token, f"the environment variable {TOKEN_VARIABLE}", url)
    token = section.get("token", "").strip()
    if not token:
        raise UsageProblem(
            _("No CKAN API token: set {variable} or put 'token = ...' under [{section}] in {path}").format(
                variable=TOKEN_VARIABLE, section=CONFIG_SECTION, path=path),
            [_("Create a token on your CKAN user page (API Tokens); see docs/publishing.md.")],
        )
    warning = None
    if os.name == "posix" and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        warning = _("{path} can be read by other users; run: chmod 600 {path}").format(path=path)
    return Credentials(token, str(path), url, warning)


def _read_section(path: Path, explicit: bool) -> dict[str, str]:
    if not path.exists():
        if explicit:
            raise UsageProblem(_("{path}: no such config file").format(path=path))
        return {}
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8-sig")  # Windows Notepad may begin the file with a byte order mark
    except (configparser.Error, UnicodeDecodeError, OSError) as error:
        # configparser's messages quote the offending line, which may hold the token: name the file only.
        raise UsageProblem(_("{path}: not a readable config file ({error})").format(
            path=path, error=type(error).__name__)) from None
    return dict(parser[CONFIG_SECTION]) if parser.has_section(CONFIG_SECTION) else {}
