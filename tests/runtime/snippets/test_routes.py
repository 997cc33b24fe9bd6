"""Snippet generation: routes, content type, secrets, validation, file arguments, escaping, GET examples."""

from __future__ import annotations

import io
import json
import re
import subprocess

import pytest

from runtime.app import create_app
from runtime.catalog.examples import example_value
from runtime.catalog.loading import load_catalog
from runtime.config import Settings
from runtime.openapi.document import request_example
from runtime.snippets.literals import json_text
from runtime.snippets.render import LANGUAGES

CATALOG = load_catalog(Settings().catalog_file)
ALL_LANGUAGES = list(LANGUAGES)
SECRET = "S3cr3t-value-typed-in-the-form"


def snippet(client, function: str, language: str, args: dict | None = None):
    return client.post(f"/api/HipChat/{function}/snippet/{language}", json={"args": args or {}})


def envelope_to(response) -> dict:
    return response.get_json()["contextWrites"]["to"]


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_a_post_answers_plain_text_code_named_for_the_function(client, language):
    response = snippet(client, "getRoom", language, {"roomIdOrName": "Ops Room"})
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.mimetype_params["charset"] == "utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.endswith(f'.{LANGUAGES[language].extension}"')
    assert "etroom" in disposition.lower()
    assert "http://localhost/api/HipChat/getRoom" in response.get_data(as_text=True)


def test_the_java_file_is_named_after_its_class(client):
    response = snippet(client, "getRoom", "java", {"roomIdOrName": "Ops Room"})
    assert response.headers["Content-Disposition"] == 'inline; filename="GetRoom.java"'
    assert "class GetRoom {" in response.get_data(as_text=True)


def test_get_writes_the_catalog_examples(client):
    function = CATALOG.find("getRoom")
    text = client.get("/api/HipChat/getRoom/snippet/python").get_data(as_text=True)
    assert json_text(example_value(function.args["roomIdOrName"])) in text
    assert 'os.environ.get("HIPCHAT_TOKEN", "")' in text


def test_get_examples_fill_conditional_requirements_with_secrets_from_the_environment(client):
    function = CATALOG.find("getAccessToken")
    text = client.get("/api/HipChat/getAccessToken/snippet/python").get_data(as_text=True)
    assert json_text(example_value(function.args["clientId"])) in text  # client_credentials needs clientId and clientSecret
    assert 'os.environ.get("HIPCHAT_CLIENT_SECRET", "")' in text


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_every_function_has_a_snippet_in_every_language(client, language):
    for name in CATALOG.functions:
        response = client.get(f"/api/HipChat/{name}/snippet/{language}")
        assert response.status_code == 200, (name, response.get_data(as_text=True))
        if language == "python":
            compile(response.get_data(as_text=True), f"{name}.py", "exec")


def test_an_alias_exports_the_canonical_function(client):
    text = snippet(client, "getRoomAllParticipants", "curl", {"roomIdOrName": "Ops Room"}).get_data(as_text=True)
    assert "/api/HipChat/getRoomtAllParticipants'" in text


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_a_secret_given_in_args_appears_in_no_snippet(client, language):
    cases = {
        "getRoom": {"authToken": SECRET, "roomIdOrName": "Ops Room"},
        "getAccessToken": {"grantType": "password", "username": "al", "password": SECRET, "clientSecret": SECRET, "refreshToken": SECRET},
        "createUser": {"authToken": SECRET, "name": "Alice", "email": "alice@example.com", "password": SECRET},
        "getSession": {"authToken": SECRET, "accessToken": SECRET},
    }
    for function, args in cases.items():
        response = snippet(client, function, language, args)
        text = response.get_data(as_text=True)
        assert response.status_code == 200, text
        assert SECRET not in text
        for name in args:
            arg = CATALOG.find(function).args[name]
            if arg.secret:
                assert CATALOG.environment.variable(arg) in text


@pytest.mark.parametrize(
    ("function", "arg", "variable"),
    [
        ("getRoom", "authToken", "HIPCHAT_TOKEN"),
        ("getAccessToken", "clientSecret", "HIPCHAT_CLIENT_SECRET"),
        ("getAccessToken", "refreshToken", "HIPCHAT_REFRESH_TOKEN"),
        ("getSession", "accessToken", "HIPCHAT_ACCESS_TOKEN"),
        ("createUser", "password", "HIPCHAT_PASSWORD"),
    ],
)
def test_each_secret_has_its_environment_variable(function, arg, variable):
    assert CATALOG.environment.variable(CATALOG.find(function).args[arg]) == variable


