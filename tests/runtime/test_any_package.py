"""The runtime serves any package: a second catalog (tests/fixtures/acme, package Acme) loaded through RUNTIME_CATALOG
is listed, called, documented and exported under its own name by the same code, against a recording upstream, and
nothing in it says HipChat. Also: runtime/ itself names no package, but for an explicit list of contracts."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import subprocess
import sys
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

import pytest
import requests
from bs4 import BeautifulSoup
from openapi_spec_validator import validate

from runtime.app import create_app
from runtime.catalog.loading import load_catalog
from runtime.config import ROOT, Settings
from runtime.snippets.render import LANGUAGES
from tests.conftest import ACME_API_PATH, ACME_CATALOG
from tests.helpers import body_json, free_port, raw_path, sent
from tests.snippets.toolchains import run_snippet, snippet_env

ACME = load_catalog(ACME_CATALOG)
# The settings keep their HIPCHAT_* names: environment variables the issues name are contracts.
SETTING_NAMES = tuple(name for name, _, _ in Settings.describe())
KEY = "acme-key-123"
WIDGET = {"id": "w-42", "name": "Sprocket"}


def says_nothing_of_hipchat(text: str) -> None:
    """No HipChat in the text, but for the settings' names (HIPCHAT_API_URL...), which are contracts."""
    text = re.sub("|".join(SETTING_NAMES), "", text)
    assert "hipchat" not in text.lower(), re.search(r".{0,80}hipchat.{0,80}", text, re.I | re.S).group()


def call(client, function: str, **args):
    response = client.post(f"/api/Acme/{function}", json={"args": args})
    return response.status_code, response.get_json()


def to(envelope: dict):
    return envelope["contextWrites"]["to"]


# --- the package's routes -------------------------------------------------------------------------------------------


def test_the_listing_and_blocks_are_served_under_the_packages_name(acme_client):
    response = acme_client.get("/api/Acme")
    listing = response.get_json()
    assert listing["package"] == "Acme"
    assert [block["name"] for block in listing["blocks"]] == list(ACME.functions)
    assert listing["access"] == ACME.document["access"]
    create = next(block for block in listing["blocks"] if block["name"] == "createWidget")
    assert create["description"] == "Create a widget."  # the summary, not the broken own words
    assert create["access"] == {"tokens": ["member"], "scopes": ["widgets.write"]}
    assert acme_client.get("/api/Acme/fetchWidget").get_json()["name"] == "getWidget"
    assert acme_client.get("/healthz").get_json() == {"status": "ok", "functions": 7}
    assert acme_client.get("/api/HipChat").status_code == 404
    says_nothing_of_hipchat(response.get_data(as_text=True))


def test_an_unknown_function_is_named_in_the_packages_words(acme_client):
    status, envelope = call(acme_client, "getRoom")
    assert status == 404
    assert to(envelope)["status_msg"] == "The Acme package has no function 'getRoom'."


# --- every wire place, end to end -----------------------------------------------------------------------------------


def test_path_query_and_bearer_reach_the_upstream_with_the_packages_user_agent(acme_client, upstream):
    upstream.expect_request("/v3/widgets/w/42 é", method="GET").respond_with_json(WIDGET)
    status, envelope = call(acme_client, "getWidget", apiKey=KEY, widgetId="w/42 é", withParts="true")
    assert (status, envelope) == (200, {"callback": "success", "contextWrites": {"to": WIDGET}})
    [request] = sent(upstream)
    assert raw_path(request) == "/v3/widgets/w%2F42%20%C3%A9"
    assert request.args.to_dict() == {"with-parts": "true"}
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.headers["User-Agent"] == "acme-widgets-runtime/2.0"


def test_query_arguments_go_out_under_their_wire_names(acme_client, upstream):
    upstream.expect_request("/v3/widgets", method="GET").respond_with_json({"items": []})
    status, _ = call(acme_client, "listWidgets", apiKey=KEY, startIndex=5, maxResults="20", color="blue")
    assert status == 200
    assert sorted(parse_qsl(sent(upstream)[0].query_string.decode())) == [("color", "blue"), ("max-results", "20"), ("start-index", "5")]


