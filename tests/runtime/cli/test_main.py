"""python -m runtime, run as a subprocess against a recording upstream: output, exit status, what reached HipChat."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from runtime.catalog.loading import load_catalog
from runtime.config import Settings
from tests.helpers import ROOT, body_json, raw_path, sent

CATALOG = load_catalog(Settings().catalog_file)


@pytest.fixture
def cli(upstream, tmp_path):
    """cli(*argv, **env) -> CompletedProcess of `python -m runtime`, run in tmp_path with the upstream as HipChat."""

    def run(*argv: str, **env: str) -> subprocess.CompletedProcess:
        environ = {k: v for k, v in os.environ.items() if k not in ("HIPCHAT_TOKEN", "RUNTIME_PUBLIC_URL")}
        environ.update({"HIPCHAT_API_URL": upstream.url_for("/v2"), "PYTHONPATH": str(ROOT), "HIPCHAT_READ_TIMEOUT": "5"}, **env)
        command = [sys.executable, "-m", "runtime", *argv]
        return subprocess.run(command, cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=60)

    return run


def test_list_prints_every_function_under_its_group(cli):
    result = cli("list")
    assert result.returncode == 0
    group, seen = None, {}
    for line in result.stdout.splitlines():
        if line and not line.startswith(" "):
            group = line.rstrip(":")
        elif line.strip():
            seen[line.split()[0]] = group
    assert seen == {name: f.block["group"] for name, f in CATALOG.functions.items()}


def test_describe_prints_the_argument_table(cli):
    result = cli("describe", "getAllRooms")
    assert result.returncode == 0
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.startswith("  ") and not line.startswith("   ")}
    function = CATALOG.find("getAllRooms")
    for arg in function.args.values():
        assert rows[arg.name][1:3] == [arg.type, "yes" if arg.required else "no"]
        assert arg.spec["info"] in result.stdout
    assert "0 to 1000" in " ".join(rows["maxResults"])
    assert f"correction: {function.args['includePrivate'].spec['correction']}" in result.stdout


def test_describe_shows_conditional_requirements_and_notes(cli):
    result = cli("describe", "getAccessToken")
    assert result.returncode == 0
    assert 'when grantType is "password": username, password' in result.stdout
    assert "one of: client_credentials, personal" in result.stdout
    for note in CATALOG.find("getAccessToken").block["notes"]:
        assert note in result.stdout


def test_describe_says_who_may_call_the_function(cli):
    result = cli("describe", "sendPrivateMessage")
    assert result.returncode == 0
    assert "Access: Token: user; scope: send_message.\n" in result.stdout
    assert "Access: No token needed (unconfirmed).\n" in cli("describe", "getAddonCapabilitiesSchema").stdout


def test_list_and_describe_show_the_clean_description(cli):
    listed = next(line for line in cli("list").stdout.splitlines() if line.split()[:1] == ["deleteSession"])
    assert listed.split(None, 1)[1] == "Deletes the OAuth session via its associated access_token."
    described = cli("describe", "deleteGlobalDialog").stdout
    assert described.startswith("deleteGlobalDialog: Delete a global dialog.\n")


def test_describe_of_an_unknown_function_is_a_usage_error(cli):
    result = cli("describe", "getNothing")
    assert result.returncode == 2
    assert "getNothing" in result.stderr
    assert result.stdout == ""


def test_describe_of_a_misspelt_function_suggests_the_closest_names(cli):
    result = cli("describe", "sendMessage")
    assert result.returncode == 2
    assert "has no function 'sendMessage'; did you mean sendMessageToRoom, sendPrivateMessage or getRoomMessage?" in result.stderr


def test_call_of_a_misspelt_function_suggests_the_closest_names(cli, upstream):
    result = cli("call", "sendMesageToRoom", "roomIdOrName=1", "message=hi", "authToken=abc123")
    assert result.returncode == 1
    assert "did you mean sendMessageToRoom" in json.loads(result.stdout)["contextWrites"]["to"]["status_msg"]
    assert sent(upstream) == []


def test_call_with_a_misspelt_argument_leads_with_the_argument_it_meant(cli, upstream):
    result = cli("call", "sendMessageToRoom", "roomIdOrName=1", "mesage=hi", "authToken=abc123")
    outcome = json.loads(result.stdout)["contextWrites"]["to"]
    assert outcome["status_msg"].startswith("mesage is not an argument of sendMessageToRoom; did you mean message?")
    assert sent(upstream) == []


def test_call_with_bytes_that_are_not_utf8_names_the_argument(cli, upstream):
    result = cli("call", "sendMessageToRoom", "roomIdOrName=1", "authToken=abc123", "message=" + os.fsdecode(b"caf\xe9"))
    assert result.returncode == 1, result.stderr
    outcome = json.loads(result.stdout)["contextWrites"]["to"]
    assert (outcome["status_code"], outcome["fields"]) == ("JSON_VALIDATION", ["message"])
    assert sent(upstream) == []


def test_call_prints_the_success_envelope_and_sends_the_call(cli, upstream):
    upstream.expect_request("/v2/room/Ops Room").respond_with_json({"id": 7, "name": "Ops Room"})
    result = cli("call", "getRoom", "roomIdOrName=Ops Room", "authToken=abc123")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"callback": "success", "contextWrites": {"to": {"id": 7, "name": "Ops Room"}}}
    (request,) = sent(upstream)
    assert raw_path(request) == "/v2/room/Ops%20Room"
    assert request.headers["Authorization"] == "Bearer abc123"


def test_call_keeps_text_arguments_as_text(cli, upstream):
    upstream.expect_request("/v2/room/1/message", method="POST").respond_with_json({"id": "m1"}, status=201)
    result = cli("call", "sendMessageToRoom", "roomIdOrName=1", "message=007", "authToken=abc123")
    assert result.returncode == 0, result.stdout + result.stderr
    assert body_json(sent(upstream)[0]) == {"message": "007"}


def test_call_sends_json_values_with_their_types(cli, upstream):
    upstream.expect_request("/v2/room/1/notification", method="POST").respond_with_data("", status=204)
    attributes = [{"label": "Build", "value": {"label": "128", "style": "lozenge-success"}}]
    result = cli(
        "call",
        "sendRoomNotification",
        "roomIdOrName=1",
        "authToken=abc123",
        "message=deployed",
        "notify=true",
        "cardId=c1",
        "cardStyle=application",
        "cardTitle=Build",
        f"cardAttributes={json.dumps(attributes)}",
        "cardThumbnailUrl=https://example.com/t.png",
        "cardThumbnailWidth=120",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    body = body_json(sent(upstream)[0])
    assert body["notify"] is True
    assert body["card"]["attributes"] == attributes
    assert body["card"]["thumbnail"]["width"] == 120


def test_call_error_envelope_exits_1(cli, upstream):
    error = {"error": {"code": 404, "message": "Room not found", "type": "Not Found"}}
    upstream.expect_request("/v2/room/nowhere").respond_with_json(error, status=404)
    result = cli("call", "getRoom", "roomIdOrName=nowhere", "authToken=abc123")
    assert result.returncode == 1
    outcome = json.loads(result.stdout)["contextWrites"]["to"]
    assert (outcome["status_code"], outcome["upstream_status"], outcome["status_msg"]) == ("API_ERROR", 404, "Room not found")


def test_call_with_missing_required_args_sends_nothing(cli, upstream):
    result = cli("call", "getRoom", "authToken=abc123")
    assert result.returncode == 1
    outcome = json.loads(result.stdout)["contextWrites"]["to"]
    assert (outcome["status_code"], outcome["fields"]) == ("REQUIRED_FIELDS", ["roomIdOrName"])
    assert sent(upstream) == []


def test_call_of_an_unknown_function_prints_its_envelope(cli):
    result = cli("call", "getNothing", "a=1")
    assert result.returncode == 1
    assert json.loads(result.stdout)["contextWrites"]["to"]["status_code"] == "UNKNOWN_FUNCTION"


LONG = "7" * 5000  # more digits than Python converts to an int (4300)
LONG_REASON = "an integer of 5000 digits, more than the 4300 a number may have"


@pytest.mark.parametrize(
    ("argv", "field", "reason"),
    [
        (["getRoomHistory", "roomIdOrName=1", f"maxResults={LONG}"], "maxResults", LONG_REASON),
        (
            [
                "createRoomAction",
                "roomIdOrName=1",
                "key=k",
                "nameValue=n",
                "targetKey=t",
                "location=hipchat.input.action",
                f'targetOptions={{"a": [{LONG}]}}',
            ],
            "targetOptions",
            f"a[0]: {LONG_REASON}",
        ),
    ],
    ids=["number", "inside a JSON value"],
)
def test_call_with_a_long_integer_is_json_validation_naming_the_argument(cli, upstream, argv, field, reason):
    result = cli("call", *argv, "authToken=abc123")
    assert result.returncode == 1, result.stderr[-2000:]
    outcome = json.loads(result.stdout)["contextWrites"]["to"]
    assert (outcome["status_code"], outcome["fields"], outcome["reasons"]) == ("JSON_VALIDATION", [field], {field: reason})
    assert "Traceback" not in result.stderr
    assert sent(upstream) == []


def test_auth_token_defaults_to_the_environment(cli, upstream):
    upstream.expect_request("/v2/room/1").respond_with_json({"id": 1})
    assert cli("call", "getRoom", "roomIdOrName=1", HIPCHAT_TOKEN="from-env").returncode == 0
    assert cli("call", "getRoom", "roomIdOrName=1", "authToken=given", HIPCHAT_TOKEN="from-env").returncode == 0
    assert [r.headers["Authorization"] for r in sent(upstream)] == ["Bearer from-env", "Bearer given"]


def test_at_path_uploads_the_local_file_for_a_file_argument(cli, upstream, tmp_path):
    (tmp_path / "notes.txt").write_bytes(b"build 128: all green\n")
    upstream.expect_request("/v2/room/1/share/file", method="POST").respond_with_data("", status=204)
    result = cli("call", "shareFileWithRoom", "roomIdOrName=1", "file=@notes.txt", "message=notes", "authToken=abc123")
    assert result.returncode == 0, result.stdout + result.stderr
    (request,) = sent(upstream)
    assert request.mimetype == "multipart/related"
    data = request.get_data()
    assert b"build 128: all green\n" in data
    assert b'filename="notes.txt"' in data
    assert b"Content-Type: text/plain" in data


def test_at_sign_in_a_text_argument_is_sent_as_text(cli, upstream):
    upstream.expect_request("/v2/user/@alice").respond_with_json({"id": 3, "mention_name": "alice"})
    result = cli("call", "getUser", "idOrEmail=@alice", "authToken=abc123")
    assert result.returncode == 0, result.stdout + result.stderr
    assert raw_path(sent(upstream)[0]) == "/v2/user/%40alice"


def test_unreadable_at_path_is_a_usage_error(cli, upstream):
    result = cli("call", "shareFileWithRoom", "roomIdOrName=1", "file=@missing.txt", "authToken=abc123")
    assert result.returncode == 2
    assert "missing.txt" in result.stderr
    assert sent(upstream) == []


@pytest.mark.parametrize("pair", ["maxResults", "=10"])
def test_a_malformed_pair_is_a_usage_error(cli, upstream, pair):
    result = cli("call", "getAllRooms", "authToken=abc123", pair)
    assert result.returncode == 2
    assert "key=value" in result.stderr
    assert sent(upstream) == []


def serve_pages(upstream, sizes: list[int], page_size: int) -> list[dict]:
    """HipChat's /room list in pages of page_size, each but the last with links.next; returns every item in order."""
    items = [{"id": n, "name": f"room {n}"} for n in range(sum(sizes))]
    start = 0
    for number, size in enumerate(sizes):
        query = {"max-results": str(page_size)} if number == 0 else {"start-index": str(start), "max-results": str(page_size)}
        page = {"items": items[start : start + size], "startIndex": start, "maxResults": page_size, "links": {"self": "x"}}
        if number < len(sizes) - 1:
            page["links"]["next"] = upstream.url_for(f"/v2/room?start-index={start + size}&max-results={page_size}")
        upstream.expect_request("/v2/room", query_string=query).respond_with_json(page)
        start += size
    return items


