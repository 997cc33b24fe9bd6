"""Every snippet language run for real: a read, a write, an upload, nasty values, an error and a dead runtime,
against the runtime under gunicorn and a recording upstream."""

from __future__ import annotations

import json
import re
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from urllib.parse import unquote

import pytest
import requests

from runtime.app import create_app
from runtime.catalog.loading import load_catalog
from runtime.config import Settings
from runtime.openapi.document import request_example
from runtime.snippets.render import LANGUAGES
from tests.helpers import TOKEN, body_json, free_port, raw_path, sent
from tests.snippets.toolchains import run_snippet, snippet_env

TYPED_TOKEN = "typed-in-token-the-snippet-must-not-use"
SECRET_TYPED = "typed-in-secret-the-snippet-must-not-use"
NASTY = (
    'it\'s "quoted" \\ back\\slash $(touch /tmp/pwned) `id` ${HOME} #{x} %s %n {0} {} </script> \n\r\t line '
    "é 日本 😀 \u2028 '''\"\"\" ?> */ \x01 {{HIPCHAT_TOKEN}} \\{{x:json}} {{{ end"
)
ROOM_ERROR = {"error": {"code": 404, "message": "Room not found", "type": "Not Found"}}
CATALOG = load_catalog(Settings().catalog_file)
pytestmark = pytest.mark.parametrize("language", list(LANGUAGES))


@pytest.fixture
def runtime_url(recorded_runtime) -> str:
    return recorded_runtime


def export(runtime_url: str, function: str, language: str, args: dict) -> tuple[str, str]:
    """The snippet as the runtime exports it: (source, file name)."""
    response = requests.post(f"{runtime_url}/api/HipChat/{function}/snippet/{language}", json={"args": args}, timeout=10)
    assert response.status_code == 200, response.text
    filename = re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"]).group(1)
    return response.text, filename


def run(runtime_url: str, function: str, language: str, args: dict, workdir: Path):
    code, filename = export(runtime_url, function, language, args)
    return run_snippet(language, code, filename, workdir / "snippet", snippet_env(HIPCHAT_TOKEN=TOKEN))


def envelope_of(result) -> dict:
    return json.loads(result.stdout.decode("utf-8"))


def related_parts(request) -> dict[str, object]:
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.get_data())
    assert message.get_content_type() == "multipart/related"
    return {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}


def test_a_read_prints_the_success_envelope_and_exits_zero(language, runtime_url, upstream, tmp_path):
    room = {"id": 7, "name": "Ops Room", "topic": "Deploys"}
    upstream.expect_request("/v2/room/Ops Room", method="GET").respond_with_json(room)

    result = run(runtime_url, "getRoom", language, {"authToken": TYPED_TOKEN, "roomIdOrName": "Ops Room"}, tmp_path)

    assert result.returncode == 0, result.stderr.decode()
    assert envelope_of(result) == {"callback": "success", "contextWrites": {"to": room}}
    [request] = sent(upstream)
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"  # from HIPCHAT_TOKEN, never the typed token


def test_a_write_sends_typed_and_nested_args(language, runtime_url, upstream, tmp_path):
    upstream.expect_request("/v2/room/Ops Room/notification", method="POST").respond_with_data("", status=204)
    attributes = [{"label": "build", "value": {"label": "128", "style": "lozenge-success"}}]
    args = {
        "authToken": TYPED_TOKEN,
        "roomIdOrName": "Ops Room",
        "message": "Deploy finished",
        "notify": True,
        "color": "green",
        "cardId": "build-128",
        "cardStyle": "application",
        "cardTitle": "Build 128",
        "cardThumbnailUrl": "https://ci.example.com/t.png",
        "cardThumbnailWidth": 64,
        "cardAttributes": attributes,
    }

    result = run(runtime_url, "sendRoomNotification", language, args, tmp_path)

    assert result.returncode == 0, result.stderr.decode()
    assert envelope_of(result) == {"callback": "success", "contextWrites": {"to": "success"}}
    [request] = sent(upstream)
    assert body_json(request) == {
        "message": "Deploy finished",
        "notify": True,
        "color": "green",
        "card": {
            "id": "build-128",
            "style": "application",
            "title": "Build 128",
            "thumbnail": {"url": "https://ci.example.com/t.png", "width": 64},
            "attributes": attributes,
        },
    }


def test_nasty_values_reach_the_upstream_unchanged(language, runtime_url, upstream, tmp_path):
    room = "Ops/100% #1? é"
    upstream.expect_request(re.compile(r"^/v2/room/.+/notification$"), method="POST").respond_with_data("", status=204)
    args = {"authToken": TYPED_TOKEN, "roomIdOrName": room, "message": NASTY, "from": '$USER\'s \\ "bot" ${x}'}

    result = run(runtime_url, "sendRoomNotification", language, args, tmp_path)

    assert result.returncode == 0, result.stderr.decode()
    [request] = sent(upstream)
    assert body_json(request) == {"message": NASTY, "from": '$USER\'s \\ "bot" ${x}'}
    segment = raw_path(request).removeprefix("/v2/room/").removesuffix("/notification")
    assert unquote(segment) == room
    assert not Path("/tmp/pwned").exists()


