"""Browser fixtures: Playwright driving Debian's Chromium, loopback traffic only, a screenshot per step."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.helpers import ROOT, free_port, runtime_under_gunicorn

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
LOOPBACK = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?/")


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (requirements-dev.txt)")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run scripts/install-toolchains.sh (apt-get install chromium)")
    manager = sync_api.sync_playwright().start()
    try:
        # launch() gives every run a fresh temporary user-data dir; never `playwright install`.
        chromium = manager.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True, timeout=30_000)
    except Exception as exc:
        manager.stop()
        pytest.skip(f"Chromium could not be launched: {str(exc).splitlines()[0]}")
    try:
        yield chromium
    finally:
        chromium.close()
        manager.stop()


@pytest.fixture
def page(browser, request) -> Iterator:
    """A fresh browser context: requests off loopback are aborted; uncaught page errors fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    blocked: list[str] = []

    def only_loopback(route) -> None:
        if LOOPBACK.match(route.request.url) or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    yield from _tab(context)


@pytest.fixture
def cors_page(browser) -> Iterator:
    """A fresh browser context without request routing, where CORS is the browser's own: while requests are routed,
    Playwright answers CORS preflights itself. A request off loopback fails the test (it cannot be aborted here)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    off_loopback: list[str] = []
    context.on("request", lambda sent: None if LOOPBACK.match(sent.url) else off_loopback.append(sent.url))
    yield from _tab(context)
    assert off_loopback == [], f"requests off loopback: {off_loopback}"


def _tab(context) -> Iterator:
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield tab
    finally:
        context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


@pytest.fixture
def shot(page, request) -> Callable[[str], Path]:
    """shot(step) saves a screenshot as test-artifacts/<module>/<test>/<NN>-<step>.png."""
    folder = ARTIFACTS / Path(request.node.path).stem / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    taken: list[Path] = []

    def _shot(step: str, full_page: bool = False) -> Path:
        path = folder / f"{len(taken) + 1:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=full_page)
        taken.append(path)
        return path

    return _shot


@pytest.fixture(scope="session")
def other_origin() -> Iterator[str]:
    """A blank page on a second local server: a page of an origin other than the runtime's (another port)."""
    server = HTTPServer(host="127.0.0.1", port=free_port())
    server.expect_request("/").respond_with_data("<!doctype html><title>Another origin</title>", content_type="text/html")
    server.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.clear()
        if server.is_running():
            server.stop()


@pytest.fixture(scope="session")
def cors_runtime(make_httpserver, other_origin, tmp_path_factory) -> Iterator[str]:
    """The runtime under gunicorn with RUNTIME_CORS_ORIGINS naming other_origin, on the session's recording upstream."""
    env = {"HIPCHAT_API_URL": make_httpserver.url_for("/v2"), "RUNTIME_CORS_ORIGINS": other_origin}
    with runtime_under_gunicorn(env, tmp_path_factory.mktemp("cors-runtime") / "runtime.log") as url:
        yield url
