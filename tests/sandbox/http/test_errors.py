"""Every failure answers in HipChat's error format, never HTML: unknown routes, wrong methods, crashes, oversized bodies."""

from __future__ import annotations

import pytest

from tests.sandbox.conftest import ADMIN_TOKEN, error_of, make_app, stop


def test_an_unknown_route_is_a_json_404(api):
    response = api.get("/v2/no/such/thing")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert error_of(response) == {"code": 404, "message": "Resource not found", "type": "Not Found"}


def test_a_wrong_method_is_a_json_405_with_allow(api):
    response = api.client.patch("/v2/room/General", headers={"Authorization": "Bearer x"})
    assert response.status_code == 405
    assert error_of(response)["type"] == "Method Not Allowed"
    assert "PUT" in response.headers["Allow"]


def test_a_crash_is_a_json_500():
    app = make_app()
    app.add_url_rule("/v2/boom", "boom", lambda: 1 / 0)
    try:
        response = app.test_client().get("/v2/boom")
        assert response.status_code == 500
        assert error_of(response) == {"code": 500, "message": "Internal server error", "type": "Internal Server Error"}
    finally:
        stop(app)


def test_a_body_over_the_upload_limit_is_a_json_413():
    app = make_app(max_upload_bytes=1000)
    try:
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        response = app.test_client().post("/v2/room", data=b"x" * 2000, content_type="application/json", headers=headers)
        assert response.status_code == 413
        assert error_of(response)["type"] == "Request Entity Too Large"
    finally:
        stop(app)


def test_a_non_json_body_is_hipchats_invalid_content_type(api):
    response = api.post("/v2/room", data="name=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert error_of(response)["message"] == "Invalid content type: application/x-www-form-urlencoded"


@pytest.mark.parametrize(("path", "body"), [("/v2/room/General/message", {}), ("/v2/room/General/notification", {"color": "red"})])
def test_a_missing_field_is_named_as_hipchat_does(api, path, body):
    response = api.post(path, body)
    assert response.status_code == 400
    assert error_of(response) == {
        "code": 400,
        "field": "message",
        "message": "Required field 'message' is missing",
        "type": "Bad Request",
        "validation": "optional",
        "value": None,
    }


def test_a_too_long_field_gives_its_length_range(api):
    response = api.post("/v2/room/General/message", {"message": "x" * 1001})
    error = error_of(response)
    assert (error["field"], error["validation"], error["message"]) == ("message", "length", "Invalid length for 'message': 1 - 1000")


def test_a_nested_field_error_names_its_dotted_path(api):
    card = {"style": "application", "id": "1", "title": "t", "thumbnail": {"url": "x" * 251}}
    response = api.post("/v2/room/General/notification", {"message": "m", "card": card})
    assert error_of(response)["field"] == "card.thumbnail.url"
