"""Every snippet language against the live stack (the sandbox behind the runtime, both under gunicorn): the effect of
a read, a write and an upload is visible in the sandbox."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest
import requests

from runtime.snippets.render import LANGUAGES
from tests.snippets.toolchains import run_snippet, snippet_env

pytestmark = pytest.mark.parametrize("language", list(LANGUAGES))


@pytest.fixture(scope="module")
def stack(live_stack):
    return live_stack


def call(stack, function: str, **args) -> dict:
    response = requests.post(f"{stack.runtime_url}/api/HipChat/{function}", json={"args": {"authToken": stack.token, **args}}, timeout=10)
    envelope = response.json()
    assert envelope["callback"] == "success", envelope
    return envelope["contextWrites"]["to"]


@pytest.fixture(scope="module")
def room(stack) -> str:
    name = f"Snippets {uuid.uuid4().hex[:8]}"
    call(stack, "createRoom", name=name, topic="Exported snippets")
    return name


def run(stack, function: str, language: str, args: dict, workdir: Path):
    response = requests.post(f"{stack.runtime_url}/api/HipChat/{function}/snippet/{language}", json={"args": args}, timeout=10)
    assert response.status_code == 200, response.text
    filename = re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"]).group(1)
    result = run_snippet(language, response.text, filename, workdir / "snippet", snippet_env(HIPCHAT_TOKEN=stack.token))
    assert result.returncode == 0, result.stderr.decode() + result.stdout.decode()
    return json.loads(result.stdout)


def history_item(stack, room: str, message: str) -> dict:
    items = call(stack, "getRoomHistory", roomIdOrName=room, maxResults=1000)["items"]
    [item] = [item for item in items if item["message"] == message]
    return item


def test_a_read_returns_the_sandbox_room(language, stack, room, tmp_path):
    envelope = run(stack, "getRoom", language, {"roomIdOrName": room}, tmp_path)

    assert envelope["callback"] == "success"
    assert (envelope["contextWrites"]["to"]["name"], envelope["contextWrites"]["to"]["topic"]) == (room, "Exported snippets")


def test_a_write_appears_in_the_room_history(language, stack, room, tmp_path):
    message = f'{language} says: deploy {uuid.uuid4().hex[:6]} done, $HOME stays "literal" é ✓'

    envelope = run(stack, "sendRoomNotification", language, {"roomIdOrName": room, "message": message, "color": "green"}, tmp_path)

    assert envelope == {"callback": "success", "contextWrites": {"to": "success"}}
    item = history_item(stack, room, message)
    assert (item["type"], item["color"]) == ("notification", "green")


def test_an_upload_is_shared_in_the_room(language, stack, room, tmp_path):
    data = f"release notes from {language}\n".encode() + bytes(range(256))
    local = tmp_path / "snippet" / f"notes-{language}.bin"
    local.parent.mkdir(parents=True)
    local.write_bytes(data)
    message = f"{language} shares notes {uuid.uuid4().hex[:6]}"

    envelope = run(stack, "shareFileWithRoom", language, {"roomIdOrName": room, "file": f"@{local}", "message": message}, tmp_path)

    assert envelope["callback"] == "success"
    shared = history_item(stack, room, message)["file"]
    assert (shared["name"], shared["size"]) == (local.name, len(data))
    assert requests.get(shared["url"], timeout=10).content == data