def test_flat_arguments_build_the_nested_json_body(acme_client, upstream):
    upstream.expect_request("/v3/widgets", method="POST").respond_with_json(WIDGET, status=201)
    args = {
        "apiKey": KEY,
        "name": "Sprocket",
        "colorPrimary": "red",
        "colorAccent": "#ffcc00",
        "sizeWidth": 40,
        "sizeHeight": "25",
        "parts": [{"sku": "bolt-m4", "count": 4}],
        "tags": "new, metal",
    }
    status, envelope = call(acme_client, "createWidget", **args)
    assert (status, to(envelope)) == (200, WIDGET)
    [request] = sent(upstream)
    assert request.headers["Content-Type"] == "application/json"
    assert body_json(request) == {
        "name": "Sprocket",
        "colors": {"primary": "red", "accent": "#ffcc00"},
        "size": {"width": 40, "height": 25},
        "parts": [{"sku": "bolt-m4", "count": 4}],
        "tags": ["new", "metal"],
    }


def test_the_catalogs_requirements_and_item_schemas_hold_before_anything_is_sent(acme_client, upstream):
    status, envelope = call(acme_client, "createWidget", apiKey=KEY, name="Sprocket", sizeWidth=40)
    assert (status, to(envelope)["status_code"], to(envelope)["fields"]) == (400, "REQUIRED_FIELDS", ["sizeHeight"])
    status, envelope = call(acme_client, "createWidget", apiKey=KEY, name="Sprocket", parts=[{"count": 4}])
    assert (status, to(envelope)["status_code"], to(envelope)["fields"]) == (400, "INVALID_ARGUMENTS", ["parts"])
    assert sent(upstream) == []


def test_an_uploaded_file_goes_out_as_a_part_of_the_file_share_body(acme_client, upstream):
    upstream.expect_request("/v3/widgets/w-42/blueprint", method="POST").respond_with_data("", status=204)
    args = json.dumps({"apiKey": KEY, "widgetId": "w-42", "note": "Rev B"})
    blueprint = (io.BytesIO(b"Widget v1\n"), "bp.txt", "text/plain")
    form = {"args": args, "blueprint": blueprint}
    response = acme_client.post("/api/Acme/uploadBlueprint", data=form, content_type="multipart/form-data")
    assert response.get_json() == {"callback": "success", "contextWrites": {"to": "success"}}
    [request] = sent(upstream)
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.get_data())
    assert message.get_content_type() == "multipart/related"
    parts = {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}
    assert json.loads(parts["metadata"].get_content()) == {"note": "Rev B"}
    assert (parts["file"].get_filename(), parts["file"].get_payload(decode=True)) == ("bp.txt", b"Widget v1\n")


def test_a_file_in_a_json_body_travels_as_base64(acme_client, upstream):
    upstream.expect_request("/v3/widgets/w-42/icon", method="PUT").respond_with_data("", status=204)
    png = b"\x89PNG\r\n\x1a\n-icon"
    icon = "data:image/png;name=sprocket.png;base64," + base64.b64encode(png).decode()
    status, _ = call(acme_client, "setWidgetIcon", apiKey=KEY, widgetId="w-42", icon=icon, iconName="sprocket.png")
    assert status == 200
    assert body_json(sent(upstream)[0]) == {"icon": {"data": base64.b64encode(png).decode(), "name": "sprocket.png"}}


def test_basic_credentials_and_a_form_encoded_body(acme_client, upstream):
    upstream.expect_request("/v3/oauth/token", method="POST").respond_with_json({"access_token": "t", "token_type": "bearer"})
    args = {"clientId": "app-1", "clientSecret": "s3cret é", "grantType": "client_credentials", "scope": "widgets.read"}
    status, envelope = call(acme_client, "getAppToken", **args)
    assert (status, to(envelope)["access_token"]) == (200, "t")
    [request] = sent(upstream)
    assert request.headers["Authorization"] == "Basic " + base64.b64encode("app-1:s3cret é".encode()).decode()
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qsl(request.get_data(as_text=True)) == [("grant_type", "client_credentials"), ("scope", "widgets.read")]


# --- the API's own answers ------------------------------------------------------------------------------------------


