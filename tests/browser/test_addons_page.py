"""The Add-ons page in Chromium: install the Standup bot from its descriptor URL into a room, type /standup in the
room viewer as a demo user, see the bot's card; uninstall from the page."""

from __future__ import annotations

import re
import uuid

import requests
from playwright.sync_api import expect

from tests.browser.test_room_viewer import call, login_link


def test_install_from_the_add_ons_page_then_type_the_command_and_see_the_card(page, shot, live_stack, standup_bot):
    name = f"Daily {uuid.uuid4().hex[:6]}"
    room_id = call(live_stack, "createRoom", name=name)["id"]
    page.goto(login_link(live_stack))
    page.get_by_role("link", name="Add-ons").click()
    expect(page).to_have_url(f"{live_stack.sandbox_url}/_sandbox/addons")
    page.get_by_label("Descriptor URL").fill(f"{standup_bot}/capabilities.json")
    page.get_by_label("Install into").select_option(label=name)
    shot("install-form")
    page.get_by_role("button", name="Install", exact=True).click()

    card = page.locator(f'.addon-card[data-addon-key="standup-bot"]:has-text("Room {name}")')
    expect(card).to_have_count(1)
    expect(card.locator(".addon-extension-webhook")).to_contain_text("room_message ^/standup")
    expect(card.locator(".addon-glance")).to_have_text("0 notes")
    expect(page.locator("#install-error")).to_be_hidden()
    shot("installed")

    page.get_by_role("link", name=name).click()
    expect(page).to_have_url(f"{live_stack.sandbox_url}/_sandbox/rooms/{room_id}")
    page.get_by_label("Post as").select_option(label="Bob Builder (@bob)")
    page.get_by_label("Message").fill("/standup hi")
    page.get_by_label("Message").press("Enter")
    expect(page.locator(".message-message .message-text")).to_have_text("/standup hi")
    bot_card = page.locator(".message-notification .card")
    expect(bot_card.locator(".card-title")).to_have_text("Standup · Bob Builder", timeout=15_000)
    expect(bot_card.locator(".card-description")).to_have_text("hi")
    expect(bot_card.locator(".card-attribute .lozenge")).to_have_text("1")
    expect(page.get_by_label("Message")).to_have_value("")
    shot("card")

    page.get_by_role("link", name="Add-ons").click()
    card = page.locator(f'.addon-card[data-addon-key="standup-bot"]:has-text("Room {name}")')
    expect(card.locator(".addon-glance")).to_have_text("1 note")
    delivered = card.locator(".addon-deliveries tr.delivery-done")
    expect(delivered).to_have_count(1)
    expect(delivered.locator(".delivery-ended")).to_have_text("ok")  # why the last attempt ended, and how long it took
    expect(delivered.locator(".delivery-took")).to_have_text(re.compile(r"^\d+(\.\d)? ms$"))
    installation_id = card.get_attribute("data-addon-id")
    card.get_by_role("button", name="Uninstall").click()
    expect(card).to_have_count(0)
    shot("uninstalled")
    listed = requests.get(
        f"{live_stack.sandbox_url}/_sandbox/api/addons", headers={"Authorization": f"Bearer {live_stack.token}"}, timeout=10
    )
    assert installation_id not in [item["id"] for item in listed.json()["items"]]


def test_a_descriptor_url_that_answers_nothing_shows_the_error(page, live_stack):
    page.goto(login_link(live_stack))
    expect(page.locator(".room-card").first).to_be_visible()  # signed in
    page.goto(f"{live_stack.sandbox_url}/_sandbox/addons")
    page.get_by_label("Descriptor URL").fill(f"{live_stack.sandbox_url}/no-such-descriptor.json")
    page.get_by_role("button", name="Install", exact=True).click()
    expect(page.locator("#install-error")).to_contain_text(re.compile(r"descriptor could not be read .* HTTP 404"))
