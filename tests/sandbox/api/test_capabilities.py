"""GET /v2/capabilities answers without a token (it is the health check); the add-on descriptor schema in two drafts."""

from __future__ import annotations

import jsonschema

from tests.sandbox.conftest import error_of, make_app, stop


def test_capabilities_answer_without_a_token_with_absolute_links(api):
    response = api.with_token(None).get("/v2/capabilities")
    assert response.status_code == 200
    body = response.get_json()
    assert body["links"]["self"] == "http://sandbox.test/v2/capabilities"
    assert body["capabilities"]["oauth2Provider"]["tokenUrl"] == "http://sandbox.test/v2/oauth/token"
    assert body["capabilities"]["hipchatApiProvider"]["url"] == "http://sandbox.test/v2/"
    scopes = body["capabilities"]["hipchatApiProvider"]["availableScopes"]
    assert scopes["send_notification"] == {"description": "Send room notifications", "id": "send_notification", "name": "Send Notification"}


def test_links_follow_the_request_host_when_no_public_url_is_set():
    app = make_app(public_url="", demo=False)
    try:
        response = app.test_client().get("/v2/capabilities", base_url="http://chat.internal:8001")
        assert response.get_json()["links"]["api"] == "http://chat.internal:8001/v2"
    finally:
        stop(app)


def test_links_follow_each_request_s_own_host_and_scheme_in_turn():
    app = make_app(public_url="", demo=False)
    try:
        client = app.test_client()
        for base in ("http://chat.internal:8001", "https://chat.example", "http://chat.internal:8001", "http://other:9"):
            assert client.get("/v2/capabilities", base_url=base).get_json()["links"]["api"] == f"{base}/v2"
    finally:
        stop(app)


def test_the_addon_schema_validates_a_descriptor(api):
    schema = api.with_token(None).get("/v2/capabilities/addon/schema").get_json()
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    descriptor = {
        "key": "my-addon",
        "name": "My add-on",
        "description": "Echo bot",
        "links": {"self": "https://addon.example/capabilities"},
        "capabilities": {"webhook": [{"url": "https://addon.example/echo", "event": "room_message", "pattern": "^/echo"}]},
    }
    jsonschema.Draft4Validator(schema).validate(descriptor)
    bad = {**descriptor, "capabilities": {"webhook": [{"url": "https://addon.example/echo", "event": "room_talk"}]}}
    assert not jsonschema.Draft4Validator(schema).is_valid(bad)


def test_the_v2_draft_marks_required_properties_one_by_one(api):
    schema = api.with_token(None).get("/v2/capabilities/addon/schema?draft=v2").get_json()
    assert "required" not in schema
    assert schema["properties"]["key"]["required"] is True
    webhook = schema["properties"]["capabilities"]["properties"]["webhook"]["items"]
    assert webhook["properties"]["event"]["required"] is True


def test_an_unknown_draft_is_a_400_naming_it(api):
    response = api.get("/v2/capabilities/addon/schema?draft=v7")
    assert response.status_code == 400
    assert error_of(response)["field"] == "draft"