def test_the_apis_rate_limit_headers_are_passed_back_and_give_the_reset(acme_client, upstream):
    headers = {"X-Acme-Quota-Remaining": "0", "X-Acme-Quota-Reset": "1800000000", "X-Ratelimit-Reset": "1700000000"}
    error = {"code": 429, "message": "Quota exhausted"}
    upstream.expect_request("/v3/widgets/w-42").respond_with_json({"error": error}, status=429, headers=headers)
    response = acme_client.post("/api/Acme/getWidget", json={"args": {"apiKey": KEY, "widgetId": "w-42"}})
    assert response.status_code == 429
    assert to(response.get_json()) == {
        "status_code": "RATE_LIMITED",
        "status_msg": "Quota exhausted",
        "fields": [],
        "upstream_status": 429,
        "error": error,
        "reset": 1800000000,
    }
    assert (response.headers["X-Acme-Quota-Remaining"], response.headers["X-Acme-Quota-Reset"]) == ("0", "1800000000")
    assert "X-Ratelimit-Reset" not in response.headers  # not this API's header


def test_messages_about_the_upstream_name_the_api(acme_client, acme_settings, upstream):
    upstream.expect_request("/v3/ping").respond_with_data("down", status=503)
    assert to(call(acme_client, "ping")[1])["status_msg"] == "Acme Cloud answered HTTP 503."
    closed = f"http://127.0.0.1:{free_port()}{ACME_API_PATH}"
    client = create_app(Settings(catalog_path=acme_settings.catalog_path, api_url=closed, connect_timeout=2.0)).test_client()
    assert to(call(client, "ping")[1])["status_msg"] == f"Acme Cloud at {closed} could not be reached."


# --- how the package is described -----------------------------------------------------------------------------------


def page(client, path: str) -> tuple[BeautifulSoup, str]:
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    says_nothing_of_hipchat(html)
    return BeautifulSoup(html, "html.parser"), html


def test_the_web_pages_name_the_package_and_show_its_access(acme_client):
    listing, _ = page(acme_client, "/")
    assert listing.title.get_text() == "Acme · Acme Widgets API"
    assert listing.select_one(".hero h1").get_text() == "Acme"
    card = listing.select_one('.card[data-function="createWidget"]')
    assert card.select_one(".card-description").get_text() == "Create a widget."
    assert card.select_one(".card-access").get_text() == "Token: team member; scope: widgets.write (unconfirmed)."
    assert listing.select_one('.card[data-function="ping"] .card-access') is None  # the catalog does not say

    function, _ = page(acme_client, "/functions/createWidget")
    assert function.title.get_text() == "createWidget · Acme"
    assert function.select_one(".access").get_text(" ", strip=True) == "Access: Token: team member; scope: widgets.write (unconfirmed)."
    assert function.select_one("#try")["data-call-url"] == "/api/Acme/createWidget"
    assert function.select_one("#try")["data-package"] == "Acme"
    assert function.select_one("#snippet")["data-snippet-url"] == "/api/Acme/createWidget/snippet/"
    assert function.select_one(".export .hint code").get_text() == "ACME_TOKEN"
    page(acme_client, "/functions/ping")


def test_the_openapi_document_names_the_package(acme_client):
    response = acme_client.get("/openapi.json")
    says_nothing_of_hipchat(response.get_data(as_text=True))
    document = response.get_json()
    validate(document)
    assert document["info"]["title"] == "Acme function package"
    assert document["info"]["description"] == ACME.document["description"]
    calls = {path for path, item in document["paths"].items() if "post" in item and "{" not in path}
    assert calls == {f"/api/Acme/{name}" for name in ACME.functions}
    operation = document["paths"]["/api/Acme/createWidget"]["post"]
    assert operation["summary"] == "Create a widget."
    assert operation["x-access"] == {"tokens": ["member"], "scopes": ["widgets.write"]}
    assert "x-access" not in document["paths"]["/api/Acme/ping"]["post"]
    assert document["components"]["responses"]["Error504"]["description"].startswith("Acme Cloud did not answer")
    snippet = document["paths"]["/api/Acme/{function}/snippet/{language}"]["get"]
    assert snippet["responses"]["200"]["description"] == "The code; it reads the token from ACME_TOKEN."


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_snippet_calls_the_packages_route_with_its_secrets_from_its_environment(acme_client, language):
    for function, variables in (("createWidget", ["ACME_TOKEN"]), ("getAppToken", ["ACME_CLIENT_SECRET"])):
        response = acme_client.get(f"/api/Acme/{function}/snippet/{language}")
        text = response.get_data(as_text=True)
        assert response.status_code == 200, text
        assert f"http://localhost/api/Acme/{function}" in text
        assert f"{function}: {ACME.find(function).summary}" in text  # the comment on top, in clean words
        for variable in variables:
            assert variable in text
        says_nothing_of_hipchat(text)


