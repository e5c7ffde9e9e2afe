"""The page in a real headless browser: make a short session, play it, jump by chapter, and drive
it through the lock-screen (Media Session) actions.

Every wait is on a condition in the page (polled, with a generous limit), never a fixed sleep.
The Media Session handlers are caught by a script injected before the page loads, so the test
calls exactly the functions a phone's lock screen would.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from webhelpers import live_server, needs_audio_tools

from coach.web.app import WebConfig

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = [
    needs_audio_tools,
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER),
        reason="needs chromium and chromium-driver (scripts/setup.sh installs them)",
    ),
]

FLAGS = [
    "--headless=new",
    "--no-sandbox",  # tests run as root in CI; the sandbox refuses root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
    "--window-size=420,1000",  # a phone-sized window
]
RECORD_MEDIA_ACTIONS = """
window.__mediaActions = {};
if (navigator.mediaSession) {
  const original = navigator.mediaSession.setActionHandler.bind(navigator.mediaSession);
  navigator.mediaSession.setActionHandler = (action, handler) => {
    window.__mediaActions[action] = handler;
    return original(action, handler);
  };
}
"""
WAIT_S = 120  # the render is a few seconds; a loaded CI machine may take far longer
POSITION = "return document.getElementById('audio').currentTime"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="chromium-", dir=tmp_path)
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    # An explicit driver path: selenium never tries to download one.
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    try:
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_MEDIA_ACTIONS}
        )
        yield driver
    finally:
        driver.quit()


def test_make_play_and_jump_by_chapter(browser, store: Path, shared_cache: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver = browser
    wait = WebDriverWait(driver, WAIT_S, poll_frequency=0.1)
    with live_server(WebConfig(store=store, cache_dir=shared_cache)) as base:
        driver.get(f"{base}/")
        Select(driver.find_element(By.ID, "routine")).select_by_value("")
        driver.find_element(By.CSS_SELECTOR, "#exercise-picker summary").click()
        driver.find_element(
            By.CSS_SELECTOR, 'input[name="exercise"][value="spine-stretch"]'
        ).click()
        driver.find_element(By.ID, "reps").send_keys("1")
        driver.find_element(By.ID, "make").click()

        wait.until(lambda d: d.find_element(By.ID, "player").is_displayed())
        listing = httpx.get(f"{base}/api/sessions", timeout=10).json()["sessions"]
        assert len(listing) == 1
        status = httpx.get(f"{base}/api/sessions/{listing[0]['id']}", timeout=10).json()
        starts = [
            c["startTime"] for c in httpx.get(status["chapters"], timeout=10).json()["chapters"]
        ]
        assert len(starts) == 3  # welcome, the exercise, closing
        assert driver.find_element(By.ID, "player-title").text == status["title"]
        assert len(driver.find_elements(By.CSS_SELECTOR, "#chapters li")) == 3

        driver.find_element(By.ID, "play").click()
        wait.until(lambda d: d.execute_script(POSITION) > 0.2)
        assert driver.execute_script("return document.getElementById('audio').paused") is False

        # Tap the second chapter: the position moves to its start and it is marked current.
        driver.find_elements(By.CSS_SELECTOR, "#chapters button")[1].click()
        wait.until(lambda d: d.execute_script(POSITION) >= starts[1])
        wait.until(
            lambda d: (
                "current"
                in d.find_elements(By.CSS_SELECTOR, "#chapters li")[1].get_attribute("class")
            )
        )
        assert driver.execute_script(POSITION) < starts[2]

        # The lock screen's buttons. Paused first, so that "previous" (which restarts an
        # exercise that has played for a few seconds) does not depend on how fast this runs.
        actions = driver.execute_script("return Object.keys(window.__mediaActions)")
        assert {"play", "pause", "nexttrack", "previoustrack", "seekto"} <= set(actions)
        driver.execute_script("window.__mediaActions.pause()")
        wait.until(lambda d: d.execute_script("return document.getElementById('audio').paused"))
        driver.execute_script("window.__mediaActions.nexttrack()")
        wait.until(lambda d: d.execute_script(POSITION) >= starts[2])
        driver.execute_script("window.__mediaActions.previoustrack()")
        wait.until(lambda d: starts[1] <= d.execute_script(POSITION) < starts[2])
        title = driver.execute_script("return navigator.mediaSession.metadata.title")
        assert title == status["title"]

        # Back on the page later: the session is in the recent list, one tap plays it again.
        driver.get(f"{base}/")
        recent = "#recent-list button"
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, recent))
        driver.find_element(By.CSS_SELECTOR, recent).click()
        wait.until(lambda d: d.find_element(By.ID, "player").is_displayed())
        wait.until(lambda d: d.execute_script(POSITION) > 0.2)
        assert driver.find_element(By.ID, "player-title").text == status["title"]


def test_a_failed_render_is_told_in_plain_words(browser, store: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    wait = WebDriverWait(driver, WAIT_S, poll_frequency=0.1)
    # A phrase cache that is a file fails on the render thread, as a real fault would.
    not_a_folder = store.parent / "not-a-folder"
    not_a_folder.write_text("")
    config = WebConfig(store=store, cache_dir=not_a_folder)
    with live_server(config) as base:
        driver.get(f"{base}/")
        driver.find_element(By.ID, "make").click()  # the first routine, as the page offers
        error = driver.find_element(By.ID, "form-error")
        wait.until(lambda _: error.is_displayed())
        assert error.text.startswith(
            f"This session could not be made: the phrase cache {not_a_folder} is not usable"
        )
        assert not driver.find_element(By.ID, "player").is_displayed()
        assert not driver.find_element(By.ID, "progress").is_displayed()
        assert driver.find_element(By.ID, "make").is_enabled()
