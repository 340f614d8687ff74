"""The tests' supplier-invoice fixtures (tests/supplier_invoices.py) for the benchmarks that publish datasets."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def supplier_invoices() -> ModuleType:
    """tests/supplier_invoices.py, loaded by path: CKAN puts its own ``tests`` package on the import path."""
    spec = importlib.util.spec_from_file_location("openup_supplier_invoices", ROOT / "tests" / "supplier_invoices.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
