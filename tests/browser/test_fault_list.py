"""The room viewer lists the active faults (POST /_sandbox/api/faults) in its sidebar, with their hits, in Chromium."""

from __future__ import annotations

import uuid

import requests
from playwright.sync_api import expect

from tests.browser.test_room_viewer import login_link


def test_the_viewer_shows_the_active_faults_and_drops_a_spent_one(page, shot, live_stack):
    admin = {"Authorization": f"Bearer {live_stack.token}"}
    path = f"/v2/emoticon/viewer-{uuid.uuid4().hex[:8]}"  # a path no other test calls
    fault = {"method": "GET", "path": path, "status": 503, "times": 1}
    created = requests.post(f"{live_stack.sandbox_url}/_sandbox/api/faults", json=fault, headers=admin, timeout=10)
    assert created.status_code == 201, created.text
    page.goto(login_link(live_stack))
    listed = page.locator(f'#fault-list .fault[data-fault-id="{created.json()["id"]}"]')
    expect(listed).to_have_text(f"GET {path} → HTTP 503 · 0 hits, 1 of 1 left")
    shot("fault-listed")

    assert requests.get(f"{live_stack.sandbox_url}{path}", headers=admin, timeout=10).status_code == 503
    expect(listed).to_have_count(0, timeout=10_000)  # spent: no longer active
