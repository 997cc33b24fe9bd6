"""Message events: patterns are matched before the write transaction (a read), never inside it; the write queues what
was matched, skipping webhooks deleted in between. A room with slow patterns does not hold up the rest of the sandbox."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from sandbox.delivery import events, patterns

# Too complex to be accepted now (patterns.MAX_PROGRAM_SIZE), so it is written into the database as a pattern stored
# before the cap was: tens of ms per 1,000 characters that do not match.
SLOW_PATTERN = r"(?:[a-z]{1,100}){10}x"
HOOKS = 10


def slow_text(seconds_per_hook: float = 0.1) -> str:
    """Text that takes about seconds_per_hook to search with SLOW_PATTERN on this machine (at most 10,000 characters)."""
    regex = patterns.compiled(SLOW_PATTERN)
    sample = "abcdefghij" * 100
    regex.search(sample)
    started = time.perf_counter()
    regex.search(sample)
    per_thousand = time.perf_counter() - started
    return ("abcdefghij" * 1000)[: min(10_000, max(1_000, int(1000 * seconds_per_hook / per_thousand)))]


def put_hook(api, room: str, key: str, **fields) -> int:
    body = {"url": "https://bot.example/hook", "event": "room_message", **fields}
    response = api.put(f"/v2/room/{room}/extension/webhook/{key}", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def box(app):
    return app.extensions["sandbox"]


def room_row(app, name: str):
    with box(app).db.read() as conn:
        return conn.execute("SELECT * FROM rooms WHERE name = ?", (name,)).fetchone()


def test_match_finds_the_webhooks_whose_pattern_is_in_the_text(sandbox_app, api):
    weather = put_hook(api, "General", "weather", pattern="^/weather")
    everything = put_hook(api, "General", "all")
    put_hook(api, "General", "other", pattern="^/deploy")
    room = room_row(sandbox_app, "General")
    found = events.match(box(sandbox_app).db, "room_message", "/weather Oslo", lambda conn: room)
    assert found == events.Matched(room["id"], "room_message", frozenset({weather, everything}))


def test_match_refuses_to_run_inside_a_write_transaction(sandbox_app):
    room = room_row(sandbox_app, "General")
    db = box(sandbox_app).db
    with db.write(), pytest.raises(RuntimeError, match="never inside it"):
        events.match(db, "room_message", "hello", lambda conn: room)


def test_a_message_event_cannot_be_queued_without_its_match(sandbox_app):
    room = room_row(sandbox_app, "General")
    with box(sandbox_app).db.write() as conn, pytest.raises(ValueError, match="matched before the write"):
        events.emit(conn, room["group_id"], room, "room_message", {"message": {}})


def test_a_webhook_deleted_between_the_match_and_the_write_gets_nothing(sandbox_app, api):
    kept = put_hook(api, "General", "kept")
    put_hook(api, "General", "gone")
    room = room_row(sandbox_app, "General")
    db = box(sandbox_app).db
    found = events.match(db, "room_message", "hi", lambda conn: room)
    assert api.delete("/v2/room/General/extension/webhook/gone").status_code == 204
    with sandbox_app.test_request_context(), db.write() as conn:
        assert events.emit(conn, room["group_id"], room, "room_message", {"message": {}}, matched=found) == 1
        queued = [row["webhook_id"] for row in conn.execute("SELECT webhook_id FROM deliveries")]
    assert queued == [kept]


def test_a_room_with_slow_patterns_does_not_hold_up_the_others(gunicorn_sandbox):
    """While one send to a room with ten slow patterns is being matched, reads of another room keep being answered."""
    server = gunicorn_sandbox.start()
    admin = server.session()
    for n in range(HOOKS):
        body = {"url": "https://bot.example/hook", "event": "room_notification", "pattern": "^/slow"}
        assert admin.put(f"{server.url}/v2/room/General/extension/webhook/slow-{n}", json=body, timeout=10).status_code == 201
    with sqlite3.connect(gunicorn_sandbox.db_path) as conn:
        conn.execute("UPDATE extensions SET body = json_set(body, '$.pattern', ?) WHERE key LIKE 'slow-%'", (SLOW_PATTERN,))
    answered: list[float] = []
    text = slow_text()

    def slow_send() -> None:
        response = server.session().post(f"{server.url}/v2/room/General/notification", json={"message": text}, timeout=60)
        assert response.status_code == 204
        answered.append(time.monotonic())

    sender = threading.Thread(target=slow_send)
    started = time.monotonic()
    sender.start()
    reader, reads = server.session(), []
    while sender.is_alive():
        assert reader.get(f"{server.url}/v2/room/Random/history?max-results=5", timeout=60).status_code == 200
        reads.append(time.monotonic())
        time.sleep(0.01)
    sender.join()
    assert answered[0] - started > 0.5, "the patterns were not slow: the test shows nothing"
    assert len([t for t in reads if t < answered[0]]) >= 10
