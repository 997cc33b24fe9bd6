"""The web page in Chromium against the live stack: search, open sendRoomNotification, send a card with Test, read the Python snippet."""

from __future__ import annotations

import json
import re
import uuid

import requests
from playwright.sync_api import expect

ATTRIBUTES = [{"label": "Build", "value": {"label": "passed", "style": "lozenge-success"}}]


def test_search_open_send_a_card_and_export_python(page, shot, live_stack):
    title = f"Build {uuid.uuid4().hex[:8]} deployed"
    page.goto(f"{live_stack.runtime_url}/")
    expect(page.locator(".card")).to_have_count(93)
    expect(page.locator("#search-count")).to_have_text("93 functions")
    shot("listing")

    page.locator("#search").press_sequentially("room notif")
    expect(page.locator(".card:visible")).to_have_count(1)
    expect(page.locator("#search-count")).to_have_text("1 of 93 functions")
    shot("search")

    page.locator('.card[data-function="sendRoomNotification"] a').click()
    expect(page).to_have_url(f"{live_stack.runtime_url}/functions/sendRoomNotification")
    expect(page.locator("h1")).to_have_text("sendRoomNotification")

    page.fill("#arg-authToken", live_stack.token)
    page.fill("#arg-roomIdOrName", "Ops Room")
    page.fill("#arg-message", f"{title} (card fallback)")
    page.locator(".optional-args > summary").click()
    page.select_option("#arg-color", "green")
    page.select_option("#arg-cardStyle", "application")
    page.fill("#arg-cardId", "build-128")
    page.fill("#arg-cardTitle", title)
    page.fill("#arg-cardDescriptionValue", "All 412 tests passed")
    page.select_option("#arg-cardDescriptionFormat", "text")
    page.fill("#arg-cardAttributes", "[{")
    expect(page.locator('[data-arg="cardAttributes"] .json-status')).to_contain_text("Not valid JSON")
    page.fill("#arg-cardAttributes", json.dumps(ATTRIBUTES))
    expect(page.locator('[data-arg="cardAttributes"] .json-status')).to_have_text("Valid JSON array (1 item)")
    page.locator("#arg-cardTitle").scroll_into_view_if_needed()
    shot("card-filled")

    page.click("#test-button")
    expect(page.locator("#result-status")).to_have_text(re.compile(r"^HTTP 200"))
    expect(page.locator("#result")).to_have_class(re.compile(r"\bis-success\b"))
    expect(page.locator("#result-time")).to_have_text(re.compile(r"^\d+ ms$"))
    envelope = json.loads(page.locator("#result-envelope").text_content())
    assert envelope == {"callback": "success", "contextWrites": {"to": "success"}}
    shot("success")

    history = requests.get(
        f"{live_stack.sandbox_url}/v2/room/Ops%20Room/history/latest",
        headers={"Authorization": f"Bearer {live_stack.token}"},
        timeout=5,
    ).json()
    card = history["items"][-1]["card"]
    assert (card["style"], card["title"], card["attributes"]) == ("application", title, ATTRIBUTES)

    page.click('[role="tab"][data-language="python"]')
    expect(page.locator('[role="tab"][data-language="python"]')).to_have_attribute("aria-selected", "true")
    expect(page.locator("#snippet")).to_have_attribute("data-language", "python")
    expect(page.locator("#snippet")).not_to_have_class(re.compile(r"\bloading\b"))
    expect(page.locator("#snippet")).to_have_attribute("data-source", "form")
    snippet = page.locator("#snippet code").text_content()
    assert "HIPCHAT_TOKEN" in snippet
    assert title in snippet
    assert f"{live_stack.runtime_url}/api/HipChat/sendRoomNotification" in snippet
    assert live_stack.token not in snippet
    page.locator("#export").scroll_into_view_if_needed()
    shot("python-snippet")

    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_stack.runtime_url)
    page.click("#copy-snippet")
    expect(page.locator("#copy-snippet")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == snippet
