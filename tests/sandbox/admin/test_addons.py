"""Add-ons installed from their descriptor, as HipChat did: the descriptor served by a loopback add-on (pytest-httpserver),
the installation POST, scopes, declared extensions live, uninstall, and rollback when the add-on refuses."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import jwt
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.helpers import free_port, raw_http_server
from tests.sandbox.conftest import Api, basic, error_of, make_app, send, stop
from tests.sandbox.delivery.receivers import Receiver, drip_head
from tests.sandbox.delivery.test_webhooks import received, wait_until

ADDONS = "/_sandbox/api/addons"


def descriptor(httpserver, **capabilities: Any) -> dict[str, Any]:
    base = httpserver.url_for("").rstrip("/")
    found = {
        "key": "standup-test",
        "name": "Standup test",
        "description": "A test add-on",
        "links": {"self": f"{base}/capabilities.json"},
        "capabilities": {
            "hipchatApiConsumer": {"scopes": ["send_notification", "view_room"]},
            "installable": {"callbackUrl": f"{base}/installed"},
            "webhook": [
                {"url": f"{base}/standup", "event": "room_message", "pattern": "^/standup", "authentication": "jwt", "name": "Standup"}
            ],
            "glance": [
                {"key": "standup-count", "name": {"value": "Standup"}, "icon": {"url": f"{base}/i.png", "url@2x": f"{base}/i2.png"}}
            ],
            "webPanel": [{"key": "standup-panel", "name": {"value": "Notes"}, "url": f"{base}/panel", "location": "hipchat.sidebar.right"}],
            "dialog": [{"key": "standup-dialog", "title": {"value": "Standup"}, "url": f"{base}/dialog"}],
            "action": [
                {"key": "standup-action", "name": {"value": "Note it"}, "target": "standup-dialog", "location": "hipchat.message.action"}
            ],
            "configurable": {"url": f"{base}/configure"},
        },
    }
    found["capabilities"].update(capabilities)
    return found


def serve(httpserver, document: dict[str, Any], callback_status: int = 201) -> str:
    """The add-on: its descriptor, and an installation callback answering callback_status."""
    httpserver.expect_request("/capabilities.json", method="GET").respond_with_json(document)
    httpserver.expect_request("/installed", method="POST").respond_with_data("", status=callback_status)
    return httpserver.url_for("/capabilities.json")


def callbacks(httpserver) -> list[dict[str, Any]]:
    return [json.loads(request.get_data()) for request, _ in httpserver.log if request.path == "/installed" and request.method == "POST"]


def install(api: Api, httpserver, room_id: int | None = 1, **capabilities: Any) -> dict[str, Any]:
    url = serve(httpserver, descriptor(httpserver, **capabilities))
    response = api.post(ADDONS, {"descriptor_url": url, **({"room_id": room_id} if room_id is not None else {})})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def token_for(api: Api, installed: dict[str, Any], scope: str | None = None) -> Any:
    form = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    return api.client.post("/v2/oauth/token", data=form, headers=basic(installed["id"], installed["oauth_secret"]))


def test_a_room_install_posts_the_installation_to_the_callback_url(api, httpserver):
    installed = install(api, httpserver)
    assert callbacks(httpserver) == [
        {
            "oauthId": installed["id"],
            "oauthSecret": installed["oauth_secret"],
            "capabilitiesUrl": "http://sandbox.test/v2/capabilities",
            "roomId": 1,
            "groupId": 1,
        }
    ]
    assert (installed["addon_key"], installed["name"], installed["room_id"]) == ("standup-test", "Standup test", 1)
    assert installed["descriptor_url"] == httpserver.url_for("/capabilities.json")
    assert installed["installable_url"] is None
    assert api.get(f"{ADDONS}/{installed['id']}").get_json()["id"] == installed["id"]


def test_an_installation_shows_the_descriptor_it_was_installed_from(api, httpserver):
    installed = install(api, httpserver)
    assert installed["descriptor"] == descriptor(httpserver)
    assert api.get(f"{ADDONS}/{installed['id']}").get_json()["descriptor"] == descriptor(httpserver)


def test_a_global_install_sends_no_room_id(api, httpserver):
    installed = install(api, httpserver, room_id=None)
    (body,) = callbacks(httpserver)
    assert set(body) == {"oauthId", "oauthSecret", "capabilitiesUrl", "groupId"}
    assert (body["oauthId"], installed["room_id"]) == (installed["id"], None)


def test_the_installations_client_gets_tokens_limited_to_the_descriptors_scopes(api, httpserver):
    installed = install(api, httpserver)
    granted = token_for(api, installed)
    assert granted.status_code == 200 and granted.get_json()["scope"] == "send_notification view_room"
    assert error_of(token_for(api, installed, "admin_group"))["field"] == "scope"
    addon = api.with_token(granted.get_json()["access_token"])
    assert addon.post("/v2/room/1/notification", {"message": "from the add-on"}).status_code == 204
    outside = addon.post("/v2/room", {"name": "Not allowed"})
    assert outside.status_code == 403 and "manage_rooms" in error_of(outside)["message"]
    assert addon.get("/v2/room/2").status_code == 403, "a room installation's token is for its room"


def test_the_add_on_can_get_a_token_while_it_handles_the_installation(sandbox_app, httpserver):
    """The client is committed before the POST, as ac-flask-hipchat needs: it validates an installation by getting a token."""
    api = Api(sandbox_app.test_client())
    statuses: list[int] = []

    def on_install(request: Request) -> Response:
        body = json.loads(request.get_data())
        answer = sandbox_app.test_client().post(
            "/v2/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(body["oauthId"], body["oauthSecret"])
        )
        statuses.append(answer.status_code)
        return Response(status=204 if answer.status_code == 200 else 400)

    httpserver.expect_request("/capabilities.json").respond_with_json(descriptor(httpserver))
    httpserver.expect_request("/installed", method="POST").respond_with_handler(on_install)
    response = api.post(ADDONS, {"descriptor_url": httpserver.url_for("/capabilities.json"), "room_id": 1})
    assert response.status_code == 201, response.get_json()
    assert statuses == [200]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("key"), "key"),
        (lambda d: d["capabilities"]["webhook"][0].update(event="room_talk"), "capabilities.webhook.0.event"),
        (lambda d: d["capabilities"]["webhook"][0].update(url="ftp://addon/hook"), "capabilities.webhook.0.url"),
        (lambda d: d["capabilities"]["webhook"][0].update(pattern="(a)\\1"), "capabilities.webhook.0.pattern"),
        (lambda d: d["capabilities"]["hipchatApiConsumer"].update(scopes=["fly"]), "capabilities.hipchatApiConsumer.scopes.0"),
        (lambda d: d["capabilities"]["installable"].pop("callbackUrl"), "capabilities.installable.callbackUrl"),
        (lambda d: d["capabilities"]["glance"].append(d["capabilities"]["glance"][0]), "capabilities.glance.1.key"),
        (lambda d: d["capabilities"]["webhook"][0].update(url="http://SANDBOX.test./_sandbox/reset"), "capabilities.webhook.0.url"),
        # A pattern's $ is the end of the value (ECMA-262), not also the place before a final newline (Python's $)
        (lambda d: d.update(key=f"{d['key']}\n"), "key"),
        (lambda d: d["capabilities"]["glance"][0].update(key="standup-count\n"), "capabilities.glance.0.key"),
        (lambda d: d["capabilities"]["webhook"][0].update(url=f"{d['capabilities']['webhook'][0]['url']}\n"), "capabilities.webhook.0.url"),
        (lambda d: d["capabilities"]["installable"].update(callbackUrl=f"{d['links']['self']}\n"), "capabilities.installable.callbackUrl"),
    ],
    ids=[
        "no-key",
        "event",
        "url",
        "pattern",
        "scope",
        "no-callback",
        "twice-the-key",
        "at-the-sandbox-itself",
        "key-then-newline",
        "glance-key-then-newline",
        "url-then-newline",
        "callback-then-newline",
    ],
)
def test_a_descriptor_with_a_bad_field_is_refused_naming_it(api, httpserver, change, field):
    document = descriptor(httpserver)
    change(document)
    response = api.post(ADDONS, {"descriptor_url": serve(httpserver, document), "room_id": 1})
    assert response.status_code == 400
    error = error_of(response)
    assert error["field"] == field and error["message"].startswith("Invalid add-on descriptor")
    assert callbacks(httpserver) == [], "nothing is installed"
    assert [item["addon_key"] for item in api.get(ADDONS).get_json()["items"]] == ["sandbox-addon"]


def test_a_descriptor_without_a_callback_url_is_refused_saying_the_field_is_required(api, httpserver):
    """DAC server-side-installation: HipChat POSTs the installation to installable.callbackUrl, so it is required."""
    document = descriptor(httpserver)
    document["capabilities"]["installable"].pop("callbackUrl")
    response = api.post(ADDONS, {"descriptor_url": serve(httpserver, document), "room_id": 1})
    assert response.status_code == 400
    error = error_of(response)
    assert (error["field"], error["validation"]) == ("capabilities.installable.callbackUrl", "required")
    assert "installable.callbackUrl is required" in error["message"], error["message"]


def test_a_declared_webhook_fires_with_the_installations_jwt(api, httpserver):
    httpserver.expect_request("/standup", method="POST").respond_with_data("", status=204)
    installed = install(api, httpserver)
    send(api, "General", "not a command")
    send(api, "General", "/standup shipped it")
    request = next(r for r in received(httpserver, 3) if r.path == "/standup")
    token = request.headers["Authorization"].removeprefix("JWT ")
    claims = jwt.decode(token, installed["oauth_secret"], algorithms=["HS256"], issuer=installed["id"])
    assert claims["context"]["room_id"] == 1 and claims["sub"] == "1"
    payload = json.loads(request.get_data())
    assert (payload["oauth_client_id"], payload["item"]["message"]["message"]) == (installed["id"], "/standup shipped it")
    time.sleep(0.2)
    assert [r.path for r, _ in httpserver.log].count("/standup") == 1, "the pattern filters"


def test_declared_glance_web_panel_dialog_and_action_are_readable_over_rest(api, httpserver):
    installed = install(api, httpserver)
    glance = api.get("/v2/room/1/extension/glance/standup-count")
    assert glance.status_code == 200 and glance.get_json()["name"] == {"value": "Standup"}
    panel = api.get("/v2/room/1/extension/webPanel/standup-panel").get_json()
    assert panel["url"] == httpserver.url_for("/panel") and panel["location"] == "hipchat.sidebar.right"
    assert api.get("/v2/room/1/extension/dialog/standup-dialog").status_code == 200
    assert api.get("/v2/room/1/extension/action/standup-action").status_code == 200
    assert api.get("/v2/room/2/extension/glance/standup-count").status_code == 404, "a room install declares in its room only"
    kinds = {ext["type"]: ext for ext in installed["extensions"]}
    assert set(kinds) == {"action", "dialog", "glance", "webPanel", "webhook"}
    signed_panel = kinds["webPanel"]["signed_url"]
    assert signed_panel.startswith(httpserver.url_for("/panel") + "?signed_request=")
    claims = jwt.decode(signed_panel.split("signed_request=")[1], installed["oauth_secret"], algorithms=["HS256"])
    assert claims["iss"] == installed["id"]
    configure = installed["configurable"]
    assert configure["url"] == httpserver.url_for("/configure") and "signed_request=" in configure["signed_url"]


def test_a_glance_push_shows_in_the_installation(api, httpserver):
    installed = install(api, httpserver)
    addon = api.with_token(token_for(api, installed).get_json()["access_token"])
    content = {"label": {"type": "html", "value": "<b>2</b> notes"}}
    assert addon.post("/v2/addon/ui/room/1", {"glance": [{"key": "standup-count", "content": content}]}).status_code == 204
    shown = api.get(f"{ADDONS}/{installed['id']}").get_json()
    assert next(ext for ext in shown["extensions"] if ext["type"] == "glance")["content"] == content


def test_a_global_install_declares_globally_and_its_webhook_fires_in_every_room(api, httpserver):
    httpserver.expect_request("/standup", method="POST").respond_with_data("", status=204)
    install(api, httpserver, room_id=None)
    assert api.get("/v2/extension/glance/standup-count").status_code == 200
    send(api, "Random", "/standup from another room")
    request = next(r for r in received(httpserver, 3) if r.path == "/standup")
    assert json.loads(request.get_data())["item"]["room"]["name"] == "Random"


def test_uninstall_revokes_then_sends_the_delete(api, httpserver):
    """When the DELETE arrives the credentials get no token any more: that is how an add-on knows it is genuine."""
    installed = install(api, httpserver)
    asked: list[int] = []

    def on_delete(_request: Request) -> Response:
        asked.append(token_for(api, installed).status_code)
        return Response(status=204)

    httpserver.expect_request(f"/installed/{installed['id']}", method="DELETE").respond_with_handler(on_delete)
    assert api.delete(f"{ADDONS}/{installed['id']}").get_json()["callback"]["status"] == 204
    assert asked == [401]


def test_uninstall_sends_the_delete_and_revokes_tokens_and_extensions(api, httpserver):
    httpserver.expect_request(re.compile(r"^/installed/.+$"), method="DELETE").respond_with_data("", status=204)
    httpserver.expect_request("/standup", method="POST").respond_with_data("", status=204)
    installed = install(api, httpserver)
    token = token_for(api, installed).get_json()["access_token"]
    response = api.delete(f"{ADDONS}/{installed['id']}")
    assert response.status_code == 200
    assert response.get_json()["callback"] == {"url": httpserver.url_for(f"/installed/{installed['id']}"), "status": 204, "error": None}
    assert [r.method for r, _ in httpserver.log if r.path == f"/installed/{installed['id']}"] == ["DELETE"]
    assert api.with_token(token).post("/v2/room/1/notification", {"message": "gone?"}).status_code == 401
    assert token_for(api, installed).status_code == 401
    assert api.get("/v2/room/1/extension/glance/standup-count").status_code == 404
    assert api.get("/v2/room/1/webhook").get_json()["items"] == []
    send(api, "General", "/standup after the uninstall")
    time.sleep(0.3)
    assert [r.path for r, _ in httpserver.log].count("/standup") == 0
    assert api.get(f"{ADDONS}/{installed['id']}").status_code == 404
    assert api.delete(f"{ADDONS}/{installed['id']}").status_code == 404


def test_an_add_on_that_does_not_answer_the_delete_is_uninstalled_anyway(api):
    addon = HTTPServer()
    addon.start()
    installed = install(api, addon)
    addon.stop()  # nobody answers any more
    told = api.delete(f"{ADDONS}/{installed['id']}").get_json()["callback"]
    assert told["status"] is None and told["error"] == "could not connect"
    assert token_for(api, installed).status_code == 401


def refuse(httpserver) -> None:
    httpserver.expect_request("/installed", method="POST").respond_with_data("not today", status=500)


def redirect(httpserver) -> None:
    httpserver.expect_request("/installed", method="POST").respond_with_data("", status=302, headers={"Location": "/elsewhere"})


def slow(httpserver) -> None:
    httpserver.expect_request("/installed", method="POST").respond_with_handler(lambda _: time.sleep(1.5) or Response(status=204))


@pytest.mark.parametrize(
    ("callback", "reason"),
    [(refuse, "it answered HTTP 500 (not today)"), (redirect, "it answered HTTP 302"), (slow, "no answer within 0.5 s")],
    ids=["500", "redirect", "timeout"],
)
def test_a_failing_installation_callback_rolls_the_installation_back(httpserver, callback, reason):
    app = make_app(webhook_timeout=0.5)
    try:
        api = Api(app.test_client())
        httpserver.expect_request("/capabilities.json").respond_with_json(descriptor(httpserver))
        callback(httpserver)
        response = api.post(ADDONS, {"descriptor_url": httpserver.url_for("/capabilities.json"), "room_id": 1})
        assert response.status_code == 502
        error = error_of(response)
        assert error["field"] == "capabilities.installable.callbackUrl"
        assert reason in error["message"] and "rolled back" in error["message"]
        sent = wait_until(lambda: [json.loads(r.get_data()) for r, _ in httpserver.log if r.path == "/installed"])[0]
        assert token_for(api, {"id": sent["oauthId"], "oauth_secret": sent["oauthSecret"]}).status_code == 401
        assert api.get("/v2/room/1/extension/glance/standup-count").status_code == 404
        assert [item["addon_key"] for item in api.get(ADDONS).get_json()["items"]] == ["sandbox-addon"]
    finally:
        stop(app)


def test_a_refused_connection_to_the_callback_rolls_back(api, httpserver):
    document = descriptor(httpserver)
    document["capabilities"]["installable"]["callbackUrl"] = f"http://127.0.0.1:{free_port()}/installed"
    response = api.post(ADDONS, {"descriptor_url": serve(httpserver, document), "room_id": 1})
    assert response.status_code == 502 and "could not connect" in error_of(response)["message"]
    assert api.get("/v2/room/1/extension/glance/standup-count").status_code == 404


def test_a_descriptor_that_cannot_be_fetched_is_a_502_naming_descriptor_url(api, httpserver):
    httpserver.expect_request("/capabilities.json").respond_with_data("gone", status=404)
    response = api.post(ADDONS, {"descriptor_url": httpserver.url_for("/capabilities.json")})
    assert response.status_code == 502
    error = error_of(response)
    assert error["field"] == "descriptor_url" and "HTTP 404" in error["message"]


def test_a_descriptor_that_drips_its_head_is_a_502_naming_descriptor_url_within_the_deadline():
    app = make_app(webhook_timeout=1.0)
    try:
        with raw_http_server() as start:
            dripping = Receiver(start, drip_head(every=0.3))  # every byte within the 1 s timeout; the head would take 25 s
            started = time.monotonic()
            response = Api(app.test_client()).post(ADDONS, {"descriptor_url": dripping.url("/capabilities.json"), "room_id": 1})
            elapsed = time.monotonic() - started
        assert elapsed < 1.0 + 5  # the deadline and generous slack: a bound, not a benchmark
        assert response.status_code == 502, response.get_json()
        error = error_of(response)
        assert error["field"] == "descriptor_url" and error["message"].endswith(": no answer within 1 s")
    finally:
        stop(app)


def test_installing_twice_into_the_same_room_is_a_409_naming_the_first(api, httpserver):
    first = install(api, httpserver)
    again = api.post(ADDONS, {"descriptor_url": httpserver.url_for("/capabilities.json"), "room_id": 1})
    assert again.status_code == 409
    assert error_of(again)["installation"] == first["id"]
    assert len(callbacks(httpserver)) == 1
    other_room = api.post(ADDONS, {"descriptor_url": httpserver.url_for("/capabilities.json"), "room_id": 3})
    assert other_room.status_code == 201 and other_room.get_json()["id"] != first["id"]


@pytest.mark.parametrize(("installable", "room_id"), [({"allowRoom": False}, 1), ({"allowGlobal": False}, None)])
def test_allow_room_and_allow_global_are_honoured(api, httpserver, installable, room_id):
    document = descriptor(httpserver)
    document["capabilities"]["installable"].update(installable)
    body = {"descriptor_url": serve(httpserver, document), **({"room_id": room_id} if room_id else {})}
    response = api.post(ADDONS, body)
    assert response.status_code == 400 and error_of(response)["field"] == "room_id"
    assert callbacks(httpserver) == []


def test_an_extension_key_taken_in_the_room_is_a_409_naming_the_field(api, httpserver):
    icon = {"url": "https://x.example/i.png", "url@2x": "https://x.example/i2.png"}
    assert api.put("/v2/room/1/extension/glance/standup-count", {"name": {"value": "Mine"}, "icon": icon}).status_code == 201
    url = serve(httpserver, descriptor(httpserver))
    response = api.post(ADDONS, {"descriptor_url": url, "room_id": 1})
    assert response.status_code == 409 and error_of(response)["field"] == "capabilities.glance.0.key"
    assert callbacks(httpserver) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"descriptor_url": "file:///etc/passwd"}, "descriptor_url"),
        ({"descriptor_url": 7}, "descriptor_url"),
        ({"descriptor_url": "http://addon.example/d.json", "room_id": "General"}, "room_id"),
        ({"descriptor_url": "http://addon.example/d.json", "key": "two-keys"}, "key"),
    ],
)
def test_a_bad_install_request_is_a_400_naming_the_field(api, body, field):
    response = api.post(ADDONS, body)
    assert response.status_code == 400 and error_of(response)["field"] == field


def test_installing_into_a_missing_room_is_a_404(api):
    assert api.post(ADDONS, {"descriptor_url": "http://addon.example/d.json", "room_id": 999}).status_code == 404


def installs_posted(httpserver) -> list[str]:
    return [r.path for r, _ in httpserver.log if r.method in ("POST", "DELETE") and r.path.startswith("/installed")]


def hooks_elsewhere() -> list[dict[str, Any]]:
    return [{"url": "https://hooks.example.com/standup", "event": "room_message", "pattern": "^/standup", "name": "Standup"}]


@pytest.mark.parametrize(
    ("settings", "callback"),
    [
        ({"public_url": "http://127.0.0.1:{port}"}, "http://127.0.0.1:{port}/installed"),  # the sandbox itself
        ({"public_url": "http://127.0.0.1:{port}"}, "http://localhost:{port}/installed"),  # loopback aliases of it
        ({"public_url": "http://127.0.0.1:{port}"}, "http://127.1:{port}/installed"),
        ({"public_url": "http://127.0.0.1:{port}"}, "http://[::ffff:127.0.0.1]:{port}/installed"),
        ({"webhook_allowed_hosts": "hooks.example.com"}, "http://127.0.0.1:{port}/installed"),  # outside the allowed hosts
    ],
    ids=["itself", "localhost", "127.1", "mapped-v6", "not-allowed"],
)
def test_an_installation_callback_the_target_rules_refuse_gets_no_post(httpserver, settings, callback):
    """The httpserver stands where the sandbox is (its public URL), or outside SANDBOX_WEBHOOK_ALLOWED_HOSTS: the POST
    that would carry the oauthSecret there is never sent, and nothing is installed."""
    port = httpserver.port
    app = make_app(**{name: value.format(port=port) for name, value in settings.items()})
    try:
        api = Api(app.test_client())
        document = descriptor(httpserver, webhook=hooks_elsewhere())
        document["capabilities"]["installable"]["callbackUrl"] = callback.format(port=port)
        response = api.post(ADDONS, {"descriptor_url": serve(httpserver, document), "room_id": 1})
        assert response.status_code == 400, response.get_json()
        assert (error_of(response)["field"], error_of(response)["validation"]) == ("capabilities.installable.callbackUrl", "target")
        assert installs_posted(httpserver) == []
        assert [item["addon_key"] for item in api.get(ADDONS).get_json()["items"]] == ["sandbox-addon"]
    finally:
        stop(app)


def test_an_uninstall_delete_the_target_rules_now_refuse_is_not_sent(tmp_path, httpserver):
    """Installed before SANDBOX_WEBHOOK_ALLOWED_HOSTS was set: the DELETE is judged again, not sent, and the
    installation revoked all the same."""
    db_path = str(tmp_path / "addons.db")
    before = make_app(db=db_path)
    installed = install(Api(before.test_client()), httpserver, webhook=hooks_elsewhere())
    before.extensions["sandbox"].services["deliveries"].stop()
    after = make_app(db=db_path, webhook_allowed_hosts="hooks.example.com")
    try:
        api = Api(after.test_client())
        httpserver.expect_request(re.compile(r"^/installed/.+$"), method="DELETE").respond_with_data("", status=204)
        told = api.delete(f"{ADDONS}/{installed['id']}").get_json()["callback"]
        assert told["status"] is None and told["error"].startswith("refused: localhost is not one of the hosts")
        assert installs_posted(httpserver) == ["/installed"], "the install POST, no DELETE"
        assert token_for(api, installed).status_code == 401
    finally:
        stop(after)
        stop(before)