@pytest.mark.parametrize("language", ["python", "curl"])
def test_python_and_curl_snippets_run_against_the_package(language, acme_runtime, upstream, tmp_path):
    upstream.expect_request("/v3/widgets", method="POST").respond_with_json(WIDGET, status=201)
    args = {"apiKey": "typed-key-the-snippet-must-not-use", "name": "Sprocket", "sizeWidth": 40, "sizeHeight": 25}
    exported = requests.post(f"{acme_runtime}/api/Acme/createWidget/snippet/{language}", json={"args": args}, timeout=10)
    assert exported.status_code == 200, exported.text
    filename = re.search(r'filename="([^"]+)"', exported.headers["Content-Disposition"]).group(1)

    result = run_snippet(language, exported.text, filename, tmp_path, snippet_env(ACME_TOKEN=KEY))

    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout) == {"callback": "success", "contextWrites": {"to": WIDGET}}
    [request] = sent(upstream)
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert body_json(request) == {"name": "Sprocket", "size": {"width": 40, "height": 25}}


def cli(upstream, *argv: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("HIPCHAT_", "ACME_", "RUNTIME_"))}
    environ.update(RUNTIME_CATALOG=str(ACME_CATALOG), HIPCHAT_API_URL=upstream.url_for(ACME_API_PATH), PYTHONPATH=str(ROOT), **env)
    result = subprocess.run([sys.executable, "-m", "runtime", *argv], env=environ, capture_output=True, text=True, timeout=60)
    says_nothing_of_hipchat(result.stdout + result.stderr)
    return result


def test_the_cli_serves_the_package(upstream):
    assert "The Acme function package from the command line." in cli(upstream, "--help").stdout
    assert "default to $ACME_TOKEN" in cli(upstream, "call", "--help").stdout
    listing = cli(upstream, "list").stdout
    assert "Widgets:\n" in listing
    assert re.search(r"^  createWidget +Create a widget\.$", listing, re.M)
    described = cli(upstream, "describe", "createWidget").stdout
    access = "Access: Token: team member; scope: widgets.write (unconfirmed)."
    assert described.startswith(f"createWidget: Create a widget.\nGroup: Widgets\n{access}\n")

    upstream.expect_request("/v3/widgets/w-42").respond_with_json(WIDGET)
    result = cli(upstream, "call", "getWidget", "widgetId=w-42", ACME_TOKEN=KEY)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"callback": "success", "contextWrites": {"to": WIDGET}}
    assert sent(upstream)[0].headers["Authorization"] == f"Bearer {KEY}"


# --- runtime/ names no package of its own ---------------------------------------------------------------------------

# (file under runtime/, a fragment of the line): why it may name HipChat.
ALLOWED = {
    ("pipeline/mapping.py", 'HipChat answers 400 "Invalid content type" without one'): (
        "a comment naming the API whose behaviour the generic rule (a POST or PUT always carries a JSON body) is for"
    ),
}
TEXT_SUFFIXES = (".py", ".html", ".js", ".css", ".j2")


def test_the_runtime_names_no_package_but_for_an_explicit_list():
    used, found = set(), []
    for path in sorted((ROOT / "runtime").rglob("*")):
        if path.suffix not in TEXT_SUFFIXES or "__pycache__" in path.parts:
            continue
        relative = str(path.relative_to(ROOT / "runtime"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            text = re.sub("|".join(SETTING_NAMES), "", line)
            if "hipchat" not in text.lower():
                continue
            allowance = next((key for key in ALLOWED if key[0] == relative and key[1] in line), None)
            if allowance:
                used.add(allowance)
            else:
                found.append(f"runtime/{relative}:{number}: {line.strip()}")
    assert found == []
    assert used == set(ALLOWED), "an allowance no line needs any more"
