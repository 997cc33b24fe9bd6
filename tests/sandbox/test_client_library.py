"""A HipChat client library written for the real API works against the sandbox unchanged: hypchat (PyPI), which
follows the links in every object, types objects by their https:// links, and reads the rate-limit headers."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import hypchat
import pytest
from hypchat.restobject import Room, RoomCollection, User

from tests.helpers import free_port
from tests.sandbox.conftest import ADMIN_TOKEN, Server, server_env

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test certificate (install-toolchains)")


def certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1"]
    command += ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(command, check=True, capture_output=True)
    return cert, key


@pytest.fixture(scope="module")
def hc(tmp_path_factory) -> Iterator[hypchat.HypChat]:
    """hypchat against the sandbox under gunicorn with TLS (hypchat types objects only by https:// links)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = certificate(folder)
    url = f"https://127.0.0.1:{free_port()}"
    server = Server(url, folder / "sandbox.db", server_env(folder, url), folder / "sandbox.log", workers=1, verify=str(cert))
    server.args = ["--certfile", str(cert), "--keyfile", str(key)]
    server.start()
    try:
        yield hypchat.HypChat(ADMIN_TOKEN, endpoint=url, verify=str(cert))
    finally:
        server.stop()


def test_hypchat_walks_the_room_list_through_next_links(hc):
    for n in range(3):
        hc.create_room(f"Walk {n}")
    collection = hc.rooms(max_results=2)
    assert isinstance(collection, RoomCollection)
    names = [room["name"] for room in collection.contents()]
    assert {"General", "Walk 0", "Walk 1", "Walk 2"} <= set(names)
    assert len(names) == len(set(names))


def test_hypchat_talks_in_a_room_and_reads_it_back(hc):
    room = hc.get_room("Random")
    assert isinstance(room, Room)
    room.message("hello from hypchat @bob")
    room.notification("build passed", color="green")
    room.topic("set by hypchat")
    items = room.latest(maxResults=3)["items"]
    assert [(item["type"], item["message"]) for item in items] == [
        ("message", "hello from hypchat @bob"),
        ("notification", "build passed"),
        ("topic", "set by hypchat"),
    ]
    assert items[0]["mentions"][0]["mention_name"] == "bob"
    assert room.statistics.self()["messages_sent"] >= 2


def test_hypchat_saves_a_room_from_what_it_read(hc):
    room = hc.get_room(hc.create_room("Saved")["id"])
    room["topic"] = "saved by hypchat"
    room.save()
    assert hc.get_room(room["id"])["topic"] == "saved by hypchat"


def test_hypchat_creates_and_saves_a_user(hc):
    created = hc.create_user("Hyp User", "hyp@sandbox.local")  # sends "" for mention_name and password
    assert created["password"]
    user = hc.get_user("hyp@sandbox.local")
    assert isinstance(user, User)
    assert user["mention_name"] == "HypUser"
    user["title"] = "Tester"
    user.save()  # PUTs the whole object it read, links and all
    assert hc.get_user(user["id"])["title"] == "Tester"


def test_hypchat_private_messages(hc):
    bob = hc.get_user("@bob")
    bob.message("private hello")
    assert bob.history(maxResults=5)["items"][-1]["message"] == "private hello"


def test_hypchat_webhooks_and_members(hc):
    general = hc.get_room("General")
    general.create_webhook("https://example.com/hook", "room_message", pattern="^/x")
    assert "https://example.com/hook" in [hook["url"] for hook in general.webhooks()["items"]]
    members = hc.get_room("Ops Room").members()
    assert [member["mention_name"] for member in members["items"]] == ["admin", "bob"]
