"""Where a webhook may point: never at the sandbox itself, however its address is written; loopback otherwise open;
only SANDBOX_WEBHOOK_ALLOWED_HOSTS when set, at creation and at delivery; the host looked up once and the connection
made to the very address that was checked."""

from __future__ import annotations

import socket

import pytest
from werkzeug import Response

from sandbox.delivery import targets
from sandbox.http.errors import HipChatError
from tests.sandbox.conftest import Api, error_of, make_app, send, stop
from tests.sandbox.delivery.test_webhooks import deliveries, wait_until

PUBLIC = "http://127.0.0.1:8001"  # SANDBOX_PUBLIC_URL of these apps: where the sandbox is
HOST = socket.gethostname()


@pytest.fixture
def own_api():
    app = make_app(public_url=PUBLIC)
    yield Api(app.test_client())
    stop(app)


def create(api: Api, path: str, url: str):
    """A webhook made on one of the three paths that make one."""
    body = {"url": url, "event": "room_message"}
    if path == "legacy":
        return api.post("/v2/room/General/webhook", body)
    place = "/v2/room/General" if path == "room" else "/v2"
    return api.put(f"{place}/extension/webhook/hook", body)


PATHS = ("room", "global", "legacy")
THE_SANDBOX = [
    "http://127.0.0.1:8001/_sandbox/reset",
    "http://localhost:8001/v2/room",
    "http://LOCALHOST:8001/",
    "http://localhost.:8001/",
    "http://foo.localhost:8001/",
    "http://[::1]:8001/",
    "http://[::ffff:127.0.0.1]:8001/",
    "http://[::127.0.0.1]:8001/",
    "http://0.0.0.0:8001/",
    "http://127.1:8001/",
    "http://127.0.0.2:8001/",
    "http://0x7f.0.0.1:8001/",
    "http://2130706433:8001/",
    "http://017700000001:8001/",
    "http://x@127.0.0.1:8001/",
    "http://user:secret@LocalHost:8001/",
    "https://127.0.0.1:8001/",
    f"http://{HOST}:8001/",
    "http://%6c%6fcalhost:8001/",
    "http://bot.example\\@127.0.0.1:8001/",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("url", THE_SANDBOX)
def test_a_webhook_at_the_sandbox_itself_is_refused(own_api, path, url):
    response = create(own_api, path, url)
    assert response.status_code == 400, url
    error = error_of(response)
    assert (error["field"], error["validation"]) == ("url", "target")


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9999/hook", "http://localhost:8002/hook", "http://[::1]:8080/", "https://bot.example/hook"]
)
def test_loopback_and_other_hosts_stay_open(own_api, path, url):
    assert create(own_api, path, url).status_code == 201


def test_the_public_url_counts_with_its_default_port():
    app = make_app(public_url="https://Sandbox.Example.com")
    try:
        api = Api(app.test_client())
        for url in ("https://sandbox.example.com/_sandbox/reset", "https://SANDBOX.example.com.:443/", "http://sandbox.example.com/"):
            assert create(api, "room", url).status_code == 400, url
        assert create(api, "room", "https://sandbox.example.com:8443/").status_code == 201
    finally:
        stop(app)


def test_the_requests_host_and_the_bound_address_count(own_api):
    headers = {"Host": "sandbox.internal:9000"}
    body = {"url": "http://sandbox.internal:9000/hook", "event": "room_message"}
    assert own_api.put("/v2/room/General/extension/webhook/h", body, headers=headers).status_code == 400
    bound = {"SERVER_NAME": "0.0.0.0", "SERVER_PORT": "8123"}  # as gunicorn reports a --bind 0.0.0.0:8123
    for url in ("http://127.0.0.1:8123/", f"http://{HOST}:8123/", "http://localhost:8123/"):
        response = own_api.put("/v2/room/General/extension/webhook/h", {"url": url, "event": "room_message"}, environ_overrides=bound)
        assert response.status_code == 400, url


@pytest.fixture
def restricted_api():
    app = make_app(public_url=PUBLIC, webhook_allowed_hosts="hooks.example.com, 127.0.0.1")
    yield Api(app.test_client())
    stop(app)


@pytest.mark.parametrize("path", PATHS)
def test_allowed_hosts_restrict_creation(restricted_api, path):
    for url in ("https://hooks.example.com/x", "https://HOOKS.Example.com./x", "http://127.0.0.1:9999/", "http://127.1:9999/"):
        assert create(restricted_api, path, url).status_code == 201, url
    for url in ("https://evil.example/x", "http://localhost:9999/", "https://hooks.example.com.evil.example/"):
        response = create(restricted_api, path, url)
        assert (response.status_code, error_of(response)["field"]) == (400, "url"), url


