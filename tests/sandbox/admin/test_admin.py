"""/_sandbox/: reset, seed, the journal (tokens redacted) and the JSON the room viewer and bot authors read."""

from __future__ import annotations

import re
import sqlite3
import threading
from urllib.parse import urlencode

from tests.sandbox.conftest import ADMIN_TOKEN, CLIENT_ID, Api, basic, make_app, send, stop


def test_reset_empties_the_sandbox_but_keeps_the_admin_token(api):
    send(api, "General", "soon gone")
    body = api.post("/_sandbox/reset").get_json()
    assert body["demo"] is None
    assert api.get("/_sandbox/journal").status_code == 200, "the admin token still opens /_sandbox/"
    assert api.get("/v2/room").get_json()["items"] == []
    assert api.get("/v2/user").get_json()["items"][0]["mention_name"] == "admin"


def test_reset_with_demo_and_seed_bring_the_demo_data(api):
    api.post("/_sandbox/reset")
    assert api.post("/_sandbox/seed").get_json()["demo"]["rooms"] == ["General", "Old Projects", "Ops Room", "Random"]
    assert api.get("/v2/room/General").status_code == 200
    again = api.post("/_sandbox/reset", {"demo": True}).get_json()
    assert again["demo"]["users"] == ["@bob", "@carol", "@dave", "@erin"]


def test_seed_is_idempotent(api):
    api.post("/_sandbox/seed")
    assert len(api.get("/v2/room?include-archived=true").get_json()["items"]) == 4


def test_the_journal_records_requests_without_tokens(api):
    api.with_token(None).get(f"/v2/room?auth_token={ADMIN_TOKEN}&max-results=5")
    api.client.post("/v2/oauth/token", data={"grant_type": "password", "username": "@bob", "password": "demo-password"})
    items = api.get("/_sandbox/journal").get_json()["items"]
    listing, token_call = items[-2], items[-1]
    assert (listing["method"], listing["path"], listing["status"], listing["principal"]) == ("GET", "/v2/room", 200, "user:1")
    assert listing["query"] == "auth_token=%5Bredacted%5D&max-results=5"
    assert '"name":"General"' in listing["response"]
    assert "demo-password" not in token_call["request"] and "[redacted]" in token_call["request"]
    assert '"access_token":"[redacted]"' in token_call["response"] and '"refresh_token":"[redacted]"' in token_call["response"]
    everything = str(items)
    assert ADMIN_TOKEN not in everything


def test_the_journal_pages_by_id(api):
    for _ in range(3):
        api.get("/v2/room")
    first = api.get("/_sandbox/journal?limit=2").get_json()
    rest = api.get(f"/_sandbox/journal?since={first['last_id']}").get_json()
    assert len(first["items"]) == 2 and len(rest["items"]) == 1


def test_the_journal_keeps_only_the_latest_entries():
    app = make_app(journal_max=50)
    try:
        api = Api(app.test_client())
        for _ in range(120):
            api.get("/v2/capabilities")
        assert len(api.get("/_sandbox/journal?limit=1000").get_json()["items"]) < 100
    finally:
        stop(app)


def test_rooms_and_room_history_for_the_viewer(api):
    rooms = api.get("/_sandbox/api/rooms").get_json()["items"]
    general = next(room for room in rooms if room["name"] == "General")
    assert general["messages_sent"] == 5 and general["topic"] == "Welcome to the HipChat sandbox"
    page = api.get(general["history"].replace("http://sandbox.test", "") + "?limit=4").get_json()
    types = [item["type"] for item in page["items"]]
    assert types == ["message", "topic", "message", "notification"], "newest first"
    assert page["items"][2]["file"]["name"] == "checklist.txt"
    assert page["items"][3]["card"]["title"] == "Build #42 passed"
    older = api.get(f"/_sandbox/api/rooms/{general['id']}/history?before={page['next_before']}").get_json()
    assert len(older["items"]) == 2 and older["next_before"] is None


def test_private_chats_and_users_for_the_viewer(api):
    chat = api.get("/_sandbox/api/chats").get_json()["items"][0]
    assert chat["messages"] == 3
    assert len(api.get(f"/_sandbox/api/chats/{chat['chat']}/history").get_json()["items"]) == 3
    users = api.get("/_sandbox/api/users").get_json()["items"]
    assert [u["mention_name"] for u in users if u["is_deleted"]] == ["erin"]


