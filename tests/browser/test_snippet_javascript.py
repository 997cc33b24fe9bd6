"""The exported javascript snippet run in Chromium (the browser fixtures of this folder): a read, an upload of a
picked file, a failed call, each from a page of another origin than the runtime's, which RUNTIME_CORS_ORIGINS lets
in; without that setting the browser blocks the call. The same snippet runs under Node in tests/snippets."""

from __future__ import annotations

import json
from email.parser import BytesParser
from email.policy import HTTP

import pytest
import requests

from tests.helpers import TOKEN, sent

ROOM = {"id": 7, "name": "Ops Room"}


@pytest.fixture
def tab(cors_page, other_origin):
    """A page of another origin than the runtime's, with the token as a global variable."""
    cors_page.goto(f"{other_origin}/")
    cors_page.evaluate("token => { globalThis.HIPCHAT_TOKEN = token; }", TOKEN)
    return cors_page


@pytest.fixture
def runtime_url(cors_runtime) -> str:
    return cors_runtime


def run_in_page(page, runtime_url: str, function: str, args: dict, last=lambda message: message.type == "log") -> list[tuple[str, str]]:
    """Export the javascript snippet, run it as a page script until it writes the console line `last` matches (the
    envelope is a log line; a failure adds an error line after it), and return the console lines (type, text)."""
    code = requests.post(f"{runtime_url}/api/HipChat/{function}/snippet/javascript", json={"args": args}, timeout=10).text
    lines: list[tuple[str, str]] = []
    page.on("console", lambda message: lines.append((message.type, message.text)))
    with page.expect_console_message(lambda message: last(message) and "Failed to load resource" not in message.text):
        page.add_script_tag(content=code)
    return lines


def snippet_error(message) -> bool:
    """The snippet's own closing error line (Chromium's CORS and network messages are errors too)."""
    return message.type == "error" and not message.text.startswith("Access to fetch")


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

    lines = run_in_page(tab, runtime_url, "getRoom", {"roomIdOrName": "Nowhere"}, last=snippet_error)

    assert [json.loads(text)["callback"] for kind, text in lines if kind == "log"] == ["error"]
    assert lines[-1] == ("error", "The call failed (HTTP 404).")


def test_without_cors_origins_the_browser_blocks_the_call(tab, recorded_runtime, upstream):
    upstream.expect_request("/v2/room/Ops Room", method="GET").respond_with_json(ROOM)

    lines = run_in_page(tab, recorded_runtime, "getRoom", {"roomIdOrName": "Ops Room"}, last=snippet_error)

    assert [kind for kind, _ in lines if kind == "log"] == []
    assert any("blocked by CORS policy" in text for _, text in lines), lines
    assert lines[-1] == ("error", "Failed to fetch")
    assert sent(upstream) == []  # the preflight failed, so the POST never left the browser


def test_the_same_snippet_runs_on_the_runtimes_own_page_without_cors(page, recorded_runtime, upstream):
    upstream.expect_request("/v2/room/Ops Room", method="GET").respond_with_json(ROOM)
    page.goto(f"{recorded_runtime}/healthz")
    page.evaluate("token => { globalThis.HIPCHAT_TOKEN = token; }", TOKEN)

    lines = run_in_page(page, recorded_runtime, "getRoom", {"roomIdOrName": "Ops Room"})

    assert [json.loads(text) for kind, text in lines if kind == "log"] == [{"callback": "success", "contextWrites": {"to": ROOM}}]