def test_allowed_hosts_are_checked_again_at_delivery(tmp_path, httpserver):
    """A webhook made before SANDBOX_WEBHOOK_ALLOWED_HOSTS was set is not delivered once it is."""
    db_path = str(tmp_path / "restricted.db")
    before = make_app(db=db_path)
    httpserver.expect_request("/hook").respond_with_data("", status=204)
    body = {"url": httpserver.url_for("/hook"), "event": "room_message"}
    assert Api(before.test_client()).put("/v2/room/General/extension/webhook/h", body).status_code == 201
    # Stopped after its last request: every request starts a stopped worker again, which would race the other app's.
    before.extensions["sandbox"].services["deliveries"].stop()
    after = make_app(db=db_path, webhook_allowed_hosts="hooks.example.com")
    try:
        api = Api(after.test_client())
        send(api, "General", "hello")
        delivery = wait_until(lambda: next((d for d in deliveries(api) if d["state"] == "failed"), None))
        assert len(delivery["attempts"]) == 1  # refused: not tried again
        assert delivery["attempts"][0]["error"] == "refused: localhost is not one of the hosts SANDBOX_WEBHOOK_ALLOWED_HOSTS names"
        assert httpserver.log == []
    finally:
        stop(after)
        stop(before)


def lookups_answering(monkeypatch, answers: dict[str, str]) -> list[str]:
    """getaddrinfo answering the given names with the given IPv4 address (a DNS the test controls); the names asked."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def answer(host, port, *args, **kwargs):
        if host in answers:
            asked.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", answer)
    return asked


def test_a_name_that_resolves_to_the_sandbox_at_delivery_is_refused(own_api, monkeypatch):
    assert create(own_api, "room", "http://rebound.example:8001/hook").status_code == 201  # nothing local about the name
    lookups_answering(monkeypatch, {"rebound.example": "127.0.0.1"})  # ... until DNS says otherwise
    send(own_api, "General", "hello")
    delivery = wait_until(lambda: next((d for d in deliveries(own_api) if d["state"] == "failed"), None))
    assert len(delivery["attempts"]) == 1
    assert delivery["attempts"][0]["error"] == "refused: rebound.example resolves to 127.0.0.1, the sandbox itself"


def test_the_host_is_looked_up_once_and_the_checked_address_is_the_one_connected(own_api, httpserver, monkeypatch):
    httpserver.expect_request("/hook").respond_with_data("", status=204)
    url = f"http://bot.example:{httpserver.port}/hook"
    assert create(own_api, "room", url).status_code == 201
    asked = lookups_answering(monkeypatch, {"bot.example": "127.0.0.1"})
    send(own_api, "General", "hello")
    delivery = wait_until(lambda: next((d for d in deliveries(own_api) if d["state"] == "done"), None))
    assert delivery["attempts"][0]["status"] == 204
    (request, _), *_ = httpserver.log
    assert request.headers["Host"] == f"bot.example:{httpserver.port}"
    assert asked == ["bot.example"]  # one lookup: urllib3 connected to the answer it gave, without asking again


def test_a_redirect_is_not_followed(own_api, httpserver):
    httpserver.expect_request("/hook").respond_with_response(
        Response("", status=302, headers={"Location": "http://127.0.0.1:8001/_sandbox/reset"})
    )
    httpserver.expect_request("/elsewhere").respond_with_data("", status=204)
    assert create(own_api, "room", httpserver.url_for("/hook")).status_code == 201
    send(own_api, "General", "hello")
    delivery = wait_until(lambda: next((d for d in deliveries(own_api) if d["attempts"]), None))
    assert delivery["attempts"][0]["status"] == 302
    assert [request.path for request, _ in httpserver.log] == ["/hook"]


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("LocalHost.", "localhost"),
        ("[::1]", "::1"),
        ("127.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("[::ffff:7f00:1]", "127.0.0.1"),
        ("Bücher.example", "xn--bcher-kva.example"),
        ("bot.example..", "bot.example"),
    ],
)
def test_hosts_are_compared_as_a_client_connects_to_them(host, key):
    assert targets.host_key(host) == key


def test_under_gunicorn_the_bound_port_is_the_sandbox_whatever_the_public_url_says(gunicorn_sandbox):
    server = gunicorn_sandbox
    server.env["SANDBOX_PUBLIC_URL"] = "https://sandbox.example.com"  # behind a proxy: the public name says nothing of the port
    server.start()
    port = server.url.rsplit(":", 1)[1]
    admin = server.session()
    for url in (f"http://localhost:{port}/_sandbox/reset", f"http://[::1]:{port}/", f"http://127.0.0.1:{port}/v2/room"):
        response = admin.put(f"{server.url}/v2/room/General/extension/webhook/h", json={"url": url, "event": "room_message"}, timeout=10)
        assert (response.status_code, response.json()["error"]["field"]) == (400, "url"), url
    elsewhere = {"url": "http://127.0.0.1:9/hook", "event": "room_message"}
    assert admin.put(f"{server.url}/v2/room/General/extension/webhook/h", json=elsewhere, timeout=10).status_code == 201


def test_a_descriptor_path_outside_a_request_gets_the_same_check_naming_its_field():
    app = make_app(public_url=PUBLIC)
    try:
        with app.app_context():
            with pytest.raises(HipChatError) as refused:
                targets.check("http://[::1]:8001/installed", "capabilities.webhook.0.url")
            assert (refused.value.code, refused.value.extra["field"]) == (400, "capabilities.webhook.0.url")
            targets.check("http://127.0.0.1:9000/installed", "capabilities.webhook.0.url")
    finally:
        stop(app)
