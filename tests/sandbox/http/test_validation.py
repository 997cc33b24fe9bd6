"""Request bodies: a lone surrogate (JSON's "\\ud800", not text) anywhere in a body is a 400 naming its field, never a 500."""

from __future__ import annotations

import pytest

from tests.sandbox.conftest import ADMIN_TOKEN, basic, error_of, multipart_related

LONE = '"x\\ud800y"'  # JSON text: a high surrogate with no low one after it


def post_raw(api, path: str, text: str, method: str = "post"):
    return getattr(api.client, method)(
        path, data=text.encode("ascii"), content_type="application/json", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v2/room/General/message", f'{{"message": {LONE}}}', "message"),
        ("/v2/room/General/notification", f'{{"message": {LONE}}}', "message"),
        ("/v2/room/General/notification", f'{{"message": "m", "from": {LONE}}}', "from"),
        ("/v2/room/General/notification", f'{{"message": "m", "card": {{"style": "link", "id": "c", "title": {LONE}}}}}', "card.title"),
        ("/v2/user/%40carol/message", f'{{"message": {LONE}}}', "message"),
        ("/v2/room/General/share/link", f'{{"link": "https://example.com/", "message": {LONE}}}', "message"),
        ("/v2/room", f'{{"name": {LONE}}}', "name"),
        ("/v2/room/General/webhook", f'{{"url": "https://example.com/h", "event": "room_message", "pattern": {LONE}}}', "pattern"),
    ],
)
def test_a_lone_surrogate_in_a_json_body_is_a_400_naming_the_field(api, path, body, field):
    response = post_raw(api, path, body)
    assert response.status_code == 400
    error = error_of(response)
    assert (error["field"], error["validation"]) == (field, "encoding")
    assert "lone surrogate" in error["message"]


def test_a_lone_surrogate_in_a_member_name_is_a_400(api):
    error = error_of(post_raw(api, "/v2/room/General/message", '{"message": "hi", "\\udc00": 1}'))
    assert error["validation"] == "encoding"


def test_a_lone_surrogate_in_an_update_is_a_400(api):
    body = f'{{"name": "Bob", "mention_name": "bob", "email": "bob@sandbox.local", "title": {LONE}}}'
    assert error_of(post_raw(api, "/v2/user/%40bob", body, "put"))["field"] == "title"


def test_a_surrogate_pair_is_text(api):
    response = post_raw(api, "/v2/room/General/message", '{"message": "rocket \\ud83d\\ude80"}')
    assert response.status_code == 201
    assert api.get("/v2/room/General/history/latest?max-results=1").get_json()["items"][0]["message"] == "rocket \U0001f680"


def test_a_lone_surrogate_in_a_share_metadata_part_is_a_400(api):
    content_type, data = multipart_related({"message": "x\ud800y"}, "a.txt", "text/plain", b"hello")  # json.dumps escapes it
    response = api.post("/v2/room/General/share/file", data=data, content_type=content_type)
    assert error_of(response)["field"] == "message"


def test_a_lone_surrogate_in_an_admin_body_is_a_400(api):
    response = post_raw(api, "/_sandbox/login", f'{{"code": {LONE}}}')
    assert (response.status_code, error_of(response)["field"]) == (400, "code")


def test_undecodable_form_bytes_are_refused_not_a_500(api):
    form = "grant_type=client_credentials&scope=%ED%A0%80"  # the UTF-8 form of a surrogate: not valid UTF-8
    response = api.client.post("/v2/oauth/token", data=form, headers={**basic(), "Content-Type": "application/x-www-form-urlencoded"})
    assert (response.status_code, error_of(response)["field"]) == (400, "scope")
