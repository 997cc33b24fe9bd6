"""Coercion: only where it is safe and expected; a String is never changed."""

from __future__ import annotations

import json

from runtime.app import create_app
from runtime.catalog.loading import load_catalog
from runtime.config import ROOT, Settings
from tests.helpers import TOKEN, sent

ROOM = {"authToken": TOKEN, "roomIdOrName": "Ops Room"}


def query_of(upstream) -> dict:
    return dict(sent(upstream)[0].args)


def test_a_number_given_as_text_is_sent_as_a_number(client, upstream):
    upstream.expect_request("/v2/room/Ops Room/history").respond_with_json({"items": []})
    client.post("/api/HipChat/getRoomHistory", json={"args": {**ROOM, "maxResults": "10", "startIndex": "0"}})
    assert query_of(upstream) == {"max-results": "10", "start-index": "0"}


def test_a_boolean_given_as_text_is_sent_as_a_boolean(client, upstream):
    upstream.expect_request("/v2/room/Ops Room/notification", method="POST").respond_with_data("", status=204)
    client.post("/api/HipChat/sendRoomNotification", json={"args": {**ROOM, "message": "hi", "notify": "TRUE"}})
    assert sent(upstream)[0].get_json() == {"message": "hi", "notify": True}


def test_a_string_that_looks_like_a_number_stays_a_string(client, upstream):
    upstream.expect_request("/v2/room/Ops Room/message", method="POST").respond_with_json({"id": "x"}, status=201)
    client.post("/api/HipChat/sendMessageToRoom", json={"args": {**ROOM, "message": "007"}})
    assert sent(upstream)[0].get_json() == {"message": "007"}


def test_a_numeric_id_for_a_string_argument_is_sent_as_its_digits(client, upstream):
    upstream.expect_request("/v2/room/42/member/7", method="PUT").respond_with_data("", status=204)
    response = client.post("/api/HipChat/addMemberToRoom", json={"args": {"authToken": TOKEN, "roomIdOrName": 42, "userIdOrEmail": 7}})
    assert response.get_json()["callback"] == "success"


def test_a_json_argument_given_as_text_is_parsed(client, upstream):
    upstream.expect_request("/v2/addon/ui/room/Ops Room", method="POST").respond_with_data("", status=204)
    glance = '[{"key": "builds", "content": {"label": {"type": "html", "value": "<b>3</b> green"}}}]'
    client.post("/api/HipChat/pushUIChangesToRoom", json={"args": {**ROOM, "glance": glance}})
    assert sent(upstream)[0].get_json() == {
        "glance": [{"key": "builds", "content": {"label": {"type": "html", "value": "<b>3</b> green"}}}]
    }


def test_a_comma_list_becomes_an_array_where_the_catalog_allows_it(client, upstream):
    upstream.expect_request("/v2/user/7", method="PUT").respond_with_data("", status=204)
    args = {
        "authToken": TOKEN,
        "idOrEmail": "7",
        "name": "A",
        "mentionName": "a",
        "email": "a@example.com",
        "roles": "user, admin",
        "title": "t",
        "timezone": "UTC",
        "isGroupAdmin": False,
        "presenceStatus": "s",
        "presenceShow": "chat",
    }
    client.post("/api/HipChat/updateUser", json={"args": args})
    assert sent(upstream)[-1].get_json()["roles"] == ["user", "admin"]


def test_absent_optional_arguments_leave_no_trace(client, upstream):
    upstream.expect_request("/v2/room/Ops Room/notification", method="POST").respond_with_data("", status=204)
    client.post("/api/HipChat/sendRoomNotification", json={"args": {**ROOM, "message": "hi", "color": None, "cardTitle": "", "from": ""}})
    assert sent(upstream)[0].get_json() == {"message": "hi"}


def test_an_empty_topic_is_a_value_where_the_catalog_allows_it(client, upstream):
    upstream.expect_request("/v2/room/Ops Room/topic", method="PUT").respond_with_data("", status=204)
    client.post("/api/HipChat/setRoomTopic", json={"args": {**ROOM, "topic": ""}})
    assert sent(upstream)[0].get_json() == {"topic": ""}


def test_a_default_fills_the_single_wire_value(client, upstream):
    upstream.expect_request("/v2/extension/webPanel/deploy-bot", method="PUT").respond_with_json({}, status=201)
    client.post(
        "/api/HipChat/createGlobalWebPanel",
        json={"args": {"authToken": TOKEN, "key": "deploy-bot", "nameValue": "Deploy", "url": "https://bot.example.com/p"}},
    )
    assert sent(upstream)[0].get_json()["location"] == "hipchat.sidebar.right"


def test_a_path_argument_is_one_segment_whatever_it_holds(client, upstream):
    upstream.expect_request("/v2/room/a/b?c#d", method="GET").respond_with_json({"id": 1})
    client.post("/api/HipChat/getRoom", json={"args": {"authToken": TOKEN, "roomIdOrName": "a/b?c#d"}})
    request = sent(upstream)[0]
    assert request.environ["RAW_URI"] == "/v2/room/a%2Fb%3Fc%23d"
    assert request.query_string == b""