def test_all_pages_merges_the_items_and_draws_progress_on_stderr(cli, upstream):
    items = serve_pages(upstream, [3, 3, 1], page_size=3)
    result = cli("call", "getAllRooms", "maxResults=3", "authToken=abc123", "--all-pages")
    assert result.returncode == 0, result.stdout + result.stderr
    answer = json.loads(result.stdout)["contextWrites"]["to"]
    assert answer["items"] == items
    assert "next" not in answer["links"]
    assert len(sent(upstream)) == 3
    assert "page 3" in result.stderr
    assert "7" in result.stderr


@pytest.mark.parametrize("where", ["first", "between", "last"])
def test_all_pages_is_taken_anywhere_among_the_arguments(cli, upstream, where):
    items = serve_pages(upstream, [1, 1], page_size=1)
    pairs = ["maxResults=1", "authToken=abc123"]
    argv = {"first": ["--all-pages", *pairs], "between": [pairs[0], "--all-pages", pairs[1]], "last": [*pairs, "--all-pages"]}[where]
    result = cli("call", "getAllRooms", *argv)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["contextWrites"]["to"]["items"] == items
    assert len(sent(upstream)) == 2


def test_an_unknown_option_among_the_arguments_is_refused(cli, upstream):
    result = cli("call", "getAllRooms", "maxResults=1", "--every-page", "authToken=abc123")
    assert result.returncode == 2
    assert "unrecognized arguments: --every-page" in result.stderr
    assert sent(upstream) == []


