"""The sandbox's room viewer in Chromium: a card sent through the runtime shows as HipChat drew it; new messages arrive live."""

from __future__ import annotations

import re
import uuid

import requests
from playwright.sync_api import expect

HOSTILE = '<img src="x" onerror="window.__xss = 1"><script>window.__xss = 2</script>'


def call(stack, function: str, **args) -> dict:
    response = requests.post(f"{stack.runtime_url}/api/HipChat/{function}", json={"args": {"authToken": stack.token, **args}}, timeout=10)
    envelope = response.json()
    assert envelope["callback"] == "success", envelope
    return envelope["contextWrites"]["to"]


def login_link(stack) -> str:
    response = requests.post(f"{stack.sandbox_url}/_sandbox/api/logins", headers={"Authorization": f"Bearer {stack.token}"}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["url"]


def test_card_renders_and_new_messages_arrive_without_reload(page, shot, live_stack):
    name = f"Viewer {uuid.uuid4().hex[:6]}"
    room_id = call(live_stack, "createRoom", name=name, topic="Release train")["id"]
    call(
        live_stack,
        "sendRoomNotification",
        roomIdOrName=name,
        message="Build 7 deployed (fallback text)",
        color="purple",
        cardStyle="application",
        cardId="build-7",
        cardTitle="Build 7 deployed",
        cardUrl="https://ci.example.com/builds/7",
        cardDescriptionValue=f"All <b>412</b> tests passed{HOSTILE}",
        cardDescriptionFormat="html",
        cardAttributes=[
            {"label": "Tests", "value": {"label": "passed", "style": "lozenge-success"}},
            {"label": "Lint", "value": {"label": "2 warnings", "style": "lozenge-error"}},
            {"label": "Stage", "value": {"label": "canary", "style": "lozenge-current"}},
        ],
    )

    page.goto(login_link(live_stack))
    room_card = page.locator(f'.room-card[data-room-id="{room_id}"]')
    expect(room_card).to_contain_text(name)
    expect(room_card).to_contain_text("Release train")
    shot("rooms")

    room_card.locator("a").click()
    expect(page).to_have_url(f"{live_stack.sandbox_url}/_sandbox/rooms/{room_id}")
    card = page.locator(".message .card")
    expect(card).to_have_count(1)
    expect(card.locator(".card-title")).to_have_text("Build 7 deployed")
    expect(card.locator(".card-title")).to_have_attribute("href", "https://ci.example.com/builds/7")
    expect(card.locator(".card-description")).to_have_text("All 412 tests passed")
    expect(card.locator(".card-description b")).to_have_text("412")
    lozenges = card.locator(".card-attribute .lozenge")
    expect(lozenges).to_have_text(["passed", "2 warnings", "canary"])
    expect(lozenges.nth(0)).to_have_class(re.compile(r"\blozenge-success\b"))
    expect(lozenges.nth(1)).to_have_class(re.compile(r"\blozenge-error\b"))
    expect(lozenges.nth(2)).to_have_class(re.compile(r"\blozenge-current\b"))
    expect(page.locator(".message-notification")).to_have_attribute("data-color", "purple")
    assert page.locator(".card-description script").count() == 0
    assert page.evaluate("window.__xss") is None
    shot("card")

    page.evaluate("window.__sameDocument = true")
    call(live_stack, "sendMessageToRoom", roomIdOrName=name, message="Rolling back build 7, see https://ci.example.com/builds/7")
    call(live_stack, "setRoomTopic", roomIdOrName=name, topic="Rollback in progress")
    expect(page.locator(".message-message .message-text")).to_contain_text("Rolling back build 7", timeout=8000)
    expect(page.locator(".message-message .message-text a")).to_have_attribute("href", "https://ci.example.com/builds/7")
    expect(page.locator(".message-topic")).to_contain_text("Rollback in progress", timeout=8000)
    expect(page.locator("#room-topic")).to_have_text("Rollback in progress")
    assert page.evaluate("window.__sameDocument") is True  # no reload happened
    expect(page.locator("#live")).to_have_class(re.compile(r"\blive-ok\b"))
    shot("live-update")


def test_a_stranger_sees_the_sign_in_form_and_no_rooms(page, shot, live_stack):
    page.goto(f"{live_stack.sandbox_url}/_sandbox/")
    expect(page.locator("#sign-in")).to_be_visible()
    expect(page.locator("#room-list")).to_be_hidden()
    assert page.locator(".room-card").count() == 0
    shot("signed-out")
    page.fill("#sign-in-code", "not the token")
    page.click("#sign-in button")
    expect(page.locator("#sign-in-error")).to_be_visible()
    page.fill("#sign-in-code", login_link(live_stack))  # the whole link, pasted
    page.click("#sign-in button")
    expect(page.locator(".room-card").first).to_be_visible()
    expect(page.locator("#sign-in")).to_be_hidden()


def test_the_login_link_leaves_the_address_bar_and_the_session_stays(page, live_stack):
    page.goto(login_link(live_stack))
    expect(page.locator(".room-card").first).to_be_visible()
    assert "login=" not in page.url
    page.goto(f"{live_stack.sandbox_url}/_sandbox/rooms/General")
    expect(page.locator("#room-name")).to_have_text("General")
    expect(page.locator(".message").first).to_be_visible()


def test_coloured_html_shows_its_colours_under_the_strict_policy(page, shot, live_stack):
    """The viewer allows no inline style (CSP style-src 'self'): a message's colours come through as classes."""
    name = f"Colours {uuid.uuid4().hex[:6]}"
    call(live_stack, "createRoom", name=name)
    html = (
        '<span style="color: red">red alert</span> and <span style="color: #0000ff; font-weight: bold">bold blue</span>'
        ' on <span style="background-color: yellow">yellow</span>'
    )
    call(live_stack, "sendRoomNotification", roomIdOrName=name, message=html, messageFormat="html", color="gray")
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    page.goto(login_link(live_stack))
    expect(page.locator(".room-card").first).to_be_visible()  # signed in
    page.goto(f"{live_stack.sandbox_url}/_sandbox/rooms/{name}")
    red = page.locator(".message-html span", has_text="red alert")
    expect(red).to_have_css("color", "rgb(255, 0, 0)")
    blue = page.locator(".message-html span", has_text="bold blue")
    expect(blue).to_have_css("color", "rgb(0, 0, 255)")
    expect(blue).to_have_css("font-weight", "700")
    expect(page.locator(".message-html span", has_text="yellow")).to_have_css("background-color", "rgb(255, 255, 0)")
    assert page.locator(".message-html [style]").count() == 0
    assert violations == []
    shot("colours")


PHONE = 390


def test_on_a_phone_a_bar_at_the_top_leads_to_every_room_and_to_add_ons(page, shot, live_stack):
    """Under 700 px the sidebar is hidden; the bar that replaces it (a room select, Add-ons) works under the strict
    policy (no inline script or style), and no page is wider than the screen."""
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.goto(login_link(live_stack))
    expect(page.locator(".room-card").first).to_be_visible()
    expect(page.locator(".sidebar")).to_be_hidden()
    expect(page.locator("#room-select")).to_be_visible()
    expect(page.locator("#room-select")).to_have_value("")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    shot("phone-rooms")

    rooms = [name for name in page.locator("#room-select option").all_inner_texts()[1:]]
    assert {"General", "Ops Room", "Random"} <= set(rooms), rooms
    page.select_option("#room-select", label="Ops Room")
    expect(page).to_have_url(re.compile(r"/_sandbox/rooms/\d+$"))
    expect(page.locator("#room-name")).to_have_text("Ops Room")
    expect(page.locator("#room-select option:checked")).to_have_text("Ops Room")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    shot("phone-room")

    page.select_option("#room-select", label="General")
    expect(page.locator("#room-name")).to_have_text("General")
    expect(page.locator("#compose-message")).to_be_visible()

    page.click("#phone-addons")
    expect(page).to_have_url(re.compile(r"/_sandbox/addons$"))
    expect(page.locator(".content-header h1")).to_have_text("Add-ons")
    expect(page.locator("#install-url")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    shot("phone-addons")

    page.select_option("#room-select", label="All rooms")
    expect(page.locator(".room-card").first).to_be_visible()
    assert violations == []
