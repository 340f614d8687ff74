"""Paths to the small invoice files that reproduce real-world quirks (tests/data/procurement)."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "procurement"


@pytest.fixture
def data_dir() -> Path:
    return DATA
