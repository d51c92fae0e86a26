"""The HTML report in a real browser: Debian's chromium, driven by selenium through chromium-driver.

The report of the session's run over raw/ is opened from ``file://``, as a
user opens it: every link of the index and of one entity page must resolve
(a written file, and the ``#m-<start>`` anchor in it), following a person
from the index to its page and on to one of its mentions must work, the
mark's tooltip must show the canonical name and the Wikidata link, the marks
must not break inside a name nor leave a gap before ``'s``, the persons-only
switch must hide the other labels' colours, the search box must find people
and documents (accents ignored) offline, and no script may log an error.
Screenshots are saved under ``output/test-artefacts/report-browser/`` (path
printed). Skipped only when chromium or chromium-driver is missing and the
environment variable ``CI`` is not set; in CI a missing browser is a failure
(``.ci/run`` installs them).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import ROOT

from pipeline.review.report import write_report

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
ARTEFACTS = ROOT / "output" / "test-artefacts" / "report-browser"
#: The flags this machine needs as root, and none that reach the network.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1200,900",
)
WIKIDATA = re.compile(r"https://www\.wikidata\.org/wiki/Q[0-9]+")

if not (CHROMIUM and DRIVER):
    if os.environ.get("CI"):
        pytest.fail("CI is set but chromium or chromedriver is missing (apt-get install chromium chromium-driver)")
    pytest.skip("chromium and chromium-driver are not installed (CI would fail here)", allow_module_level=True)

from selenium import webdriver  # noqa: E402  (after the skip: selenium is a test dependency)
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def report(raw_run, pipe, tmp_path_factory) -> Path:
    html = tmp_path_factory.mktemp("browser_report")
    write_report(raw_run.out_dir, html, kb=pipe.kb)
    return html


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="namelink-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=DRIVER))
    driver.set_page_load_timeout(30)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def shot(driver, name: str) -> Path:
    path = ARTEFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path


def no_script_errors(driver) -> None:
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def check_links(driver, page: str) -> int:
    """Every link of the page the browser shows resolves: a file that exists (and its anchor), or Wikidata."""
    hrefs = driver.execute_script("return Array.from(document.links, a => a.href)")
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme == "https":
            assert WIKIDATA.fullmatch(href), f"{page}: remote link {href}"
            continue
        assert parts.scheme == "file", f"{page}: {href}"
        target = Path(unquote(parts.path))
        assert target.is_file(), f"{page}: {href} does not resolve"
        if parts.fragment:
            assert f'id="{parts.fragment}"' in target.read_text(encoding="utf-8"), f"{page}: no #{parts.fragment}"
    return len(hrefs)


def open_index(driver, report: Path) -> None:
    driver.get((report / "index.html").as_uri())
    assert driver.title == "namelink report"


def test_every_link_of_the_index_resolves(browser, report):
    open_index(browser, report)
    assert check_links(browser, "index.html") > 100
    shot(browser, "index")
    no_script_errors(browser)


def test_follow_a_person_to_a_mention_and_hover_it(browser, report):
    open_index(browser, report)
    browser.find_element(By.CSS_SELECTOR, "table.individuals").find_element(By.LINK_TEXT, "Leon Trotsky").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Leon Trotsky")
    assert browser.current_url.endswith("/entities/leon-trotsky.html")
    assert "Russian revolutionary" in browser.find_element(By.CSS_SELECTOR, ".description").text
    wikidata = browser.find_element(By.CSS_SELECTOR, "a.wikidata")
    assert wikidata.get_attribute("href") == "https://www.wikidata.org/wiki/Q33391"
    assert browser.page_source.count("leon-trotsky</code>") == 1  # the id, once
    assert check_links(browser, "leon-trotsky.html") > 150
    shot(browser, "entity")
    no_script_errors(browser)

    context = browser.find_element(By.CSS_SELECTOR, "a.context")
    anchor = urlsplit(context.get_attribute("href")).fragment
    context.click()
    WebDriverWait(browser, 10).until(lambda d: "/docs/" in d.current_url)
    mark = browser.find_element(By.ID, anchor)
    assert mark.get_attribute("data-e") == "leon-trotsky"
    title = mark.get_attribute("data-title")  # the title, kept for the script's own tooltip
    assert "Leon Trotsky" in title and "https://www.wikidata.org/wiki/Q33391" in title
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    ActionChains(browser).move_to_element(mark).perform()
    tip = browser.find_element(By.ID, "tip")
    WebDriverWait(browser, 5).until(lambda _: tip.is_displayed())
    assert tip.find_element(By.CSS_SELECTOR, ".canonical").text == "Leon Trotsky"
    assert "Russian revolutionary" in tip.text
    links = [a.get_attribute("href") for a in tip.find_elements(By.TAG_NAME, "a")]
    assert "https://www.wikidata.org/wiki/Q33391" in links
    assert any(href.endswith("/entities/leon-trotsky.html") for href in links)
    assert tip.text.count("leon-trotsky") == 1
    shot(browser, "document-hover")
    no_script_errors(browser)


def test_marks_never_break_and_leave_no_gap_before_s(browser, report):
    possessive = re.compile("</mark>(</a>)?(\u2019|&#39;)s")
    doc = next(p for p in sorted((report / "docs").glob("*.html")) if possessive.search(p.read_text("utf-8")))
    browser.set_window_size(520, 900)  # a narrow window: many line ends
    try:
        browser.get(doc.as_uri())
        measured = browser.execute_script(
            """
            const marks = Array.from(document.querySelectorAll('mark.entity'));
            const broken = marks.filter(m => m.getClientRects().length > 1).map(m => m.textContent);
            const nowrap = marks.every(m => getComputedStyle(m).whiteSpace === 'nowrap');
            const gaps = [];
            for (const m of marks) {
              const box = m.closest('a.ent-link') || m;
              const next = box.nextSibling;
              if (!next || next.nodeType !== 3 || !/^['\u2019]s/.test(next.data)) continue;
              const range = document.createRange();
              range.setStart(next, 0); range.setEnd(next, 1);
              const after = range.getBoundingClientRect(), mark = m.getBoundingClientRect();
              if (Math.abs(after.top - mark.top) < 2) gaps.push(after.left - mark.right);
            }
            return {count: marks.length, broken: broken, nowrap: nowrap, gaps: gaps};
            """
        )
        assert measured["count"] > 100 and measured["nowrap"]
        assert measured["broken"] == []
        assert measured["gaps"] and max(abs(g) for g in measured["gaps"]) < 1.0
        browser.execute_script("document.getElementById('text').scrollIntoView()")
        shot(browser, "document-narrow")
    finally:
        browser.set_window_size(1200, 900)


def test_persons_only_hides_the_other_labels(browser, report):
    doc = sorted((report / "docs").glob("*.html"))[0]
    browser.get(doc.as_uri())
    background = "return getComputedStyle(document.querySelector(arguments[0])).backgroundColor"
    transparent = "rgba(0, 0, 0, 0)"
    assert browser.execute_script(background, 'mark.entity[data-label="DATE"]') != transparent
    browser.find_element(By.ID, "persons-only").click()
    assert browser.execute_script(background, 'mark.entity[data-label="DATE"]') == transparent
    assert browser.execute_script(background, "mark.entity.person") != transparent
    people = browser.find_elements(By.CSS_SELECTOR, "details.people li")
    assert people and "Leon Trotsky" in " ".join(p.text for p in people)
    shot(browser, "document-persons-only")
    browser.find_element(By.ID, "persons-only").click()  # the switch is remembered: leave it off
    no_script_errors(browser)


def test_search_box_finds_people_and_documents_offline(browser, report):
    open_index(browser, report)
    box = browser.find_element(By.ID, "search")
    box.send_keys("sokolovskaya leon")  # the title says "león": accents are ignored
    results = browser.find_element(By.ID, "search-results")
    WebDriverWait(browser, 5).until(lambda _: results.is_displayed())
    found = [li.text for li in results.find_elements(By.TAG_NAME, "li")]
    assert any("león trotsky" in text and "document" in text for text in found), found
    shot(browser, "search")
    box.clear()
    box.send_keys("natalia sedova")
    WebDriverWait(browser, 5).until(lambda _: results.find_elements(By.TAG_NAME, "a"))
    assert results.find_element(By.TAG_NAME, "a").text == "Natalia Sedova"
    box.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Natalia Sedova")
    assert browser.current_url.startswith("file://")
    no_script_errors(browser)