def test_an_upload_sends_the_local_file_as_a_part(language, runtime_url, upstream, tmp_path):
    upstream.expect_request("/v2/room/Ops Room/share/file", method="POST").respond_with_data("", status=204)
    data = bytes(range(256)) + "Build 128: all green ✓\r\n".encode()
    local = tmp_path / "snippet" / "release notes.bin"
    local.parent.mkdir(parents=True)
    local.write_bytes(data)
    args = {"authToken": TYPED_TOKEN, "roomIdOrName": "Ops Room", "file": f"@{local}", "message": "Notes é"}

    result = run(runtime_url, "shareFileWithRoom", language, args, tmp_path)

    assert result.returncode == 0, result.stderr.decode() + result.stdout.decode()
    assert envelope_of(result)["callback"] == "success"
    [request] = sent(upstream)
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    parts = related_parts(request)
    assert json.loads(parts["metadata"].get_content()) == {"message": "Notes é"}
    assert parts["file"].get_payload(decode=True) == data
    assert parts["file"].get_filename() == "release notes.bin"


def test_an_error_callback_exits_non_zero(language, runtime_url, upstream, tmp_path):
    upstream.expect_request("/v2/room/Nowhere", method="GET").respond_with_json(ROOM_ERROR, status=404)

    result = run(runtime_url, "getRoom", language, {"roomIdOrName": "Nowhere"}, tmp_path)

    assert result.returncode != 0
    envelope = envelope_of(result)
    assert envelope["callback"] == "error"
    assert envelope["contextWrites"]["to"]["status_code"] == "API_ERROR"
    assert envelope["contextWrites"]["to"]["upstream_status"] == 404


def test_a_runtime_that_cannot_be_reached_exits_non_zero(language, tmp_path):
    dead = f"http://127.0.0.1:{free_port()}"
    client = create_app(Settings(public_url=dead)).test_client()
    exported = client.post(f"/api/HipChat/getRoom/snippet/{language}", json={"args": {"roomIdOrName": "Ops Room"}})
    assert f"{dead}/api/HipChat/getRoom" in exported.get_data(as_text=True)
    filename = re.search(r'filename="([^"]+)"', exported.headers["Content-Disposition"]).group(1)

    result = run_snippet(language, exported.get_data(as_text=True), filename, tmp_path, snippet_env(HIPCHAT_TOKEN=TOKEN))

    assert result.returncode != 0
    assert b"callback" not in result.stdout


def test_json_values_of_every_kind_arrive_unchanged(language, runtime_url, upstream, tmp_path):
    upstream.expect_request("/v2/extension/action/deploy-bot", method="PUT").respond_with_json({"id": 1}, status=201)
    kinds = {
        "null": None,
        "true": True,
        "false": False,
        "int": -42,
        "largest exact int": 9007199254740991,
        "float": 1.5,
        "small": 1.25e-7,
        "empty object": {},
        "empty list": [],
        "nested": [[], {}, [None, {"0": "zero"}]],
        'key with "quote" é $x #{y}': "value",
    }
    args = {**request_example(CATALOG.find("createGlobalAction")), "authToken": TYPED_TOKEN, "targetOptions": kinds}

    result = run(runtime_url, "createGlobalAction", language, args, tmp_path)

    assert result.returncode == 0, result.stderr.decode()
    [request] = sent(upstream)
    assert body_json(request)["target"]["options"] == kinds


def test_secrets_come_from_their_environment_variables(language, runtime_url, upstream, tmp_path):
    upstream.expect_request("/v2/oauth/token", method="POST").respond_with_json({"access_token": "issued", "token_type": "bearer"})
    password = 'pa"ss\\wörd $HOME `id`\n\ttab'
    client_secret = 'cl"ient\\secret$'
    args = {"grantType": "password", "username": "alice", "password": SECRET_TYPED, "clientId": "bot", "clientSecret": SECRET_TYPED}
    code, filename = export(runtime_url, "getAccessToken", language, args)
    env = snippet_env(HIPCHAT_PASSWORD=password, HIPCHAT_CLIENT_SECRET=client_secret)

    result = run_snippet(language, code, filename, tmp_path / "snippet", env)

    assert result.returncode == 0, result.stderr.decode()
    [request] = sent(upstream)
    assert (request.form["username"], request.form["password"]) == ("alice", password)
    assert (request.authorization.username, request.authorization.password) == ("bot", client_secret)


def test_a_missing_local_file_exits_non_zero(language, runtime_url, upstream, tmp_path):
    args = {"roomIdOrName": "Ops Room", "file": f"@{tmp_path / 'no such file.txt'}"}

    result = run(runtime_url, "shareFileWithRoom", language, args, tmp_path)

    assert result.returncode != 0
    assert sent(upstream) == []


def test_an_upload_from_a_path_with_shell_and_multipart_characters_sends_the_file(language, runtime_url, upstream, tmp_path):
    upstream.expect_request("/v2/room/Ops Room/share/file", method="POST").respond_with_data("", status=204)
    local = tmp_path / "snippet" / 'it\'s $HOME; "v2", é.txt'
    local.parent.mkdir(parents=True)
    local.write_bytes(b"notes v2\n")

    result = run(runtime_url, "shareFileWithRoom", language, {"roomIdOrName": "Ops Room", "file": f"@{local}"}, tmp_path)

    assert result.returncode == 0, result.stderr.decode() + result.stdout.decode()
    [request] = sent(upstream)
    shared = related_parts(request)["file"]
    assert shared.get_payload(decode=True) == b"notes v2\n"
    assert "v2" in shared.get_filename()
