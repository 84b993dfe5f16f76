"""Browser tests: Playwright drives Debian's chromium against the app served by a real server in a
thread, on a committed database. Skipped where /usr/bin/chromium is missing (failed under CI=true);
never `playwright install`."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from werkzeug.serving import make_server

from web.app import create_app
from workflows import accounts, registry

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DIST = ROOT / "web" / "static" / "dist"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
#: How long a page, a click or an `expect` may take before the test fails (ms). Generous, since two
#: test runs on two loaded cores are slow; a condition that holds ends the wait at once.
PATIENCE_MS = 60_000
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} (CI=true: browser tests must run)")
    pytest.skip(what)


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        _missing("Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    if not AXE.exists() or not (DIST / "diagram.js").exists():
        _missing("front-end assets are not built: run `make assets` (npm ci and web/assets/build.mjs)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=PATIENCE_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def fast_passwords(monkeypatch):
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def server(committed, database_url, fast_passwords, monkeypatch):
    """The app on a free port of 127.0.0.1, in a thread; yields its base URL."""
    from tests.web.factories import ROUTE

    monkeypatch.setitem(registry._PROCESSES, ROUTE.key, ROUTE)
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "browser-tests"})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="intervene-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
        app.extensions["intervene_engine"].dispose()


def _console(page, message) -> None:
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        page.console_errors.append(message.text)


@pytest.fixture
def new_page(chromium, server):
    """Pages in fresh browser contexts (one officer each), with axe-core loaded before every document.

    axe comes in through the DevTools protocol (an init script), so the app's Content-Security-Policy
    stays on; `page.console_errors` collects what the browser complained about (a blocked script...).
    """
    contexts = []

    def make():
        context = chromium.new_context(base_url=server, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(PATIENCE_MS)
        context.add_init_script(path=str(AXE))
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda message: _console(page, message))
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        # Pages answer 400/404 on purpose (a refused form); a script, style or font must never fail.
        page.on("response", lambda r: r.request.resource_type != "document" and r.status >= 400
                and page.console_errors.append(f"{r.status} {r.url}"))
        return page

    yield make
    for context in contexts:
        context.close()
