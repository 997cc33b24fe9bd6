"""The function page's form in Chromium: what each kind of input sends, and where the token is kept."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from werkzeug import Response

from tests.helpers import TOKEN, sent

ROOMS = '{"items": [], "startIndex": 0, "maxResults": 100, "links": {"self": "x"}}'


def test_booleans_and_numbers_are_sent_only_when_set(page, shot, recorded_runtime, upstream):
    base_url = recorded_runtime
    upstream.expect_request("/v2/room", method="GET").respond_with_data(ROOMS, content_type="application/json")
    page.goto(f"{base_url}/functions/getAllRooms")
    page.fill("#arg-authToken", TOKEN)
    page.fill("#arg-maxResults", "5")
    page.click("#arg-includePrivate")  # unset -> true
    page.click("#arg-includeArchived")  # unset -> true
    page.click("#arg-includeArchived")  # true -> false
    expect(page.locator('[data-arg="includeArchived"] .tristate-label')).to_have_text("false")
    page.click("#test-button")
    expect(page.locator("#result-status")).to_have_text(re.compile(r"^HTTP 200"))
    page.locator('[data-arg="includeArchived"] .unset').click()
    expect(page.locator('[data-arg="includeArchived"] .tristate-label')).to_have_text("not sent")
    page.fill("#arg-maxResults", "")
    page.click("#test-button")
    expect(page.locator("#result-callback")).to_have_text("callback: success")
    page.wait_for_function("() => !document.getElementById('test-button').disabled")
    shot("unset-again")
    first, second = sent(upstream)
    assert first.args.to_dict() == {"max-results": "5", "include-private": "true", "include-archived": "false"}
    assert second.args.to_dict() == {"include-private": "true"}


def test_file_picker_uploads_the_chosen_file(page, shot, recorded_runtime, upstream, tmp_path):
    base_url = recorded_runtime
    upstream.expect_request("/v2/room/Ops Room/share/file", method="POST").respond_with_response(Response(status=204))
    chosen = tmp_path / "report.txt"
    chosen.write_bytes(b"nightly report: all green\n")
    page.goto(f"{base_url}/functions/shareFileWithRoom")
    page.fill("#arg-authToken", TOKEN)
    page.fill("#arg-roomIdOrName", "Ops Room")
    page.set_input_files("#arg-file", str(chosen))
    page.click("#test-button")
    expect(page.locator("#result-status")).to_have_text(re.compile(r"^HTTP 200"))
    shot("file-shared")
    [request] = sent(upstream)
    assert request.mimetype == "multipart/related"
    body = request.get_data()
    assert b"nightly report: all green" in body
    assert b'filename="report.txt"' in body
    expect(page.locator("#snippet")).to_have_attribute("data-source", "form")
    expect(page.locator("#snippet code")).to_contain_text("report.txt")  # the snippet uploads the local file of that name


def test_invalid_json_reaches_the_runtime_and_comes_back_as_an_error(page, shot, recorded_runtime, upstream):
    base_url = recorded_runtime
    page.goto(f"{base_url}/functions/sendRoomNotification")
    page.fill("#arg-authToken", TOKEN)
    page.fill("#arg-roomIdOrName", "Ops Room")
    page.fill("#arg-message", "hello")
    page.locator(".optional-args > summary").click()
    page.fill("#arg-cardAttributes", '{"label": ')
    expect(page.locator('[data-arg="cardAttributes"]')).to_have_class(re.compile(r"\bjson-invalid\b"))
    page.click("#test-button")
    expect(page.locator("#result-status")).to_have_text(re.compile(r"^HTTP 4\d\d"))
    expect(page.locator("#result")).to_have_class(re.compile(r"\bis-error\b"))
    expect(page.locator("#result-envelope")).to_contain_text("JSON_VALIDATION")
    shot("json-error")
    assert sent(upstream) == []


def test_token_is_kept_in_session_storage_only_when_asked(page, recorded_runtime):
    base_url = recorded_runtime
    key = "hipchat-package.secret.authToken"
    page.goto(f"{base_url}/functions/getRoom")
    page.fill("#arg-authToken", TOKEN)
    assert page.evaluate(f"sessionStorage.getItem('{key}')") is None
    page.check('[data-arg="authToken"] [data-remember]')
    assert page.evaluate(f"sessionStorage.getItem('{key}')") == TOKEN
    assert page.evaluate("localStorage.length") == 0
    page.goto(f"{base_url}/functions/deleteRoom")
    expect(page.locator("#arg-authToken")).to_have_value(TOKEN)
    page.uncheck('[data-arg="authToken"] [data-remember]')
    assert page.evaluate(f"sessionStorage.getItem('{key}')") is None


def test_test_with_required_arguments_empty_marks_them_and_sends_nothing(page, shot, recorded_runtime, upstream):
    calls: list[str] = []
    page.on("request", lambda request: calls.append(request.url) if request.method == "POST" and "/snippet/" not in request.url else None)
    page.goto(f"{recorded_runtime}/functions/sendRoomNotification")
    page.fill("#arg-authToken", TOKEN)
    page.click("#test-button")

    for name in ("roomIdOrName", "message"):
        expect(page.locator(f"#arg-{name}")).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f"#error-{name}")).to_be_visible()
        expect(page.locator(f"#error-{name}")).to_have_text(f"{name} is required.")
        expect(page.locator(f"#arg-{name}")).to_have_attribute("aria-describedby", f"error-{name}")
    expect(page.locator("#arg-authToken")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#form-error")).to_have_text("Fill in the required arguments: roomIdOrName, message.")
    expect(page.locator("#arg-roomIdOrName")).to_be_focused()
    expect(page.locator("#result")).to_be_hidden()
    shot("required-marked")

    page.fill("#arg-roomIdOrName", "Ops Room")
    expect(page.locator("#arg-roomIdOrName")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-roomIdOrName")).to_be_hidden()
    expect(page.locator("#arg-message")).to_have_attribute("aria-invalid", "true")
    assert calls == [], "nothing was sent while a required argument was empty"
    assert sent(upstream) == []

    upstream.expect_request("/v2/room/Ops Room/notification", method="POST").respond_with_response(Response(status=204))
    page.fill("#arg-message", "hello")
    expect(page.locator("#form-error")).to_be_hidden()
    page.click("#test-button")
    expect(page.locator("#result-callback")).to_have_text("callback: success")
    assert len(sent(upstream)) == 1
