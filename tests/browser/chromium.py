"""Debian's chromium driven by Selenium through Debian's chromedriver: no browser or driver download."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1600")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def require_chromium() -> None:
    """Fail (not skip): CI installs the browser, so its absence is a broken machine, not an option."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        pytest.fail(f"Browser tests need Debian's chromium and chromedriver, missing: {', '.join(missing)}. "
                    "Install them with: apt-get install -y chromium chromium-driver (.ci/run does).",
                    pytrace=False)


def start_chromium():
    """A headless chromium with a fresh profile; the caller quits it."""
    require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='openup-chromium-')}")
    return webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)


def press(browser, selector: str) -> None:
    """Press a form button (the browser submits the form with the button's name and value).

    Through the DOM: at the foot of a long form chromium may report the click as intercepted.
    """
    from selenium.webdriver.common.by import By

    browser.execute_script("arguments[0].click()", browser.find_element(By.CSS_SELECTOR, selector))


def log_in(browser, site_url: str, user: str, password: str) -> None:
    """Log ``user`` in through CKAN's login form."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{site_url}/user/login")
    browser.find_element(By.ID, "field-login").send_keys(user)
    browser.find_element(By.ID, "field-password").send_keys(password + Keys.ENTER)


def screenshot(driver, name: str) -> Path:
    """Save the whole page as test-artifacts/<name>.png (kept for people to look at after the run)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(900, min(int(height), 4000)))
    driver.save_screenshot(str(path))
    return path
