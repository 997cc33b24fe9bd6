"""The runtime's own routes: the listing, one block, the health check."""

from __future__ import annotations


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