def test_fill_adds_history_in_bulk(api):
    room = api.post("/v2/room", {"name": "Bulk"}).get_json()["id"]
    assert api.post(f"/_sandbox/api/rooms/{room}/fill", {"count": 2500}).get_json()["added"] == 2500
    assert api.get(f"/v2/room/{room}/statistics").get_json()["messages_sent"] == 2500
    newest = api.get(f"/v2/room/{room}/history?max-results=1").get_json()["items"][0]
    assert newest["message"] == "fill message 2499"


def test_fill_refuses_a_bad_count(api):
    assert api.post("/_sandbox/api/rooms/1/fill", {"count": 0}).status_code == 400
    assert api.post("/_sandbox/api/rooms/1/fill", {"count": True}).status_code == 400


def test_fill_takes_at_most_50000_messages_a_request(api):
    response = api.post("/_sandbox/api/rooms/1/fill", {"count": 50_001})
    assert (response.status_code, response.get_json()["error"]["field"]) == (400, "count")
    assert api.post("/_sandbox/api/rooms/1/fill", {"count": 50_000}).get_json()["added"] == 50_000


def test_a_fill_commits_in_batches_while_other_requests_run(gunicorn_sandbox):
    """Messages sent while a fill runs are stored between its batches, not after all of them."""
    server = gunicorn_sandbox.start()
    admin = server.session()
    room = admin.post(f"{server.url}/v2/room", json={"name": "Bulk"}, timeout=10).json()["id"]
    filled: list[int] = []

    def fill() -> None:
        filled.append(admin.post(f"{server.url}/_sandbox/api/rooms/{room}/fill", json={"count": 50_000}, timeout=120).json()["added"])

    filler = threading.Thread(target=fill)
    filler.start()
    other, sent = server.session(), 0
    while filler.is_alive():
        response = other.post(f"{server.url}/v2/room/{room}/message", json={"message": f"meanwhile {sent}"}, timeout=60)
        assert response.status_code == 201
        sent += 1
    filler.join()
    assert filled == [50_000]
    with sqlite3.connect(server.db_path) as conn:
        first, last = conn.execute("SELECT min(seq), max(seq) FROM messages WHERE message LIKE 'fill message %'").fetchone()
        between = conn.execute("SELECT count(*) FROM messages WHERE message LIKE 'meanwhile %' AND seq BETWEEN ? AND ?", (first, last))
        assert between.fetchone()[0] >= 1, f"{sent} messages sent during the fill, none stored between its batches"


def test_installing_an_add_on_gives_credentials_that_get_tokens(api):
    installed = api.post("/_sandbox/api/addons", {"key": "helper", "name": "Helper", "scopes": ["send_notification"]})
    assert installed.status_code == 201
    body = installed.get_json()
    token = api.client.post("/v2/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(body["id"], body["oauth_secret"]))
    assert token.get_json()["scope"] == "send_notification"


def test_the_journal_keeps_no_oauth_code_from_a_redirect(api):
    consent = {"client_id": CLIENT_ID, "redirect_uri": "https://bot.example/done", "state": "s1", "user_id": "@bob", "approve": True}
    location = api.post("/_sandbox/api/consents", consent).get_json()["location"]
    code = location.split("code=", 1)[1].split("&", 1)[0]
    signed_in = api.with_token(None)
    signed_in.client.post("/users/authorize/sign-in", data={"username": "@bob", "password": "demo-password", **consent})
    page = signed_in.client.get("/users/authorize?" + urlencode({k: consent[k] for k in ("client_id", "redirect_uri", "state")}))
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    form = {"client_id": CLIENT_ID, "redirect_uri": "https://bot.example/done", "state": "s1", "csrf_token": csrf, "decision": "approve"}
    response = signed_in.client.post("/users/authorize", data=form)
    assert response.status_code == 302
    entries = api.get("/_sandbox/journal").get_json()["items"]
    entry = entries[-1]
    assert entry["response"] == "Location: https://bot.example/done?code=%5Bredacted%5D&state=s1"
    assert "demo-password" not in str(entries) and csrf not in str(entries)
    assert code not in str(entry)
