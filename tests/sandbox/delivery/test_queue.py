"""The delivery queue's rules, over loopback to real receivers: no batch barrier (a slow receiver delays only its own
deliveries), a per-receiver limit that holds across processes, and a deleted or replaced webhook's pending deliveries
cancelled on every path that deletes or replaces one."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from sandbox.delivery.webhooks import Deliveries
from tests.sandbox.admin.test_addons import ADDONS, descriptor, install, serve
from tests.sandbox.conftest import ADMIN_TOKEN, Api, client_token, make_app, send, stop
from tests.sandbox.delivery.receivers import after, drip, no_content
from tests.sandbox.delivery.test_webhooks import deliveries, wait_until

GENEROUS_S = 4.0  # on top of a deadline, for a loaded 2-core machine


def hooks(api: Api, url: str, count: int, prefix: str = "hook") -> None:
    for n in range(count):
        response = api.put(f"/v2/room/General/extension/webhook/{prefix}{n}", {"url": url, "event": "room_message"})
        assert response.status_code == 201, response.get_json()


def test_a_dripping_receiver_does_not_delay_another_receivers_delivery(receiver):
    app = make_app(webhook_timeout=3.0, webhook_per_target=2)
    api = Api(app.test_client())
    dripping, quick = receiver(drip(every=0.2)), receiver(no_content)
    try:
        hooks(api, dripping.url(), 4, "drip")  # queued first: in a batch, they would take every sender
        hooks(api, quick.url(), 1, "quick")
        sent_at = time.monotonic()
        send(api, "General", "everyone")
        (delivered,) = wait_until(quick.requests, timeout=3.0 + GENEROUS_S)
        assert json.loads(delivered.body)["item"]["message"]["message"] == "everyone"
        assert delivered.received_at - sent_at < 3.0 + GENEROUS_S, "within the dripping receiver's deadline"
        started = wait_until(dripping.requests)  # under way (reading a request may lag behind on a loaded machine)
        assert all(c.hung_up_at is None or c.hung_up_at > delivered.received_at for c in started), (
            "the quick receiver got its delivery before any dripping attempt ended"
        )
    finally:
        stop(app)


def test_a_receiver_holds_at_most_its_share_of_the_senders(receiver):
    app = make_app(webhook_per_target=2)
    api = Api(app.test_client())
    slow = receiver(after(0.8))
    try:
        hooks(api, slow.url(), 6)
        send(api, "General", "six deliveries to one receiver")
        wait_until(lambda: [d["state"] for d in deliveries(api)] == ["done"] * 6, timeout=15)
        assert len(slow.requests()) == 6
        assert slow.most_open == 2
    finally:
        stop(app)


def test_the_per_receiver_limit_holds_across_processes(tmp_path, receiver):
    db_path = str(tmp_path / "two.db")
    apps = [make_app(db=db_path, webhook_per_target=2), make_app(db=db_path, webhook_per_target=2)]
    slow = receiver(after(0.3))
    try:
        api = Api(apps[0].test_client())
        hooks(api, slow.url(), 1)
        for n in range(8):
            Api(apps[n % 2].test_client(), ADMIN_TOKEN).post("/v2/room/General/message", {"message": f"m{n}"})
        wait_until(lambda: len(slow.requests()) == 8 and slow.open_now == 0, timeout=20)
        assert slow.most_open == 2
        assert sorted(json.loads(c.body)["item"]["message"]["message"] for c in slow.requests()) == [f"m{n}" for n in range(8)]
    finally:
        for app in apps:
            stop(app)


@contextmanager
def senders_paused(app: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Deliveries queue up but none is sent until the block ends."""
    worker: Deliveries = app.extensions["sandbox"].services["deliveries"]
    worker.stop()
    monkeypatch.setattr(worker, "ensure_started", lambda: None)
    yield
    monkeypatch.undo()
    worker.ensure_started()


def delete_room_extension(api: Api, httpserver: Any) -> Callable[[], Any]:
    hook_id = api.put("/v2/room/General/extension/webhook/doomed", {"url": httpserver.url_for("/doomed"), "event": "room_message"})
    assert hook_id.status_code == 201
    return lambda: api.delete("/v2/room/General/extension/webhook/doomed")


def delete_global_extension(api: Api, httpserver: Any) -> Callable[[], Any]:
    assert api.put("/v2/extension/webhook/doomed", {"url": httpserver.url_for("/doomed"), "event": "room_message"}).status_code == 201
    return lambda: api.delete("/v2/extension/webhook/doomed")


def delete_legacy(api: Api, httpserver: Any) -> Callable[[], Any]:
    made = api.post("/v2/room/General/webhook", {"url": httpserver.url_for("/doomed"), "event": "room_message", "name": "doomed"})
    return lambda: api.delete(f"/v2/room/General/webhook/{made.get_json()['id']}")


def delete_by_the_add_on(api: Api, httpserver: Any) -> Callable[[], Any]:
    addon = api.with_token(client_token(api))
    body = {"url": httpserver.url_for("/doomed"), "event": "room_message", "authentication": "jwt"}
    assert addon.put("/v2/room/General/extension/webhook/doomed", body).status_code == 201
    return lambda: addon.delete("/v2/room/General/extension/webhook/doomed")


def uninstall(api: Api, httpserver: Any) -> Callable[[], Any]:
    httpserver.expect_request(re.compile(r"^/installed/.+$"), method="DELETE").respond_with_data("", status=204)
    installed = install(api, httpserver, webhook=[{"url": httpserver.url_for("/doomed"), "event": "room_message", "authentication": "jwt"}])
    return lambda: api.delete(f"{ADDONS}/{installed['id']}")