def test_the_token_may_be_left_out(client):
    response = snippet(client, "getRoom", "python", {"roomIdOrName": "Ops Room"})
    assert response.status_code == 200
    assert 'os.environ.get("HIPCHAT_TOKEN", "")' in response.get_data(as_text=True)


def test_a_secret_that_a_condition_requires_is_read_from_the_environment(client):
    args = {"grantType": "client_credentials", "clientId": "bot"}
    text = snippet(client, "getAccessToken", "python", args).get_data(as_text=True)
    assert 'os.environ.get("HIPCHAT_CLIENT_SECRET", "")' in text
    assert "HIPCHAT_PASSWORD" not in text


@pytest.mark.parametrize(
    "args",
    [
        {"roomIdOrName": "Ops Room", "nope": 1},
        {},
        {"roomIdOrName": "Ops Room", "maxResults": 5000},
        {"roomIdOrName": "Ops Room", "maxResults": "many"},
    ],
)
def test_invalid_args_answer_as_a_call_would(client, args):
    exported = snippet(client, "getRoomHistory", "python", args)
    called = client.post("/api/HipChat/getRoomHistory", json={"args": {"authToken": "a-token", **args}})
    assert exported.status_code == called.status_code >= 400
    assert exported.get_json()["callback"] == "error"
    assert (envelope_to(exported)["status_code"], envelope_to(exported)["fields"]) == (
        envelope_to(called)["status_code"],
        envelope_to(called)["fields"],
    )


def test_args_that_are_not_an_object_are_a_json_error(client):
    response = client.post("/api/HipChat/getRoom/snippet/python", json={"args": ["Ops Room"]})
    assert response.status_code == 400
    assert envelope_to(response)["status_code"] == "JSON_VALIDATION"


def test_an_unknown_function_is_unknown_function_404(client):
    response = snippet(client, "nope", "python")
    assert response.status_code == 404
    assert envelope_to(response)["status_code"] == "UNKNOWN_FUNCTION"


def test_a_misspelt_function_points_at_the_closest_names(client):
    response = snippet(client, "sendMessage", "python")
    assert response.status_code == 404
    assert "did you mean sendMessageToRoom" in envelope_to(response)["status_msg"]


def test_an_unknown_language_is_a_404_listing_the_languages(client):
    response = client.get("/api/HipChat/getRoom/snippet/cobol")
    assert response.status_code == 404
    body = response.get_json()
    assert body["callback"] == "error"
    assert body["contextWrites"]["to"]["status_code"] == "UNKNOWN_LANGUAGE"
    assert body["contextWrites"]["to"]["languages"] == ALL_LANGUAGES


def test_an_at_path_file_becomes_an_upload_of_that_local_file(client):
    args = {"roomIdOrName": "Ops Room", "file": "@notes/release notes.txt", "message": "Notes"}
    text = snippet(client, "shareFileWithRoom", "python", args).get_data(as_text=True)
    assert '"file": open("notes/release notes.txt", "rb")' in text
    assert 'data={"args": json.dumps(args)}, files=files' in text
    assert '"file":' not in text.split("args = {", 1)[1].split("}", 1)[0]  # not among the JSON args


def test_a_data_uri_file_stays_in_the_json_args(client):
    uri = "data:text/plain;name=a.txt;base64,SGk="
    text = snippet(client, "shareFileWithRoom", "python", {"roomIdOrName": "Ops Room", "file": uri}).get_data(as_text=True)
    assert f'"file": "{uri}"' in text
    assert "files=" not in text


def test_a_bare_local_path_is_refused(client):
    response = snippet(client, "shareFileWithRoom", "python", {"roomIdOrName": "Ops Room", "file": "/etc/passwd"})
    assert response.status_code == 400
    assert envelope_to(response)["fields"] == ["file"]


def test_a_file_sent_with_the_request_is_named_not_embedded(client):
    data = {"args": json.dumps({"roomIdOrName": "Ops Room"}), "file": (io.BytesIO(b"secret file bytes"), "notes.txt")}
    response = client.post("/api/HipChat/shareFileWithRoom/snippet/python", data=data, content_type="multipart/form-data")
    text = response.get_data(as_text=True)
    assert '"file": open("notes.txt", "rb")' in text
    assert "secret file bytes" not in text


