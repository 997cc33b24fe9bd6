"""Webhook patterns: matched by RE2 in linear time; a pattern RE2 cannot take is refused at creation, on every path."""

from __future__ import annotations

import threading

import pytest

from tests.sandbox.conftest import error_of, send

REFUSED = {
    "unbalanced": "(",
    "backreference": r"(a)\1",
    "lookahead": r"^/deploy(?=\s)",
    "negative lookahead": r"^(?!/skip)",
    "lookbehind": r"(?<=@)bot",
    "possessive": r"a++b",
    "atomic group": r"(?>a+)b",
    "too long": "a" * 513,
    "too complex": r"(?:[a-z]{1,100}){10}x",
}
TAKEN = [r"^/weather", r"(?i)^/deploy\s+(\w+)", r"\bbuild\s#?\d{1,6}\b", r"^(a+)+$", r"(?P<cmd>/\w+)", r"\p{Greek}+"]


def put_webhook(api, pattern: str, key: str = "hook"):
    return api.put(
        f"/v2/room/General/extension/webhook/{key}", {"url": "http://127.0.0.1:9/hook", "event": "room_message", "pattern": pattern}
    )


def post_legacy_webhook(api, pattern: str):
    return api.post("/v2/room/General/webhook", {"url": "http://127.0.0.1:9/hook", "event": "room_message", "pattern": pattern})


@pytest.mark.parametrize("create", [put_webhook, post_legacy_webhook], ids=["extension", "legacy"])
@pytest.mark.parametrize("pattern", list(REFUSED.values()), ids=list(REFUSED))
def test_a_pattern_re2_cannot_take_is_refused_naming_the_field(api, create, pattern):
    response = create(api, pattern)
    assert response.status_code == 400
    error = error_of(response)
    assert error["field"] == "pattern"
    assert api.get("/v2/room/General/webhook").get_json()["items"] == []


@pytest.mark.parametrize("create", [put_webhook, post_legacy_webhook], ids=["extension", "legacy"])
@pytest.mark.parametrize("pattern", TAKEN)
def test_the_patterns_hipchat_bots_used_are_taken(api, create, pattern):
    assert create(api, pattern).status_code == 201


def test_the_legacy_path_no_longer_stores_a_pattern_that_breaks_the_room(api):
    assert post_legacy_webhook(api, "(").status_code == 400
    send(api, "General", "the room still takes messages")


def test_a_pattern_stored_before_the_check_never_matches_and_never_breaks_sending(api, sandbox_app):
    assert put_webhook(api, "^/ok").status_code == 201
    with sandbox_app.extensions["sandbox"].db.write() as conn:
        conn.execute("UPDATE extensions SET body = json_set(body, '$.pattern', '(') WHERE type = 'webhook'")
    send(api, "General", "/ok still sends")
    assert api.get("/_sandbox/api/deliveries").get_json()["items"] == []


def test_a_catastrophic_pattern_matches_in_linear_time(api):
    """^(a+)+$ against 'a' * 5000 + 'b' never finishes with a backtracking engine; RE2 answers at once."""
    assert put_webhook(api, "^(a+)+$").status_code == 201
    outcome: list[int] = []
    sender = threading.Thread(
        target=lambda: outcome.append(api.post("/v2/room/General/message", {"message": "a" * 900 + "b"}).status_code), daemon=True
    )
    sender.start()
    sender.join(30)  # a generous bound on a send that a backtracking engine would never finish
    assert outcome == [201]
