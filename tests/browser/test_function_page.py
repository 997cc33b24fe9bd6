"""The function page in Chromium at a desktop and a phone width: nothing cut off at the right edge, every column of
the arguments table readable, code wrapped rather than hidden; and how the result shows HipChat's rate limits.
Screenshots of both widths land in test-artifacts/test_function_page/."""

from __future__ import annotations

import re
import time

import pytest
import requests
from playwright.sync_api import expect

from tests.helpers import TOKEN

PHONE, DESKTOP = 390, 1400
FUNCTION = "sendRoomNotification"  # the widest table: 25 arguments with options, bounds and seed corrections
ROOM_HISTORY = '{"items": [], "startIndex": 0, "maxResults": 10, "links": {"self": "x"}}'

OUTSIDE = """(width) => Array.from(document.querySelectorAll(SELECTOR))
  .filter((node) => node.getClientRects().length > 0)
  .map((node) => [node, node.getBoundingClientRect()])
  .filter(([, box]) => box.left < -0.5 || box.right > width + 0.5)
  .map(([node, box]) => `${node.tagName.toLowerCase()}.${node.className} ${box.left}..${box.right}`)"""


def outside(page, selector: str, width: int) -> list[str]:
    """The visible elements matching selector that reach past the left or right edge of a viewport this wide."""
    return page.evaluate(OUTSIDE.replace("SELECTOR", repr(selector)), width)


def open_function_page(page, base_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{base_url}/functions/{FUNCTION}")
    expect(page.locator("#snippet")).to_have_attribute("data-language", "curl")


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_nothing_reaches_past_the_right_edge(page, shot, recorded_runtime, width):
    open_function_page(page, recorded_runtime, width)
    page.locator(".optional-args > summary").click()

    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert outside(page, "main *:not(thead *)", width) == []  # on a phone the header row is for screen readers only
    shot(f"function-page-{width}px", full_page=True)


def test_on_a_phone_every_cell_of_the_arguments_table_shows_under_its_column_name(page, recorded_runtime):
    open_function_page(page, recorded_runtime, PHONE)
    headers = page.locator("table.args thead th").all_inner_texts()
    assert [h.lower() for h in headers] == ["name", "type", "required", "description", "allowed values and bounds"]

    rows = page.evaluate(
        """() => Array.from(document.querySelectorAll("table.args tbody tr")).map((row) =>
          Array.from(row.cells).map((cell) => {
            const box = cell.getBoundingClientRect();
            const label = getComputedStyle(cell, "::before").content.replace(/^"|"$/g, "");
            return { label, left: box.left, right: box.right, height: box.height, text: cell.innerText.trim() };
          }))"""
    )

    assert len(rows) == 25
    for cells in rows:
        assert [cell["label"].lower() for cell in cells] == [h.lower() for h in headers]
        for cell in cells:
            assert cell["height"] > 0 and cell["text"], cell
            assert cell["left"] >= 0 and cell["right"] <= PHONE, cell


def test_on_a_phone_the_code_wraps_instead_of_running_off(page, recorded_runtime):
    open_function_page(page, recorded_runtime, PHONE)
    args = {"roomIdOrName": "Ops Room", "message": "a long message " * 12}
    for name, value in args.items():
        page.fill(f"#arg-{name}", value)
    expect(page.locator("#snippet")).to_have_attribute("data-source", "form")
    expect(page.locator("#snippet code")).to_contain_text("a long message a long message")

    snippet = page.evaluate(
        """() => { const pre = document.getElementById("snippet"); const box = pre.getBoundingClientRect();
          return { scroll: pre.scrollWidth, client: pre.clientWidth, left: box.left, right: box.right,
                   wrap: getComputedStyle(pre.querySelector("code")).whiteSpace,
                   longest: Math.max(...pre.textContent.split("\\n").map((line) => line.length)) }; }"""
    )

    assert snippet["longest"] > 120  # a line far wider than a phone...
    assert snippet["scroll"] <= snippet["client"]  # ...wraps: no part of it is hidden sideways
    assert snippet["wrap"] == "pre-wrap"
    assert snippet["left"] >= 0 and snippet["right"] <= PHONE
    assert outside(page, ".call-form input, .call-form textarea, .call-form select, .tabs [role=tab], #copy-snippet", PHONE) == []
    exported = requests.post(f"{recorded_runtime}/api/HipChat/{FUNCTION}/snippet/curl", json={"args": args}, timeout=10)
    assert page.locator("#snippet code").text_content() == exported.text  # wrapped on screen, unchanged for Copy
    assert "--data-binary @-" in exported.text and "<<JSON" in exported.text  # the curl 7.68 form: args on stdin


def test_the_rate_limit_reset_shows_as_a_local_time_and_a_countdown(page, shot, recorded_runtime, upstream):
    reset = int(time.time()) + 120
    headers = {"X-Ratelimit-Limit": "500", "X-Ratelimit-Remaining": "499", "X-Ratelimit-Reset": str(reset)}
    upstream.expect_request("/v2/room/Ops Room/history", method="GET").respond_with_data(
        ROOM_HISTORY, content_type="application/json", headers=headers
    )
    page.goto(f"{recorded_runtime}/functions/getRoomHistory")
    page.fill("#arg-authToken", TOKEN)
    page.fill("#arg-roomIdOrName", "Ops Room")
    page.click("#test-button")
    expect(page.locator("#result-callback")).to_have_text("callback: success")

    term = page.locator("#result-ratelimit dt", has_text=re.compile("^x-ratelimit-reset$", re.I))
    detail = term.locator("xpath=following-sibling::dd[1]")
    local_time = page.evaluate("(reset) => new Date(reset * 1000).toLocaleTimeString()", reset)
    text = detail.inner_text()
    shot("rate-limit-reset")

    match = re.fullmatch(re.escape(local_time) + r" \(in (\d+) s\)", text)
    assert match, text
    assert 110 <= int(match.group(1)) <= 120
    assert detail.locator("time").get_attribute("title") == f"Unix time {reset}"
    assert str(reset) not in text
    expect(page.locator("#result-ratelimit")).to_contain_text("499")


@pytest.mark.parametrize("function", [FUNCTION, "getAllRooms"])
def test_a_fresh_function_page_logs_no_error_and_gets_no_error_answer(page, recorded_runtime, function):
    """On load the snippet of an empty form is not asked for (a 400 for the missing arguments): the example is."""
    console: list[str] = []
    failed: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.on("response", lambda response: failed.append(f"{response.status} {response.url}") if response.status >= 400 else None)
    page.goto(f"{recorded_runtime}/functions/{function}")
    expect(page.locator("#snippet")).to_have_attribute("data-language", "curl")
    expect(page.locator("#snippet code")).to_contain_text(function)
    page.wait_for_load_state("networkidle")
    assert (console, failed) == ([], [])
    source = "example" if function == FUNCTION else "form"  # getAllRooms needs only the token, which a snippet reads from the environment
    expect(page.locator("#snippet")).to_have_attribute("data-source", source)
    if source == "example":
        expect(page.locator("#snippet-note")).to_have_text("Required: roomIdOrName, message. Until then, this is the example call.")