WAYS = {
    "rest_room": (delete_room_extension, "the webhook was deleted"),
    "rest_global": (delete_global_extension, "the webhook was deleted"),
    "legacy": (delete_legacy, "the webhook was deleted"),
    "add_on_extension": (delete_by_the_add_on, "the webhook was deleted"),
    "add_on_uninstall": (uninstall, "the add-on was uninstalled"),
}


def posted(httpserver: Any) -> list[str]:
    """The webhook deliveries the server received (not the add-on's installation requests)."""
    return [r.path for r, _ in httpserver.log if r.path in ("/kept", "/doomed")]


@pytest.mark.parametrize("way", WAYS)
def test_deleting_a_webhook_cancels_its_pending_deliveries(sandbox_app, api, httpserver, monkeypatch, way):
    make, reason = WAYS[way]
    httpserver.expect_request("/doomed", method="POST").respond_with_data("", status=204)
    httpserver.expect_request("/kept", method="POST").respond_with_data("", status=204)
    delete = make(api, httpserver)
    kept = {"url": httpserver.url_for("/kept"), "event": "room_message"}
    assert api.put("/v2/room/General/extension/webhook/kept", kept).status_code == 201
    with senders_paused(sandbox_app, monkeypatch):
        send(api, "General", "first")
        send(api, "General", "second")
        assert {d["state"] for d in deliveries(api)} == {"pending"} and len(deliveries(api)) == 4
        assert delete().status_code in (200, 204)
    wait_until(lambda: posted(httpserver).count("/kept") == 2)  # the senders run again: the kept webhook hears both
    time.sleep(0.3)
    assert posted(httpserver) == ["/kept", "/kept"]
    cancelled = [d for d in deliveries(api) if d["state"] == "cancelled"]
    assert len(cancelled) == 2 and {d["outcome"] for d in cancelled} == {f"cancelled: {reason}"}
    assert all(d["attempts"] == [] for d in cancelled)


def replace_room_extension(api: Api, httpserver: Any) -> Callable[[str], Any]:
    return lambda url: api.put("/v2/room/General/extension/webhook/hook", {"url": url, "event": "room_message"})


def replace_global_extension(api: Api, httpserver: Any) -> Callable[[str], Any]:
    return lambda url: api.put("/v2/extension/webhook/hook", {"url": url, "event": "room_message"})


def replace_by_the_add_on(api: Api, httpserver: Any) -> Callable[[str], Any]:
    addon = api.with_token(client_token(api))
    return lambda url: addon.put("/v2/room/General/extension/webhook/hook", {"url": url, "event": "room_message", "authentication": "jwt"})


def replace_a_declared_webhook(api: Api, httpserver: Any) -> Callable[[str], Any]:
    """The first URL is an add-on's declared webhook (key "hook"), installed in General; the next ones are PUT over REST."""
    installed: list[str] = []

    def put(url: str) -> Any:
        if installed:
            return api.put("/v2/room/General/extension/webhook/hook", {"url": url, "event": "room_message"})
        installed.append(url)
        document = descriptor(httpserver, webhook=[{"key": "hook", "url": url, "event": "room_message"}])
        return api.post(ADDONS, {"descriptor_url": serve(httpserver, document), "room_id": 1})

    return put


REPLACING_WAYS = {
    "rest_room": replace_room_extension,
    "rest_global": replace_global_extension,
    "add_on_extension": replace_by_the_add_on,
    "add_on_declared": replace_a_declared_webhook,
}


def webhook_posts(httpserver: Any) -> list[str]:
    return [r.path for r, _ in httpserver.log if r.path in ("/old", "/new")]


@pytest.mark.parametrize("way", REPLACING_WAYS)
def test_replacing_a_webhook_cancels_its_pending_deliveries(sandbox_app, api, httpserver, monkeypatch, way):
    for path in ("/old", "/new"):
        httpserver.expect_request(path, method="POST").respond_with_data("", status=204)
    put = REPLACING_WAYS[way](api, httpserver)
    assert put(httpserver.url_for("/old")).status_code == 201
    with senders_paused(sandbox_app, monkeypatch):
        send(api, "General", "first")
        send(api, "General", "second")
        assert [d["state"] for d in deliveries(api)] == ["pending", "pending"]
        assert put(httpserver.url_for("/new")).status_code == 201
    send(api, "General", "third")
    wait_until(lambda: "/new" in webhook_posts(httpserver))  # the senders run again: the new registration hears the third
    time.sleep(0.3)
    assert webhook_posts(httpserver) == ["/new"], "nothing went to the old URL, nor was re-aimed at the new one"
    third, *replaced = deliveries(api)  # newest first
    assert (third["state"], third["payload"]["item"]["message"]["message"]) == ("done", "third")
    assert [(d["state"], d["outcome"], d["attempts"]) for d in replaced] == [("cancelled", "cancelled: the webhook was replaced", [])] * 2


def test_a_delivery_awaiting_its_retry_is_cancelled_when_its_webhook_is_replaced(httpserver):
    app = make_app(webhook_backoff=30.0)  # the retry would come long after the test
    api = Api(app.test_client())
    httpserver.expect_request("/old", method="POST").respond_with_data("down", status=503)
    try:
        put = replace_room_extension(api, httpserver)
        assert put(httpserver.url_for("/old")).status_code == 201
        send(api, "General", "first")
        (waiting,) = wait_until(lambda: [d for d in deliveries(api) if d["attempts"] and d["state"] == "pending"])
        assert waiting["attempts"][0]["status"] == 503
        assert put(httpserver.url_for("/new")).status_code == 201
        (replaced,) = deliveries(api)
        assert (replaced["state"], replaced["outcome"]) == ("cancelled", "cancelled: the webhook was replaced")
        assert [attempt["status"] for attempt in replaced["attempts"]] == [503]
    finally:
        stop(app)
