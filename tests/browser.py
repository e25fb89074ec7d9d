"""A real browser for the dashboard and sandbox tests: Debian's Chromium driven by Playwright, never a
downloaded browser, and a WSGI app served on loopback for it to open.

`browser` is one Chromium per run; `page` a fresh context and page per test; `live_server(app)` serves a
Flask app on 127.0.0.1 in a thread; `screenshot(page, name)` saves under .test-output/screenshots/."""
import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / ".test-output" / "screenshots"


_running = {}  # the one Playwright and Chromium of this process


@pytest.fixture(scope="session")
def browser(request):
    """Each test module that imports this fixture gets a session fixture of its own, and Playwright's sync API
    can't run two at once: all of them share one Chromium, stopped when the run ends."""
    if "chromium" not in _running:
        if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
            pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (.ci/run does)")
        from playwright.sync_api import sync_playwright
        playwright = sync_playwright().start()
        _running.update(playwright=playwright, chromium=playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True))

        def stop():
            _running.pop("chromium").close()
            _running.pop("playwright").stop()
        request.config.add_cleanup(stop)
    yield _running["chromium"]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@contextmanager
def live_server(app, threads: int = 4):
    """The app on http://127.0.0.1:<free port>, served by waitress (what `python -m app serve` uses)."""
    from waitress.server import create_server
    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    port = server.effective_port
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        thread.join(timeout=5)
