"""The story page in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Starts uvicorn on 127.0.0.1 over a temporary corpus holding the example story,
checks the meeting-length conflict row, clicks a claim and checks the article
view targets it, and saves a screenshot (docs/img/story-page.png too when STORYDIFF_UPDATE_SCREENSHOT=1).
Skips, saying why, when Chromium or Playwright is missing (`make browser`
installs Debian's chromium where it can).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT

CHROMIUM = os.environ.get("STORYDIFF_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install '.[dev]')")
if not (Path(CHROMIUM).exists() and os.access(CHROMIUM, os.X_OK)):
    pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (`make browser`, or "
                "`apt-get install -y chromium`) to run the browser tests", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from storydiff.corpus import Corpus
    from storydiff.web import create_app
    from test_web_api import web_settings

    db = tmp_path_factory.mktemp("browser") / "corpus.db"
    settings = web_settings()
    with Corpus(db, settings) as corpus:
        summary = corpus.add([str(EXAMPLE / "aljazeera.txt"), str(EXAMPLE / "rewrite.txt")])
        (story_id,) = set(summary.stories.values())
        corpus.compare_story(story_id)  # cached, so the page loads at once
    port = _free_port()
    config = uvicorn.Config(create_app(settings, db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", story_id
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        except Exception as err:  # a chromium that cannot start here is an environment problem, not ours
            pytest.skip(f"{CHROMIUM} could not be launched: {str(err).splitlines()[0]}")
        yield b
        b.close()


def test_story_page_conflict_row_click_and_screenshot(server, browser, tmp_path):
    base, story_id = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        response = page.goto(f"{base}/stories/{story_id}")
        assert response.status == 200
        row = page.locator("#conflicts article.card.conflict", has_text="just over an hour")
        sync_api.expect(row).to_have_count(1)
        sync_api.expect(row.locator(".badge")).to_contain_text("duration conflict")
        marks = [m.strip() for m in row.locator("blockquote mark").all_inner_texts()]
        assert "just over an hour" in marks and "about two hours" in marks
        sides = row.locator("figure.side")
        sync_api.expect(sides).to_have_count(2)
        sync_api.expect(sides.nth(0).locator("figcaption")).to_have_text("Al Jazeera")
        sync_api.expect(sides.nth(0)).to_contain_text("The unscheduled talks on Tuesday evening lasted")
        sync_api.expect(sides.nth(1)).to_contain_text("The closed-door meeting lasted")
        # side by side: the two sentences share a row
        first, second = sides.nth(0).bounding_box(), sides.nth(1).bounding_box()
        assert abs(first["y"] - second["y"]) < 5 and second["x"] > first["x"] + first["width"] - 1

        page.screenshot(path=str(tmp_path / "story-page.png"), full_page=False)
        assert (tmp_path / "story-page.png").stat().st_size > 10_000
        if os.environ.get("STORYDIFF_UPDATE_SCREENSHOT"):  # refresh the README's picture on request only
            out = ROOT / "docs" / "img" / "story-page.png"
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(tmp_path / "story-page.png", out)

        link = sides.nth(1).locator("a.claim-link")
        target_id = link.get_attribute("data-target")
        link.click()
        target = page.locator(f"#{target_id}")
        sync_api.expect(target).to_have_class("claim conflict flash")
        assert page.evaluate("location.hash") == f"#{target_id}"
        assert page.evaluate("document.querySelector(':target').id") == target_id
        sync_api.expect(target).to_be_in_viewport()
        sync_api.expect(target).to_contain_text("about two hours")
        assert target.evaluate("el => el.closest('#articles') !== null")
        page.screenshot(path=str(tmp_path / "story-page-clicked.png"))
    finally:
        page.close()
