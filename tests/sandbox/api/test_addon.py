"""Add-on endpoints: installable data readable once, integration links that redirect until they expire, glance pushes."""

from __future__ import annotations

import time

from tests.sandbox.conftest import CLIENT_ID, CLIENT_SECRET, client_token, error_of

GLANCE = [
    {
        "key": "status",
        "content": {
            "label": {"type": "html", "value": "<b>3</b> open"},
            "status": {"type": "lozenge", "value": {"label": "ok", "type": "success"}},
        },
    }
]


def test_installable_data_is_read_once_without_a_token(api):
    addon = api.get("/_sandbox/api/addons").get_json()["items"][0]
    path = addon["installable_url"].replace("http://sandbox.test", "")
    first = api.with_token(None).get(path)
    assert first.status_code == 200
    assert first.get_json() == {
        "capabilitiesUrl": "http://sandbox.test/v2/capabilities",
        "groupId": 1,
        "oauthId": CLIENT_ID,
        "oauthSecret": CLIENT_SECRET,
    }
    assert api.with_token(None).get(path).status_code == 404


def test_a_room_install_names_its_room(api):
    installed = api.post("/_sandbox/api/addons", {"key": "room-bot", "room_id": 1}).get_json()
    data = api.with_token(None).get(installed["installable_url"].replace("http://sandbox.test", "")).get_json()
    assert data["roomId"] == 1 and data["oauthId"] == installed["id"]


def test_installable_data_of_another_addon_key_is_not_found(api):
    token = api.get("/_sandbox/api/addons").get_json()["items"][0]["installable_url"].rsplit("/", 1)[1]
    assert api.with_token(None).get(f"/v2/addon/someone-else/installable/{token}").status_code == 404


def test_an_integration_link_redirects_to_its_target_until_deleted(api):
    created = api.post("/v2/addon/link", {"target": "https://addon.example/landing?x=1", "ttl": 60})
    assert created.status_code == 200
    body = created.get_json()
    assert body["url"] == f"http://sandbox.test/v2/addon/link/{body['token']}"
    invoked = api.with_token(None).get(f"/v2/addon/link/{body['token']}")
    assert (invoked.status_code, invoked.headers["Location"]) == (302, "https://addon.example/landing?x=1")
    assert api.delete(f"/v2/addon/link/{body['token']}").status_code == 204
    assert api.with_token(None).get(f"/v2/addon/link/{body['token']}").status_code == 404


def test_an_integration_link_expires_after_its_ttl(api):
    token = api.post("/v2/addon/link", {"target": "https://addon.example/", "ttl": 1}).get_json()["token"]
    time.sleep(1.05)
    assert api.with_token(None).get(f"/v2/addon/link/{token}").status_code == 404


def test_a_link_without_ttl_is_a_400(api):
    assert error_of(api.post("/v2/addon/link", {"target": "https://addon.example/"}))["field"] == "ttl"


def test_glance_updates_are_accepted_and_kept(api):
    token = client_token(api)
    addon_api = api.with_token(token)
    assert addon_api.post("/v2/addon/ui", {"glance": GLANCE}).status_code == 204
    assert addon_api.post("/v2/addon/ui/room/General", {"glance": GLANCE}).status_code == 204
    assert addon_api.post("/v2/addon/ui/room/General/user/%40bob", {"glance": GLANCE}).status_code == 204
    assert addon_api.post("/v2/addon/ui/user/bob%40sandbox.local", {"glance": GLANCE}).status_code == 204
    kept = api.get("/_sandbox/api/ui").get_json()["items"]
    assert [(item["room_id"], item["user_id"]) for item in kept] == [(None, 2), (1, 2), (1, None), (None, None)]
    assert kept[0]["glance"] == GLANCE and kept[0]["client_id"] == CLIENT_ID


def test_an_icon_status_under_the_lozenge_type_is_a_400(api):
    glance = [
        {
            "key": "s",
            "content": {"label": {"type": "html", "value": "x"}, "status": {"type": "lozenge", "value": {"url": "u", "url@2x": "v"}}},
        }
    ]
    assert api.post("/v2/addon/ui", {"glance": glance}).status_code == 400