def test_a_conditional_default_applies_only_with_its_trigger(client, upstream):
    upstream.expect_request("/v2/room/Ops Room/notification", method="POST").respond_with_data("", status=204)
    card = {"cardId": "b7", "cardStyle": "application", "cardTitle": "Build 7"}
    client.post("/api/HipChat/sendRoomNotification", json={"args": {**ROOM, "message": "m", **card, "cardDescriptionValue": "All green"}})
    client.post("/api/HipChat/sendRoomNotification", json={"args": {**ROOM, "message": "m", **card}})
    with_description, without = (request.get_json()["card"] for request in sent(upstream))
    assert with_description["description"] == {"value": "All green", "format": "html"}
    assert "description" not in without


def test_a_whole_float_for_an_integer_argument_goes_out_as_an_integer(client, upstream):
    upstream.expect_request("/v2/room/Ops Room/history").respond_with_json({"items": []})
    client.post("/api/HipChat/getRoomHistory", json={"args": {**ROOM, "maxResults": 80.0, "startIndex": "10.0"}})
    assert query_of(upstream) == {"max-results": "80", "start-index": "10"}


CARD = {"cardId": "1", "cardStyle": "application", "cardTitle": "t"}


def test_eighty_thousand_bad_array_items_get_a_short_error_naming_the_argument(client, upstream):
    args = {**ROOM, "message": "m", **CARD, "cardAttributes": [{}] * 80_000}
    response = client.post("/api/HipChat/sendRoomNotification", json={"args": args})
    error = response.get_json()["contextWrites"]["to"]
    assert (response.status_code, error["status_code"], error["fields"]) == (400, "INVALID_ARGUMENTS", ["cardAttributes"])
    assert error["reasons"] == {"cardAttributes": "must have at most 1000 items"}
    assert len(response.get_data()) < 500
    assert upstream.log == []


def test_the_array_cap_is_the_runtime_max_array_items_setting(upstream):
    client = create_app(Settings(api_url=upstream.url_for("/v2"), max_array_items=2)).test_client()
    upstream.expect_request("/v2/room/Ops Room/notification", method="POST").respond_with_data("", status=204)
    attribute = {"label": "env", "value": {"label": "prod"}}
    too_many = client.post(
        "/api/HipChat/sendRoomNotification", json={"args": {**ROOM, "message": "m", **CARD, "cardAttributes": [attribute] * 3}}
    )
    assert too_many.get_json()["contextWrites"]["to"]["reasons"] == {"cardAttributes": "must have at most 2 items"}
    two = client.post(
        "/api/HipChat/sendRoomNotification", json={"args": {**ROOM, "message": "m", **CARD, "cardAttributes": [attribute] * 2}}
    )
    assert two.get_json()["callback"] == "success"
    assert sent(upstream)[0].get_json()["card"]["attributes"] == [attribute] * 2


def test_only_the_first_error_of_an_argument_is_worked_out():
    function = load_catalog(ROOT / "metadata.json").find("sendRoomNotification")
    args = {**ROOM, "message": "m", **CARD, "cardAttributes": [{}] * 1000, "color": "blue"}
    errors = list(function.validator.iter_errors(args))
    assert sorted(str(error.absolute_path[0]) for error in errors) == ["cardAttributes", "color"]


def test_a_catalog_max_items_bound_is_enforced(upstream, tmp_path):
    document = json.loads((ROOT / "metadata.json").read_text())
    block = next(b for b in document["blocks"] if b["name"] == "addMemberToRoom")
    next(a for a in block["args"] if a["name"] == "roomRoles")["maxItems"] = 1
    (tmp_path / "metadata.json").write_text(json.dumps(document))
    client = create_app(Settings(api_url=upstream.url_for("/v2"), catalog_path=str(tmp_path / "metadata.json"))).test_client()
    args = {"authToken": TOKEN, "roomIdOrName": "Ops Room", "userIdOrEmail": "7", "roomRoles": ["room_admin", "room_member"]}
    response = client.post("/api/HipChat/addMemberToRoom", json={"args": args})
    error = response.get_json()["contextWrites"]["to"]
    assert (response.status_code, error["status_code"], error["reasons"]) == (
        400,
        "INVALID_ARGUMENTS",
        {"roomRoles": "must have at most 1 item(s)"},
    )
    assert upstream.log == []


def test_a_room_message_over_1000_characters_is_refused_before_hipchat(client, upstream):
    response = client.post("/api/HipChat/sendMessageToRoom", json={"args": {**ROOM, "message": "x" * 1001}})
    error = response.get_json()["contextWrites"]["to"]
    assert (response.status_code, error["status_code"], error["reasons"]) == (
        400,
        "INVALID_ARGUMENTS",
        {"message": "must be at most 1000 characters long"},
    )
    assert upstream.log == []


def test_a_private_message_takes_10000_characters(client, upstream):
    upstream.expect_request("/v2/user/alice@example.com/message", method="POST").respond_with_data("", status=204)
    response = client.post(
        "/api/HipChat/sendPrivateMessage", json={"args": {"authToken": TOKEN, "idOrEmail": "alice@example.com", "message": "x" * 10_000}}
    )
    assert response.get_json()["callback"] == "success"
    assert len(sent(upstream)[0].get_json()["message"]) == 10_000
