"""Sending to a room (messages, notifications with cards, replies, links, files) and reading its history."""

from __future__ import annotations

from tests.sandbox.conftest import CLIENT_ID, client_token, create_room, error_of, history, multipart_related, send, statements_during

CARD = {
    "style": "application",
    "id": "card-1",
    "title": "Deploy 1.2",
    "url": "https://ci.example.com/1",
    "description": {"value": "<b>done</b>", "format": "html"},
    "attributes": [{"label": "env", "value": {"label": "prod", "style": "lozenge-success"}}],
}


def test_send_message_answers_201_with_id_and_timestamp(api):
    response = api.post("/v2/room/General/message", {"message": "Hello @carol, see https://example.com/a"})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id", "timestamp"}
    assert len(body["id"]) == 36 and body["timestamp"].endswith("+00:00")
    item = history(api, "General")["items"][-1]
    assert item["id"] == body["id"]
    assert item["date"] == body["timestamp"]
    assert item["type"] == "message"
    assert item["from"]["mention_name"] == "admin"
    assert [user["mention_name"] for user in item["mentions"]] == ["carol"]
    assert item["message_links"][0]["url"] == "https://example.com/a"
    assert "message_format" not in item and "color" not in item


def test_a_notification_is_a_204_and_keeps_color_format_card_and_label(api):
    body = {"message": "<b>Deployed</b>", "color": "green", "message_format": "html", "from": "CI bot", "card": CARD, "notify": True}
    assert api.post("/v2/room/General/notification", body).status_code == 204
    item = history(api, "General")["items"][-1]
    assert (item["type"], item["from"], item["color"], item["message_format"], item["card"]) == (
        "notification",
        "CI bot",
        "green",
        "html",
        CARD,
    )


def test_a_notification_defaults_to_yellow_html(api):
    api.post("/v2/room/General/notification", {"message": "plain"})
    item = history(api, "General")["items"][-1]
    assert (item["color"], item["message_format"]) == ("yellow", "html")


def test_a_random_color_is_one_of_hipchats(api):
    api.post("/v2/room/General/notification", {"message": "lucky", "color": "random"})
    assert history(api, "General")["items"][-1]["color"] in ("yellow", "green", "red", "purple", "gray")


def test_a_card_without_its_id_is_a_400(api):
    card = {key: value for key, value in CARD.items() if key != "id"}
    assert error_of(api.post("/v2/room/General/notification", {"message": "m", "card": card}))["field"] == "card.id"


def test_attach_to_must_name_a_message_of_the_room(api):
    response = api.post("/v2/room/General/notification", {"message": "m", "attach_to": "nope"})
    assert error_of(response)["field"] == "attach_to"
    parent = send(api, "General", "parent")
    assert api.post("/v2/room/General/notification", {"message": "m", "attach_to": parent}).status_code == 204
    assert history(api, "General")["items"][-1]["attach_to"] == parent


def test_a_reply_carries_its_parent_id(api):
    parent = send(api, "General", "question?")
    assert api.post("/v2/room/General/reply", {"parentMessageId": parent, "message": "answer"}).status_code == 204
    item = history(api, "General")["items"][-1]
    assert (item["message"], item["parentMessageId"]) == ("answer", parent)


def test_a_reply_to_an_unknown_message_is_a_400(api):
    assert error_of(api.post("/v2/room/General/reply", {"parentMessageId": "x", "message": "a"}))["field"] == "parentMessageId"


def test_a_shared_link_is_a_message_with_its_link(api):
    assert api.post("/v2/room/General/share/link", {"link": "https://example.com/doc", "message": "read this"}).status_code == 204
    item = history(api, "General")["items"][-1]
    assert item["message"] == "read this"
    assert item["message_links"][0]["type"] == "link" and item["message_links"][0]["url"] == "https://example.com/doc"


def test_a_shared_file_is_stored_and_served_back(api):
    content_type, body = multipart_related({"message": "the logs"}, "build.log", "text/plain", b"line 1\nline 2\n")
    assert api.post("/v2/room/General/share/file", data=body, content_type=content_type).status_code == 204
    item = history(api, "General")["items"][-1]
    assert item["message"] == "the logs"
    assert (item["file"]["name"], item["file"]["size"]) == ("build.log", 14)
    served = api.with_token(None).get(item["file"]["url"].replace("http://sandbox.test", ""))
    assert served.status_code == 200
    assert served.data == b"line 1\nline 2\n"


def test_a_shared_image_has_a_thumbnail_url(api):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 20
    content_type, body = multipart_related(None, "shot.png", "image/png", png)
    assert api.post("/v2/room/General/share/file", data=body, content_type=content_type).status_code == 204
    assert history(api, "General")["items"][-1]["file"]["thumb_url"].endswith("/shot.png")


def test_a_share_without_a_file_part_is_a_400(api):
    content_type = "multipart/related; boundary=b"
    body = b'--b\r\nContent-Type: application/json\r\nContent-Disposition: attachment; name="metadata"\r\n\r\n{}\r\n--b--\r\n'
    assert error_of(api.post("/v2/room/General/share/file", data=body, content_type=content_type))["field"] == "file"