def test_all_pages_answers_the_error_of_a_failing_page(cli, upstream):
    serve_pages(upstream, [2, 2], page_size=2)
    upstream.clear_all_handlers()
    first = {"items": [{"id": 0}, {"id": 1}], "links": {"next": upstream.url_for("/v2/room?start-index=2&max-results=2")}}
    upstream.expect_request("/v2/room", query_string={"max-results": "2"}).respond_with_json(first)
    upstream.expect_request("/v2/room", query_string={"start-index": "2", "max-results": "2"}).respond_with_json({}, status=503)
    result = cli("call", "getAllRooms", "maxResults=2", "authToken=abc123", "--all-pages")
    assert result.returncode == 1
    outcome = json.loads(result.stdout)["contextWrites"]["to"]
    assert (outcome["status_code"], outcome["upstream_status"]) == ("API_ERROR", 503)


def test_all_pages_stops_at_a_next_link_that_does_not_advance(cli, upstream):
    stuck = {"items": [{"id": 0}], "links": {"next": upstream.url_for("/v2/room?max-results=1")}}
    upstream.expect_request("/v2/room").respond_with_json(stuck)
    result = cli("call", "getAllRooms", "maxResults=1", "authToken=abc123", "--all-pages")
    assert result.returncode == 1
    assert "links.next" in json.loads(result.stdout)["contextWrites"]["to"]["status_msg"]
    assert len(sent(upstream)) == 1