def test_the_public_url_setting_is_written_into_the_snippet(upstream):
    client = create_app(Settings(api_url=upstream.url_for("/v2"), public_url="https://hipchat.example.com/pkg/")).test_client()
    text = snippet(client, "getRoom", "python", {"roomIdOrName": "Ops Room"}).get_data(as_text=True)
    assert 'URL = "https://hipchat.example.com/pkg/api/HipChat/getRoom"' in text


def test_without_the_setting_the_url_the_request_came_to_is_used(client):
    response = client.get("/api/HipChat/getRoom/snippet/python", base_url="http://runtime.test:8080/")
    assert 'URL = "http://runtime.test:8080/api/HipChat/getRoom"' in response.get_data(as_text=True)


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_html_breaking_text_is_always_escaped(client, language):
    args = {"roomIdOrName": "Ops Room", "message": "</script><script>alert(1)</script> & \u2028"}
    response = snippet(client, "sendRoomNotification", language, args)
    text = response.get_data(as_text=True)
    assert response.status_code == 200, text
    lt, gt = r"\\{1,2}u\{?0*3c\}?", r"\\{1,2}u\{?0*3e\}?"  # < and > escaped (a backslash more inside a string or here-document)
    assert re.search(f"{lt}/script{gt}{lt}script{gt}alert\\(1\\)", text)  # the message is there, escaped
    assert "</script>" not in text
    assert "\u2028" not in text


def test_a_lone_surrogate_cannot_be_written_into_a_snippet(client):
    body = '{"args": {"roomIdOrName": "Ops Room", "message": "\\ud800"}}'
    response = client.post("/api/HipChat/sendRoomNotification/snippet/go", data=body, content_type="application/json")
    assert response.status_code == 400
    assert envelope_to(response)["fields"] == ["message"]


def test_non_finite_numbers_cannot_be_written_into_a_snippet(client):
    args = {**request_example(CATALOG.find("createGlobalAction")), "targetOptions": {"ratio": float("inf")}}
    body = json.dumps({"args": args})  # Python writes Infinity, which JSON lacks and Python's parser takes
    response = client.post("/api/HipChat/createGlobalAction/snippet/go", data=body, content_type="application/json")
    assert response.status_code == 400
    assert (envelope_to(response)["status_code"], envelope_to(response)["fields"]) == ("JSON_VALIDATION", ["targetOptions"])


def test_the_curl_snippet_reads_secrets_from_the_environment_into_a_here_document_on_stdin(client):
    text = snippet(client, "getRoom", "curl", {"authToken": SECRET, "roomIdOrName": "Ops Room"}).get_data(as_text=True)

    assert "HIPCHAT_TOKEN_JSON=$(json <<EOF\n$HIPCHAT_TOKEN\nEOF\n)\n" in text
    assert '"authToken": "${HIPCHAT_TOKEN_JSON}"' in text
    assert "--data-binary @- 'http://localhost/api/HipChat/getRoom' <<JSON |\n" in text
    assert "--variable" not in text and "--expand-" not in text and "--json" not in text


def test_a_curl_snippet_without_secrets_reads_nothing_from_the_environment(client):
    text = client.get("/api/HipChat/getCapabilities/snippet/curl").get_data(as_text=True)

    assert "json()" not in text and "$(json" not in text
    assert '<<JSON |\n{"args": {}}\nJSON\n' in text


def test_the_shell_expands_only_the_secrets_in_a_curl_here_document(client, tmp_path):
    args = {"roomIdOrName": "Ops Room", "message": '$HOME $(id) `id` ${PATH} \\ \\\\n "q"\nEOF\nJSON\n'}
    text = snippet(client, "sendRoomNotification", "curl", args).get_data(as_text=True)
    heredoc = text[text.index("<<JSON |\n") + len("<<JSON |\n") : text.index("\nJSON\n")]
    script = tmp_path / "body.sh"
    script.write_text(f"cat <<JSON\n{heredoc}\nJSON\n")

    expanded = subprocess.run(["sh", str(script)], env={"HIPCHAT_TOKEN_JSON": 'a\\"b', "HOME": "/h"}, capture_output=True, text=True)

    assert json.loads(expanded.stdout)["args"] == {**args, "authToken": 'a"b'}
