"""A screenshot of the page a browser test failed on, in test-artifacts/ beside the others."""

from __future__ import annotations

import pytest

from tests.browser.chromium import screenshot


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    driver = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and driver is not None:
        path = screenshot(driver, f"failed-{item.name}")
        report.sections.append(("browser", f"page {driver.current_url}, screenshot {path}"))
    return report
