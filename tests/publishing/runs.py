"""What the live publishing tests share: the ``openup`` command, waiting, and the year's dataset."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

OPENUP = str(Path(sys.executable).with_name("openup"))
T = TypeVar("T")


def wait_for(condition: Callable[[], T], timeout: float = 120.0, step: float = 0.05) -> T:
    """Call ``condition`` until it returns something true and return that; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


def year_dataset(site, organisation: dict[str, Any], year: int) -> dict[str, Any] | None:
    """The organisation's supplier-invoice dataset of ``year`` as the site's admin sees it, or None."""
    try:
        return site.action("package_show", id=f"{organisation['name']}-leverantorsfakturor-{year}")
    except AssertionError:
        return None