def test_snippet_prints_a_program_calling_the_runtime(cli):
    result = cli("snippet", "getRoom", "python", RUNTIME_PUBLIC_URL="https://runtime.example.com")
    assert result.returncode == 0, result.stderr
    assert "https://runtime.example.com/api/HipChat/getRoom" in result.stdout
    assert CATALOG.find("getRoom").args["roomIdOrName"].spec["example"] in result.stdout
    assert "HIPCHAT_TOKEN" in result.stdout
    compile(result.stdout, "getRoom.py", "exec")


def test_snippet_takes_the_callers_args(cli):
    result = cli("snippet", "getRoom", "curl", "roomIdOrName=Build Room")
    assert result.returncode == 0, result.stderr
    assert "Build Room" in result.stdout


def test_snippet_in_an_unknown_language_is_a_usage_error(cli):
    result = cli("snippet", "getRoom", "cobol")
    assert result.returncode == 2
    assert "python" in result.stderr


def test_no_command_is_a_usage_error(cli):
    assert cli().returncode == 2


def test_an_unreadable_catalog_is_reported_without_a_traceback(cli, tmp_path):
    result = cli("list", RUNTIME_CATALOG=str(tmp_path / "none.json"))
    assert result.returncode == 1
    assert "none.json" in result.stderr
    assert "Traceback" not in result.stderr


LONG_INTEGER = "9" * 5000  # Python reads at most 4300 digits


@pytest.mark.parametrize(
    ("function", "argument", "field"),
    [
        ("getRoomHistory", f"maxResults={LONG_INTEGER}", "maxResults"),
        ("sendRoomNotification", f'cardAttributes=[{{"label": {LONG_INTEGER}}}]', "cardAttributes"),
    ],
    ids=["a number", "inside a JSON value"],
)
def test_an_integer_too_long_to_read_is_a_json_validation_naming_its_argument(cli, upstream, function, argument, field):
    result = cli("call", function, "authToken=t", "roomIdOrName=General", "message=m", argument)
    envelope = json.loads(result.stdout)["contextWrites"]["to"]
    assert (result.returncode, envelope["status_code"], envelope["fields"]) == (1, "JSON_VALIDATION", [field])
    assert "Traceback" not in result.stderr
    assert upstream.log == []
