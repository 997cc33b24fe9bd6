"""The room viewer's routes on the sandbox: its pages, and the message JSON they poll (cursor, sanitized HTML)."""

from __future__ import annotations

import pytest

from sandbox.app import create_app

TOKEN = "ViewerAdminT0ken"


@pytest.fixture
def client():
    app = create_app({"db": ":memory:", "admin_token": TOKEN, "public_url": "http://sandbox.test", "demo": False})
    return app.test_client()


ADMIN = {"Authorization": f"Bearer {TOKEN}"}


def api(client, method: str, path: str, body=None):
    response = client.open(path, method=method, json=body, headers=ADMIN)
    assert response.status_code < 300, response.get_data(as_text=True)
    return response.get_json(silent=True)


def messages(client, room, query: str = ""):
    return client.get(f"/_sandbox/viewer/api/rooms/{room}/messages{query}", headers=ADMIN)


def new_room(client, name: str) -> int:
    return api(client, "POST", "/v2/room", {"name": name})["id"]


def notify(client, room_id: int, message: str, **fields) -> None:
    api(client, "POST", f"/v2/room/{room_id}/notification", {"message": message, **fields})


def test_rooms_page_is_html_with_a_content_security_policy(client):
    response = client.get("/_sandbox/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert 'data-rooms-url="/_sandbox/api/rooms"' in response.get_data(as_text=True)


def test_room_page_is_a_shell_that_carries_no_room_data(client):
    room_id = new_room(client, "Ops")
    api(client, "PUT", f"/v2/room/{room_id}/topic", {"topic": "secret plans"})
    response = client.get(f"/_sandbox/rooms/{room_id}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "secret plans" not in html and ">Ops<" not in html
    assert f'data-messages-url="/_sandbox/viewer/api/rooms/{room_id}/messages"' in html


def test_room_page_opens_by_name_with_the_name_escaped(client):
    new_room(client, "<i>Ops</i> & co/7")
    html = client.get("/_sandbox/rooms/%3Ci%3EOps%3C%2Fi%3E%20%26%20co%2F7").get_data(as_text=True)
    assert "&lt;i&gt;Ops&lt;/i&gt; &amp; co/7" in html and "<i>Ops</i>" not in html
    assert 'data-messages-url="/_sandbox/viewer/api/rooms/%3Ci%3EOps%3C%2Fi%3E%20%26%20co%2F7/messages"' in html


def test_messages_of_a_room_by_name_ignore_case_like_the_api(client):
    room_id = new_room(client, "General Chat")
    notify(client, room_id, "hello")
    data = messages(client, "general%20chat").get_json()
    assert data["room"]["id"] == room_id
    assert [entry["item"]["message"] for entry in data["items"]] == ["hello"]


def test_messages_need_the_admin_token_or_a_session(client):
    room_id = new_room(client, "Ops")
    notify(client, room_id, "private words")
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Cookie": f"token={TOKEN}"}):
        response = client.get(f"/_sandbox/viewer/api/rooms/{room_id}/messages", headers=headers)
        assert response.status_code == 401 and "private words" not in response.get_data(as_text=True)
    assert client.get(f"/_sandbox/viewer/api/rooms/{room_id}/messages?auth_token={TOKEN}").status_code == 401


def test_messages_come_oldest_first_with_a_cursor(client):
    room_id = new_room(client, "Ops")
    for text in ("one", "two", "three"):
        notify(client, room_id, text)
    data = messages(client, room_id).get_json()
    assert data["room"]["name"] == "Ops"
    assert [entry["item"]["message"] for entry in data["items"]] == ["one", "two", "three"]
    assert data["cursor"] == data["items"][-1]["seq"]


def test_polling_after_the_cursor_gives_only_newer_messages(client):
    room_id = new_room(client, "Ops")
    notify(client, room_id, "old")
    cursor = messages(client, room_id).get_json()["cursor"]
    assert messages(client, room_id, f"?after={cursor}").get_json()["items"] == []
    notify(client, room_id, "new")
    data = messages(client, room_id, f"?after={cursor}").get_json()
    assert [entry["item"]["message"] for entry in data["items"]] == ["new"]
    assert data["cursor"] > cursor


def test_an_empty_room_gives_a_cursor_to_poll_from(client):
    room_id = new_room(client, "Quiet")
    data = messages(client, room_id).get_json()
    assert data["items"] == []
    notify(client, room_id, "first")
    later = messages(client, room_id, f"?after={data['cursor']}").get_json()
    assert [entry["item"]["message"] for entry in later["items"]] == ["first"]


def test_html_messages_arrive_sanitized_beside_the_original(client):
    room_id = new_room(client, "Ops")
    notify(client, room_id, "<b>ok</b><script>alert(1)</script>", message_format="html", color="red")
    [entry] = messages(client, room_id).get_json()["items"]
    assert entry["item"]["color"] == "red"
    assert entry["safe_html"] == {"message": "<b>ok</b>"}


def test_cards_come_with_their_attributes(client):
    room_id = new_room(client, "Ops")
    card = {
        "style": "application",
        "id": "c1",
        "title": "Build 7",
        "description": {"value": "<b>green</b>", "format": "html"},
        "attributes": [{"label": "state", "value": {"label": "passed", "style": "lozenge-success"}}],
    }
    notify(client, room_id, "Build 7", card=card)
    [entry] = messages(client, room_id).get_json()["items"]
    assert entry["item"]["card"]["attributes"] == card["attributes"]
    assert entry["safe_html"]["card_description"] == "<b>green</b>"


def test_messages_of_an_unknown_room_are_a_json_404(client):
    response = messages(client, 999)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404


def test_viewer_json_is_never_cached(client):
    room_id = new_room(client, "Ops")
    assert messages(client, room_id).headers["Cache-Control"] == "no-store"