def test_a_message_is_read_back_wrapped(api):
    message_id = send(api, "General", "find me")
    response = api.get(f"/v2/room/General/history/{message_id}")
    assert response.status_code == 200
    assert response.get_json()["message"]["message"] == "find me"


def test_an_unknown_message_is_a_404(api):
    assert api.get("/v2/room/General/history/00000000-0000-0000-0000-000000000000").status_code == 404


def test_a_message_of_another_room_is_not_found_through_this_one(api):
    message_id = send(api, "Random", "elsewhere")
    assert api.get(f"/v2/room/General/history/{message_id}").status_code == 404


def test_history_is_oldest_first_by_default_and_newest_first_when_not_reversed(api):
    room_id = create_room(api, "Ordered")
    for n in range(3):
        send(api, room_id, f"m{n}")
    assert [item["message"] for item in history(api, room_id)["items"]] == ["m0", "m1", "m2"]
    assert [item["message"] for item in history(api, room_id, reverse="false")["items"]] == ["m2", "m1", "m0"]


def test_history_pages_count_back_from_the_newest(api):
    room_id = create_room(api, "Paged")
    for n in range(5):
        send(api, room_id, f"m{n}")
    first = history(api, room_id, **{"max-results": 2})
    assert [item["message"] for item in first["items"]] == ["m3", "m4"]
    assert "next" in first["links"]
    last = history(api, room_id, **{"max-results": 2, "start-index": 4})
    assert [item["message"] for item in last["items"]] == ["m0"]
    assert "next" not in last["links"]


def test_history_date_and_end_date_bound_the_window(api):
    room_id = create_room(api, "Dated")
    stamps = []
    for n in range(3):
        stamps.append(api.post(f"/v2/room/{room_id}/message", {"message": f"m{n}"}).get_json()["timestamp"])
    middle = history(api, room_id, date=stamps[1], **{"end-date": stamps[1]})
    assert [item["message"] for item in middle["items"]] == ["m1"]


def test_history_dates_are_given_in_the_asked_timezone(api):
    item = history(api, "General", timezone="Asia/Tokyo")["items"][-1]
    assert item["date"].endswith("+09:00")


def test_an_unknown_timezone_is_a_400(api):
    assert error_of(api.get("/v2/room/General/history?timezone=Mars/Olympus"))["field"] == "timezone"


def test_latest_history_stops_at_not_before(api):
    room_id = create_room(api, "Latest")
    ids = [send(api, room_id, f"m{n}") for n in range(4)]
    body = api.get(f"/v2/room/{room_id}/history/latest?not-before={ids[2]}").get_json()
    assert [item["message"] for item in body["items"]] == ["m2", "m3"]
    assert set(body) == {"items", "maxResults", "links"}
    assert api.get(f"/v2/room/{room_id}/history/latest?max-results=1").get_json()["items"][0]["message"] == "m3"


def test_date_recent_is_the_latest_75_without_paging(api):
    room_id = create_room(api, "Busy")
    api.post(f"/_sandbox/api/rooms/{room_id}/fill", {"count": 80})
    body = history(api, room_id, date="recent")
    assert len(body["items"]) == 75
    assert body["items"][-1]["message"] == "fill message 79"
    assert "next" not in body["links"]


def test_a_room_message_is_1_to_1000_characters(api):
    assert api.post("/v2/room/General/message", {"message": "x" * 1000}).status_code == 201
    error = error_of(api.post("/v2/room/General/message", {"message": "x" * 1001}))
    assert (error["field"], error["validation"], error["message"]) == ("message", "length", "Invalid length for 'message': 1 - 1000")


def test_a_send_reads_the_room_once_before_its_write_and_the_callers_user_once(sandbox_app, api):
    api.post("/v2/room/General/notification", {"message": "first"})
    statements = statements_during(sandbox_app, lambda: api.post("/v2/room/General/notification", {"message": "second"}))
    write = statements.index("BEGIN IMMEDIATE")
    before, inside = statements[:write], statements[write:]
    assert sum(" FROM rooms " in statement for statement in before) == 1, before
    assert sum(" FROM rooms " in statement for statement in inside) == 1, inside  # checked again where it is written
    assert sum(" FROM users " in statement for statement in statements) == 1, statements
    assert "BEGIN" not in before, "the gate's reads are single statements"


def test_a_notification_without_from_is_labelled_with_the_add_ons_name_or_the_users(sandbox_app, api):
    database = sandbox_app.extensions["sandbox"].db
    api.post("/v2/room/General/notification", {"message": "by a user"})
    assert history(api, "General")["items"][-1]["from"] == api.get("/v2/user/1").get_json()["name"]
    assert api.with_token(client_token(api)).post("/v2/room/General/notification", {"message": "by an add-on"}).status_code == 204
    addon_name = database.fetch_all("SELECT name FROM oauth_clients WHERE id = ?", (CLIENT_ID,))[0]["name"]
    assert history(api, "General")["items"][-1]["from"] == addon_name
