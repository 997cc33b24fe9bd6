"""CORS on the package's API routes: off by default, a listed origin echoed, preflights answered, no credentials."""

from __future__ import annotations

import json

import pytest

from runtime.api.cors import CorsError
from runtime.app import create_app
from runtime.config import ROOT, Settings
from tests.helpers import TOKEN, sent

APP_ORIGIN = "http://localhost:3000"
OTHER_ORIGIN = "https://evil.example"
ROOM = {"id": 7, "name": "Ops Room"}
PREFLIGHT = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}


def cors_headers(response) -> dict[str, str]:
    return {name: value for name, value in response.headers.items() if name.lower().startswith("access-control-")}


@pytest.fixture
def cors_client(settings):
    """A runtime that lets APP_ORIGIN (and only it) call the API from its pages."""
    return create_app(Settings(**{**settings.__dict__, "cors_origins": (APP_ORIGIN,)})).test_client()


def call_room(client, origin: str | None):
    headers = {"Origin": origin} if origin else {}
    return client.post("/api/HipChat/getRoom", json={"args": {"authToken": TOKEN, "roomIdOrName": "Ops Room"}}, headers=headers)


def test_by_default_no_cors_headers_are_sent(client, upstream):
    upstream.expect_request("/v2/room/Ops Room").respond_with_json(ROOM)

    called = call_room(client, APP_ORIGIN)
    preflight = client.options("/api/HipChat/getRoom", headers={"Origin": APP_ORIGIN, **PREFLIGHT})

    assert called.status_code == 200
    assert cors_headers(called) == {} and cors_headers(preflight) == {}
    assert "Origin" not in called.vary


def test_a_listed_origin_is_echoed_on_a_call(cors_client, upstream):
    upstream.expect_request("/v2/room/Ops Room").respond_with_json(ROOM, headers={"X-Ratelimit-Reset": "1700000000"})

    response = call_room(cors_client, APP_ORIGIN)

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert "Origin" in response.vary
    assert "Access-Control-Allow-Credentials" not in response.headers
    exposed = response.headers["Access-Control-Expose-Headers"].lower().split(", ")
    assert "x-ratelimit-reset" in exposed and "x-floodcontrol-remaining" in exposed  # the catalog's rate-limit headers


def test_an_unlisted_origin_gets_no_cors_headers(cors_client, upstream):
    upstream.expect_request("/v2/room/Ops Room").respond_with_json(ROOM)

    called = call_room(cors_client, OTHER_ORIGIN)
    preflight = cors_client.options("/api/HipChat/getRoom", headers={"Origin": OTHER_ORIGIN, **PREFLIGHT})

    assert cors_headers(called) == {} and cors_headers(preflight) == {}
    assert "Origin" in called.vary  # a shared cache must not hand this answer to the listed origin


@pytest.mark.parametrize("origin", [APP_ORIGIN + "/", APP_ORIGIN + ".evil.example", "http://localhost:30000", "null", "http://localhost"])
def test_an_origin_is_matched_exactly(cors_client, upstream, origin):
    upstream.expect_request("/v2/room/Ops Room").respond_with_json(ROOM)

    assert cors_headers(call_room(cors_client, origin)) == {}


def test_a_call_without_an_origin_gets_no_cors_headers(cors_client, upstream):
    upstream.expect_request("/v2/room/Ops Room").respond_with_json(ROOM)

    assert cors_headers(call_room(cors_client, None)) == {}


def test_a_star_lets_any_origin_call(settings, upstream):
    client = create_app(Settings(**{**settings.__dict__, "cors_origins": ("*",)})).test_client()
    upstream.expect_request("/v2/room/Ops Room").respond_with_json(ROOM)

    response = call_room(client, OTHER_ORIGIN)
    preflight = client.options("/api/HipChat/getRoom", headers={"Origin": OTHER_ORIGIN, **PREFLIGHT})

    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize("path", ["/api/HipChat/getRoom", "/api/HipChat/getRoom/snippet/javascript", "/api/HipChat"])
def test_a_preflight_from_a_listed_origin_is_answered(cors_client, upstream, path):
    response = cors_client.options(path, headers={"Origin": APP_ORIGIN, **PREFLIGHT})

    assert response.status_code == 204
    assert response.get_data() == b""
    assert response.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")} == {"GET", "POST"}
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower().split(", ")
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    assert "Origin" in response.vary
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert sent(upstream) == []


def test_pages_outside_the_api_get_no_cors_headers(cors_client):
    for path in ("/", "/functions/getRoom", "/openapi.json", "/healthz"):
        response = cors_client.get(path, headers={"Origin": APP_ORIGIN})
        assert cors_headers(response) == {}, path


def test_an_error_answer_carries_the_cors_headers_so_the_page_can_read_it(cors_client):
    response = cors_client.post("/api/HipChat/noSuchFunction", json={"args": {}}, headers={"Origin": APP_ORIGIN})

    assert response.status_code == 404
    assert response.headers["Access-Control-Allow-Origin"] == APP_ORIGIN


def test_the_api_routes_follow_the_catalogs_package_name(settings, tmp_path, upstream):
    catalog = json.loads((ROOT / "metadata.json").read_text(encoding="utf-8"))
    catalog["package"] = "HipChatServer"
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog), encoding="utf-8")
    client = create_app(Settings(**{**settings.__dict__, "catalog_path": str(path), "cors_origins": (APP_ORIGIN,)})).test_client()

    ours = client.options("/api/HipChatServer/getRoom", headers={"Origin": APP_ORIGIN, **PREFLIGHT})
    old = client.options("/api/HipChat/getRoom", headers={"Origin": APP_ORIGIN, **PREFLIGHT})

    assert ours.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert cors_headers(old) == {}


def test_the_setting_is_a_comma_separated_list():
    settings = Settings.from_env({"RUNTIME_CORS_ORIGINS": "http://localhost:3000, https://app.example.com"})

    assert settings.cors_origins == ("http://localhost:3000", "https://app.example.com")


def test_a_trailing_slash_in_the_setting_is_dropped(settings, upstream):
    client = create_app(Settings(**{**settings.__dict__, "cors_origins": (APP_ORIGIN + "/",)})).test_client()
    upstream.expect_request("/v2/room/Ops Room").respond_with_json(ROOM)

    assert call_room(client, APP_ORIGIN).headers["Access-Control-Allow-Origin"] == APP_ORIGIN


NOT_ORIGINS = ["https://app.example.com//", "https://app.example.com/path", "app.example.com", "ftp://app.example.com", "https://u@app.example.com"]


@pytest.mark.parametrize("origin", NOT_ORIGINS)
def test_a_setting_that_is_not_an_origin_stops_the_start(settings, origin):
    with pytest.raises(CorsError, match="RUNTIME_CORS_ORIGINS"):
        create_app(Settings(**{**settings.__dict__, "cors_origins": (origin,)}))
