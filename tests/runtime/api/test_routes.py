"""The runtime's own routes: the listing, one block, the health check."""

from __future__ import annotations

import pytest

from runtime.app import create_app
from runtime.config import Settings


def test_the_package_listing_is_in_the_rapidapi_format(client):
    listing = client.get("/api/HipChat").get_json()
    assert listing["package"] == "HipChat"
    assert listing["accounts"] == {"domain": "hipchat.com", "credentials": ["authToken"]}
    assert len(listing["blocks"]) == 93
    block = next(b for b in listing["blocks"] if b["name"] == "sendRoomNotification")
    assert block["callbacks"] == [{"name": "error", "info": "Error"}, {"name": "success", "info": "Success"}]
    assert {"name", "type", "info", "required"} <= set(block["args"][0])
    assert "wire" not in block["args"][0]
    assert "request" not in block


def test_one_block_is_served_by_its_name(client):
    block = client.get("/api/HipChat/getRoomHistory").get_json()
    max_results = next(a for a in block["args"] if a["name"] == "maxResults")
    assert (max_results["type"], max_results["minimum"], max_results["maximum"]) == ("Number", 0, 1000)


RAPIDAPI_BLOCK_KEYS = {"name", "description", "args", "callbacks"}


def test_the_listing_says_who_may_call_each_function(client):
    listing = client.get("/api/HipChat").get_json()
    assert set(listing["access"]["tokens"]) == {"group", "room", "user"}
    assert "send_notification" in listing["access"]["scopes"]
    for block in listing["blocks"]:
        assert set(block) >= RAPIDAPI_BLOCK_KEYS, block["name"]
        assert set(block["access"]) >= {"tokens", "scopes"}, block["name"]
    private_message = next(b for b in listing["blocks"] if b["name"] == "sendPrivateMessage")
    assert private_message["access"] == {"tokens": ["user"], "scopes": ["send_message"], "confirmed": True}


def test_a_block_shows_its_access_and_its_clean_description(client):
    block = client.get("/api/HipChat/deleteSession").get_json()
    assert block["description"] == "Deletes the OAuth session via its associated access_token."
    assert block["access"] == {"tokens": ["group", "room", "user"], "scopes": [], "confirmed": True}
    assert "summary" not in block
    room = client.get("/api/HipChat/getRoom").get_json()
    assert room["access"] == {"tokens": ["group", "room", "user"], "scopes": ["view_group", "view_room"]}


def test_one_block_is_served_by_its_alias(client):
    assert client.get("/api/HipChat/getRoomAllParticipants").get_json()["name"] == "getRoomtAllParticipants"


def test_an_unknown_block_is_an_unknown_function(client):
    response = client.get("/api/HipChat/nope")
    assert response.status_code == 404
    assert response.get_json()["contextWrites"]["to"]["status_code"] == "UNKNOWN_FUNCTION"


def test_the_health_check_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "functions": 93}


def test_the_listing_names_the_runtime_s_own_logo_by_an_absolute_url_on_the_request_s_host(client):
    listing = client.get("/api/HipChat", headers={"Host": "functions.test:8443"}).get_json()
    assert listing["image"] == "http://functions.test:8443/web/static/logo.svg"
    assert client.get(listing["image"]).status_code == 200


def test_the_listing_names_the_logo_on_runtime_public_url_when_it_is_set():
    client = create_app(Settings(public_url="https://functions.example.com/hipchat/")).test_client()
    listing = client.get("/api/HipChat", headers={"Host": "attacker.test"}).get_json()
    assert listing["image"] == "https://functions.example.com/hipchat/web/static/logo.svg"


@pytest.mark.parametrize("host", ["evil.test/path", "user@evil.test", "evil.test:99999"])
def test_the_listing_refuses_a_host_it_would_write_into_the_logo_url(client, host):
    response = client.get("/api/HipChat", headers={"Host": host})
    assert response.status_code == 400
    assert response.get_json()["contextWrites"]["to"]["status_code"] == "INVALID_HOST"
