"""The javascript snippet in a browser (Debian's Chromium through Playwright): a read, an upload of a picked file, a failure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP

import pytest
import requests

from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS, LOOPBACK
from tests.helpers import TOKEN, free_port, sent, start_gunicorn, wait_http

ROOM = {"id": 7, "name": "Ops Room"}


@pytest.fixture(scope="module")
def runtime_url(make_httpserver, tmp_path_factory) -> Iterator[str]:
    port = free_port()
    log_path = tmp_path_factory.mktemp("snippet-browser-runtime") / "runtime.log"
    process = start_gunicorn("runtime.app:create_app()", port, {"HIPCHAT_API_URL": make_httpserver.url_for("/v2")}, log_path=log_path)
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (requirements-dev.txt)")
    if not CHROMIUM.exists():
        pytest.skip(f"javascript snippet in a browser skipped: {CHROMIUM} is missing (scripts/install-toolchains.sh installs it)")
    manager = sync_api.sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True, timeout=30_000)
    except Exception as exc:
        manager.stop()
        pytest.skip(f"Chromium could not be launched: {str(exc).splitlines()[0]}")
    try:
        yield browser
    finally:
        browser.close()
        manager.stop()


@pytest.fixture
def tab(chromium, runtime_url) -> Iterator:
    """A page of the runtime's origin (so fetch needs no CORS), with the token as a global and loopback-only traffic."""
    context = chromium.new_context()
    context.set_default_timeout(10_000)
    context.route("**/*", lambda route: route.continue_() if LOOPBACK.match(route.request.url) else route.abort())
    page = context.new_page()
    page.goto(f"{runtime_url}/healthz")
    page.evaluate("token => { globalThis.HIPCHAT_TOKEN = token; }", TOKEN)
    try:
        yield page
    finally:
        context.close()


def run_in_page(page, runtime_url: str, function: str, args: dict, last: str = "log") -> list[tuple[str, str]]:
    """Export the javascript snippet, run it as a page script until it writes its `last` console line (the envelope is
    a log line; a failure adds an error line after it), and return the console lines (type, text)."""
    code = requests.post(f"{runtime_url}/api/HipChat/{function}/snippet/javascript", json={"args": args}, timeout=10).text
    lines: list[tuple[str, str]] = []
    page.on("console", lambda message: lines.append((message.type, message.text)))
    with page.expect_console_message(lambda message: message.type == last and "Failed to load resource" not in message.text):
        page.add_script_tag(content=code)
    return lines


def test_a_read_in_the_browser_logs_the_envelope(tab, runtime_url, upstream):
    upstream.expect_request("/v2/room/Ops Room", method="GET").respond_with_json(ROOM)

    lines = run_in_page(tab, runtime_url, "getRoom", {"roomIdOrName": "Ops Room"})

    assert [json.loads(text) for kind, text in lines if kind == "log"] == [{"callback": "success", "contextWrites": {"to": ROOM}}]
    [request] = sent(upstream)
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_an_upload_in_the_browser_sends_the_picked_file(tab, runtime_url, upstream, tmp_path):
    upstream.expect_request("/v2/room/Ops Room/share/file", method="POST").respond_with_data("", status=204)
    picked = tmp_path / "notes.txt"
    picked.write_bytes(b"Build 128: all green\n")
    tab.evaluate("() => document.body.append(Object.assign(document.createElement('input'), { type: 'file' }))")
    tab.set_input_files('input[type="file"]', str(picked))

    lines = run_in_page(tab, runtime_url, "shareFileWithRoom", {"roomIdOrName": "Ops Room", "file": "@notes.txt"})

    assert [json.loads(text)["callback"] for kind, text in lines if kind == "log"] == ["success"]
    [request] = sent(upstream)
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    parts = list(BytesParser(policy=HTTP).parsebytes(head + request.get_data()).iter_parts())
    assert parts[-1].get_payload(decode=True) == picked.read_bytes()


def test_a_failed_call_in_the_browser_reports_an_error(tab, runtime_url, upstream):
    upstream.expect_request("/v2/room/Nowhere", method="GET").respond_with_json({"error": {"code": 404, "message": "No room"}}, status=404)

    lines = run_in_page(tab, runtime_url, "getRoom", {"roomIdOrName": "Nowhere"}, last="error")

    assert [json.loads(text)["callback"] for kind, text in lines if kind == "log"] == ["error"]
    assert lines[-1] == ("error", "The call failed (HTTP 404).")
