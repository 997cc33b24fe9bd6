"""One-to-one chat: the caller and another user; add-on tokens have no private chats."""

from __future__ import annotations

from tests.sandbox.conftest import Api, client_token, error_of, multipart_related, user_token


def test_a_private_message_is_in_both_users_history(api):
    assert api.post("/v2/user/%40carol/message", {"message": "psst", "message_format": "text"}).status_code == 204
    mine = api.get("/v2/user/%40carol/history").get_json()["items"]
    assert (mine[-1]["message"], mine[-1]["from"]["mention_name"], mine[-1]["message_format"]) == ("psst", "admin", "text")
    carol = Api(api.client, user_token(api, "@carol", "demo-password"))
    theirs = carol.get("/v2/user/%40admin/history").get_json()["items"]
    assert theirs[-1]["id"] == mine[-1]["id"]


def test_the_demo_chat_reads_back_by_message_id(api):
    items = api.get("/v2/user/%40bob/history").get_json()["items"]
    assert [item["message"] for item in items] == ["Hi Bob, got a minute?", "Sure, what's up?", "Can you look at the deploy?"]
    one = api.get(f"/v2/user/%40bob/history/{items[1]['id']}").get_json()["message"]
    assert one["from"]["mention_name"] == "bob"
    latest = api.get("/v2/user/%40bob/history/latest?max-results=1").get_json()["items"]
    assert [item["message"] for item in latest] == ["Can you look at the deploy?"]


def test_a_message_to_oneself_is_a_400(api):
    assert api.post("/v2/user/%40admin/message", {"message": "me"}).status_code == 400


def test_an_add_on_token_cannot_read_private_chats(api):
    response = api.with_token(client_token(api)).get("/v2/user/%40bob/history")
    assert response.status_code == 403
    assert "only available to users" in error_of(response)["message"]


def test_links_and_files_can_be_shared_with_a_user(api):
    assert api.post("/v2/user/%40bob/share/link", {"link": "https://example.com/x"}).status_code == 204
    content_type, body = multipart_related({"message": "spec"}, "spec.txt", "text/plain", b"spec")
    assert api.post("/v2/user/%40bob/share/file", data=body, content_type=content_type).status_code == 204
    items = api.get("/v2/user/%40bob/history").get_json()["items"]
    assert items[-2]["message_links"][0]["url"] == "https://example.com/x"
    assert items[-1]["file"]["name"] == "spec.txt"


def test_an_unknown_user_is_a_404(api):
    response = api.post("/v2/user/nobody%40nowhere/message", {"message": "hi"})
    assert response.status_code == 404
    assert error_of(response)["message"] == "User nobody@nowhere not found"


def test_a_private_message_is_1_to_10000_characters(api):
    assert api.post("/v2/user/%40carol/message", {"message": "x" * 10000}).status_code == 204
    error = error_of(api.post("/v2/user/%40carol/message", {"message": "x" * 10001}))
    assert (error["field"], error["validation"], error["message"]) == ("message", "length", "Invalid length for 'message': 1 - 10000")
