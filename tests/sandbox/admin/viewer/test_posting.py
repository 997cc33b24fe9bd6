"""Posting from the viewer as one of the sandbox's users: the message is that user's and raises room_message."""

from __future__ import annotations

import json

import pytest

from tests.sandbox.conftest import error_of, history
from tests.sandbox.delivery.test_webhooks import hook, received

POST = "/_sandbox/viewer/api/rooms/{room}/messages"


def user_id(api, mention: str) -> int:
    return next(u["id"] for u in api.get("/_sandbox/api/users").get_json()["items"] if u["mention_name"] == mention)


def test_a_post_is_the_users_message_and_raises_room_message(api, httpserver):
    hook(api, httpserver, "room_message", pattern="^/standup")
    bob = user_id(api, "bob")
    response = api.post(POST.format(room="General"), {"user_id": bob, "message": "/standup hi"})
    assert response.status_code == 201
    newest = history(api, "General", **{"max-results": 1})["items"][0]
    assert (newest["id"], newest["message"], newest["from"]["mention_name"]) == (response.get_json()["id"], "/standup hi", "bob")
    (request,) = received(httpserver)
    assert json.loads(request.get_data())["item"]["message"]["from"]["id"] == bob


def test_a_post_to_a_private_room_the_user_cannot_see_is_a_403(api):
    response = api.post(POST.format(room="Ops Room"), {"user_id": user_id(api, "carol"), "message": "let me in"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [({"user_id": 2}, 400, "message"), ({"message": "hi"}, 400, "user_id"), ({"user_id": "2", "message": "hi"}, 400, "user_id")],
)
def test_a_bad_post_names_the_field(api, body, status, field):
    response = api.post(POST.format(room="General"), body)
    assert response.status_code == status and error_of(response)["field"] == field


def test_posting_as_a_deleted_or_unknown_user_is_a_404(api):
    assert api.post(POST.format(room="General"), {"user_id": user_id(api, "erin"), "message": "hi"}).status_code == 404
    assert api.post(POST.format(room="General"), {"user_id": 9999, "message": "hi"}).status_code == 404


def test_the_room_page_has_the_compose_form_and_the_sidebar_the_add_ons_page(api):
    html = api.client.get("/_sandbox/rooms/1").get_data(as_text=True)
    assert 'data-post-url="/_sandbox/viewer/api/rooms/1/messages"' in html and 'id="compose"' in html
    assert 'href="/_sandbox/addons"' in html
    page = api.client.get("/_sandbox/addons")
    assert page.status_code == 200 and 'data-addons-url="/_sandbox/api/addons"' in page.get_data(as_text=True)
