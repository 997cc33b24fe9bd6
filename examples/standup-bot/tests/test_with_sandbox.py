"""The Standup bot tested as its builder would, with the project's pytest plugin: the real sandbox and runtime, the
bot under gunicorn, installed from its descriptor; HipChat's bad moments made with faults. Run where the package is
pip-installed (tests/test_package_install.py runs them so) or from the package's checkout (make test)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from sandbox.testing.client import HipChatRuntime, HipChatSandbox

ROOM = "Standups"
BOT = Path(__file__).resolve().parent.parent  # examples/standup-bot


@pytest.fixture(scope="module")
def bot_url(hipchat_runtime_session: HipChatRuntime, tmp_path_factory) -> Iterator[str]:
    """The bot under gunicorn on a free port, its runtime the plugin's, its database its own."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    work = tmp_path_factory.mktemp("standup-bot")
    env = {"PORT": str(port), "RUNTIME_URL": hipchat_runtime_session.url, "BOT_DB": str(work / "bot.db"), "PATH": ""}
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "8"]
    with open(work / "bot.log", "ab") as log:
        process = subprocess.Popen([*command, "--chdir", str(BOT), "standup.app:create_app()"], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not _answers(f"{url}/healthz"):
            assert process.poll() is None and time.monotonic() < deadline, (work / "bot.log").read_text()
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def installed(hipchat_sandbox_session: HipChatSandbox, bot_url: str) -> dict:
    return hipchat_sandbox_session.install(f"{bot_url}/capabilities.json", room=ROOM)


def is_card(text: str):
    def card_with(message: dict) -> bool:
        return bool(message.get("card")) and text in message["message"]

    card_with.__name__ = f"a card with {text!r}"
    return card_with


def test_the_bot_installs_from_its_descriptor(hipchat_sandbox_session, installed, bot_url):
    assert installed["descriptor_url"] == f"{bot_url}/capabilities.json"
    assert installed["room_id"] == hipchat_sandbox_session.room(ROOM)["id"]
    assert {ext["type"] for ext in installed["extensions"]} >= {"webhook", "glance"}


def test_standup_posts_a_card(hipchat_sandbox_session, installed):
    hipchat_sandbox_session.post_as("@bob", ROOM, "/standup shipped the plugin")
    card = hipchat_sandbox_session.wait_for(ROOM, is_card("shipped the plugin"), timeout=15)
    assert card["type"] == "notification" and card["card"]["style"] == "application"


def test_the_glance_counts_the_notes(hipchat_sandbox_session, installed):
    box = hipchat_sandbox_session
    box.post_as("@bob", ROOM, "/standup one")
    box.wait_for(ROOM, is_card("one"), timeout=15)
    box.post_as("@carol", ROOM, "/standup two")
    box.wait_for(ROOM, is_card("two"), timeout=15)
    labels = [glance["content"]["label"]["value"] for update in box.glances(ROOM) for glance in update["glance"]]
    assert labels[0] == "<b>2</b> notes"


def test_an_unsigned_event_is_refused(hipchat_sandbox_session, installed, bot_url):
    room = hipchat_sandbox_session.room(ROOM)
    event = {"event": "room_message", "item": {"message": {"id": "m1", "message": "/standup forged"}, "room": {"id": room["id"]}}}
    answer = requests.post(f"{bot_url}/webhooks/standup", data=json.dumps(event), headers={"Content-Type": "application/json"}, timeout=10)
    assert answer.status_code == 401
    assert not [m for m in hipchat_sandbox_session.messages(ROOM) if "forged" in m["message"]]


def test_the_card_gets_through_a_503_and_then_a_429(hipchat_sandbox_session, installed):
    box = hipchat_sandbox_session
    unavailable = box.fault(method="POST", path="/v2/room/*/notification", status=503, times=1)
    limited = box.fault(method="POST", path="/v2/room/*/notification", status=429, reset_s=1, times=1)
    box.post_as("@bob", ROOM, "/standup survived the bad moments")
    box.wait_for(ROOM, is_card("survived the bad moments"), timeout=20)
    assert [(f["id"], f["hits"]) for f in box.faults()] == [(unavailable["id"], 1), (limited["id"], 1)]
    sent = [(e["status"], e["fault"]) for e in box.journal() if e["method"] == "POST" and e["path"].endswith("/notification")]
    assert sent == [(503, unavailable["id"]), (429, limited["id"]), (204, None)]
    # The bot's own retries did it, within the delivery that asked (HipChat's redelivery would be a second attempt).
    (delivery,) = [d for d in box.deliveries() if "survived" in json.dumps(d["payload"])]
    assert [attempt["status"] for attempt in delivery["attempts"]] == [204]
