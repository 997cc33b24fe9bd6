"""Extensions, global and per room: PUT creates (201 {id, links.self}), GET returns what was stored, DELETE 204."""

from __future__ import annotations

import pytest

from tests.sandbox.conftest import error_of

NAME = {"value": "Thing"}
ICON = {"url": "https://addon.example/i.png", "url@2x": "https://addon.example/i@2x.png"}
BODIES = {
    "action": {"name": NAME, "location": "hipchat.message.action", "target": {"key": "dlg"}, "weight": 10},
    "dialog": {"title": NAME, "url": "https://addon.example/dialog", "options": {"style": "warning", "size": "large"}},
    "externalPage": {"name": NAME, "url": "https://addon.example/page"},
    "glance": {"name": NAME, "icon": ICON, "queryUrl": "https://addon.example/glance", "target": "panel"},
    "webPanel": {"name": NAME, "url": "https://addon.example/panel", "location": "hipchat.sidebar.right", "authentication": "none"},
    "webhook": {"name": "Echo", "url": "https://addon.example/hook", "event": "room_message", "pattern": "^/echo"},
}
REQUIRED = {"action": "target", "dialog": "title", "externalPage": "url", "glance": "icon", "webPanel": "location", "webhook": "event"}


@pytest.mark.parametrize("kind", sorted(BODIES))
@pytest.mark.parametrize(
    ("place", "canonical"), [("/v2/extension", "/v2/extension"), ("/v2/room/General/extension", "/v2/room/1/extension")]
)
def test_an_extension_round_trip(api, kind, place, canonical):
    url = f"{place}/{kind}/my-{kind.lower()}"
    created = api.put(url, BODIES[kind])
    assert created.status_code == 201
    body = created.get_json()
    assert body == {"id": body["id"], "links": {"self": f"http://sandbox.test{canonical}/{kind}/my-{kind.lower()}"}}
    got = api.get(url).get_json()
    assert {key: got[key] for key in BODIES[kind]} == BODIES[kind]
    assert got["key"] == f"my-{kind.lower()}"
    assert got["links"]["self"] == body["links"]["self"]
    assert api.delete(url).status_code == 204
    missing = api.get(url)
    assert missing.status_code == 404


@pytest.mark.parametrize("kind", sorted(REQUIRED))
def test_a_missing_required_field_is_named(api, kind):
    body = {key: value for key, value in BODIES[kind].items() if key != REQUIRED[kind]}
    response = api.put(f"/v2/room/General/extension/{kind}/k", body)
    assert response.status_code == 400
    assert error_of(response)["field"] == REQUIRED[kind]


def test_a_room_extension_is_not_the_global_one(api):
    api.put("/v2/room/General/extension/glance/g1", BODIES["glance"])
    assert api.get("/v2/extension/glance/g1").status_code == 404
    assert api.get("/v2/room/Random/extension/glance/g1").status_code == 404


def test_put_again_replaces_the_extension(api):
    first = api.put("/v2/extension/webhook/hook", BODIES["webhook"]).get_json()
    second = api.put("/v2/extension/webhook/hook", {**BODIES["webhook"], "event": "room_enter"}).get_json()
    assert first["id"] == second["id"]
    assert api.get("/v2/extension/webhook/hook").get_json()["event"] == "room_enter"


def test_a_body_key_other_than_the_paths_is_a_400(api):
    response = api.put("/v2/extension/webhook/hook", {**BODIES["webhook"], "key": "other"})
    assert error_of(response)["field"] == "key"


def test_a_key_with_spaces_is_a_400(api):
    assert error_of(api.put("/v2/extension/webhook/has%20space", BODIES["webhook"]))["field"] == "key"


def test_a_bad_webhook_pattern_is_a_400(api):
    response = api.put("/v2/extension/webhook/hook", {**BODIES["webhook"], "pattern": "(unclosed"})
    assert error_of(response)["field"] == "pattern"


def test_a_webpanel_location_other_than_the_sidebar_is_a_400(api):
    response = api.put("/v2/extension/webPanel/p", {**BODIES["webPanel"], "location": "hipchat.sidebar.left"})
    assert error_of(response)["validation"] == "enum"


def test_a_room_holds_at_most_ten_webhooks(api):
    for n in range(10):
        assert api.put(f"/v2/room/General/extension/webhook/h{n}", BODIES["webhook"]).status_code == 201
    assert api.put("/v2/room/General/extension/webhook/h10", BODIES["webhook"]).status_code == 400
    assert api.put("/v2/room/Random/extension/webhook/h10", BODIES["webhook"]).status_code == 201


def test_the_room_webhook_list_shows_keyed_and_legacy_webhooks(api):
    api.put("/v2/room/General/extension/webhook/keyed", BODIES["webhook"])
    legacy = api.post("/v2/room/General/webhook", {"url": "https://addon.example/old", "event": "room_enter", "name": "Old"})
    assert legacy.status_code == 201
    legacy_id = legacy.get_json()["id"]
    items = api.get("/v2/room/General/webhook").get_json()["items"]
    assert [(item["key"] == "keyed", item["event"]) for item in items] == [(True, "room_message"), (False, "room_enter")]
    assert items[0]["pattern"] == "^/echo"
    assert api.get(items[1]["links"]["self"].replace("http://sandbox.test", "")).get_json()["id"] == legacy_id
    assert api.delete(f"/v2/room/General/webhook/{legacy_id}").status_code == 204
    assert len(api.get("/v2/room/General/webhook").get_json()["items"]) == 1
