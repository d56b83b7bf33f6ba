"""The report in a real browser: headless Chromium opens the `samples/groups` report from
file://, shows the seed page's endpoint and findings, filters the pages as one types in
the search box, loads nothing but the report's own files, and logs no console error.

Skipped, saying why, where Chromium, chromedriver or selenium is not installed
(`apt-get install chromium chromium-driver`; `pip install 'docgen[test]'`).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import GROUPS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip(
        "no Chromium or chromedriver on PATH (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )
webdriver = pytest.importorskip(
    "selenium.webdriver", reason="selenium is not installed (pip install 'docgen[test]')"
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,800",
)
SEED = "create-thread.md"
SEED_ENDPOINT = "/groups/{group-id}/Conversations/{conversation-id}/Threads"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    result = CliRunner().invoke(main, ["report", str(GROUPS), "-o", str(out), "--no-cache"])
    assert result.exit_code == 0, result.stderr
    return out / "index.html"


def visible_pages(browser: Any) -> list[str]:
    names = browser.find_elements(By.CSS_SELECTOR, "details.page .page-name")
    return [name.text for name in names if name.is_displayed()]


def test_the_report_works_from_file_urls(browser: Any, report: Path) -> None:
    browser.get(report.as_uri())
    assert "docgen report" in browser.title
    seed = browser.find_element(
        By.XPATH, f"//details[contains(@class, 'page')][.//span[text()='{SEED}']]"
    )
    assert not seed.is_displayed()  # folded in its area at first

    # a link to the page's section unfolds it, and its area
    browser.get(f"{report.as_uri()}#{seed.get_attribute('id')}")
    endpoint = seed.find_element(
        By.XPATH, f".//li[contains(@class, 'endpoint')][.//code[text()='{SEED_ENDPOINT}']]"
    )
    assert endpoint.is_displayed()
    findings = seed.find_elements(By.CSS_SELECTOR, "ul.findings li")
    codes = {f.find_element(By.CSS_SELECTOR, ".code").text for f in findings if f.is_displayed()}
    assert {"X006", "A006", "B001"} <= codes
    x006 = next(f for f in findings if "X006" in f.text)
    assert x006.find_element(By.TAG_NAME, "a").get_attribute("href").endswith(f"/{SEED}#L34")

    # the search box filters the pages (and their endpoints and types) by text
    everything = len(browser.find_elements(By.CSS_SELECTOR, "details.page"))
    box = browser.find_element(By.ID, "search")
    box.send_keys("Reply")
    WebDriverWait(browser, 5).until(
        lambda b: "pages match" in b.find_element(By.ID, "search-count").text
    )
    shown = visible_pages(browser)
    assert shown and len(shown) < everything and SEED not in shown
    for page in browser.find_elements(By.CSS_SELECTOR, "details.page"):
        if page.is_displayed():  # named so, or defining an endpoint or type so named
            items = [i.text for i in page.find_elements(By.CSS_SELECTOR, ".item .key")]
            texts = [page.find_element(By.CSS_SELECTOR, ".page-name").text, *items]
            assert any("reply" in text.lower() for text in texts)
    count = browser.find_element(By.ID, "search-count").text
    assert count.startswith(f"{len(shown)} of {everything}")
    box.clear()
    box.send_keys(" ")  # an empty query shows every page again
    WebDriverWait(browser, 5).until(lambda b: b.find_element(By.ID, "search-count").text == "")
    assert not browser.find_elements(By.CSS_SELECTOR, "details.page[hidden]")

    # its stylesheet applied, nothing fetched from a network, no console error
    search_bar = browser.find_element(By.CSS_SELECTOR, "div.search")
    assert search_bar.value_of_css_property("position") == "sticky"
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert all(url.startswith("file:") for url in loaded)
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []
