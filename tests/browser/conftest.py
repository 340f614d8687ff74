"""The browser every browser test drives, and a screenshot of the page a test failed on (test-artifacts/)."""

from __future__ import annotations

import pytest

from tests.browser.chromium import screenshot, start_chromium


@pytest.fixture
def browser():
    """A headless chromium for one test, waiting up to 5 s for what it looks for."""
    driver = start_chromium()
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    driver = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and driver is not None:
        path = screenshot(driver, f"failed-{item.name}")
        report.sections.append(("browser", f"page {driver.current_url}, screenshot {path}"))
    return report
