"""Events the bot refuses (401): unsigned, wrongly signed, expired, from an unknown issuer, replayed."""

from __future__ import annotations

import json
import time

import jwt

from tests.examples.standup_bot.conftest import Installed, deliver, event, install, sign


def test_an_unsigned_event_is_a_401(bot):
    install(bot)
    assert deliver(bot, event("/standup hi"), None).status_code == 401


def test_a_token_signed_with_another_secret_is_a_401(bot, runtime):
    installed = install(bot)
    forged = sign(Installed(installed.oauth_id, "not-the-secret-but-just-as-long-as-it-x", 7))
    assert deliver(bot, event("/standup hi"), forged).status_code == 401
    assert runtime.named("sendRoomNotification") == []


def test_an_expired_token_is_a_401(bot):
    installed = install(bot)
    long_ago = int(time.time()) - 3600
    assert deliver(bot, event("/standup hi"), sign(installed, iat=long_ago, exp=long_ago + 900)).status_code == 401


def test_a_token_issued_in_the_future_is_a_401(bot):
    installed = install(bot)
    later = int(time.time()) + 3600
    assert deliver(bot, event("/standup hi"), sign(installed, iat=later, exp=later + 900)).status_code == 401


def test_a_token_from_an_unknown_issuer_is_a_401(bot):
    install(bot)
    assert (
        deliver(bot, event("/standup hi"), sign(Installed("nobody-installed-me", "whatever-secret-that-is-long-enough-1", 7))).status_code
        == 401
    )


def test_a_token_without_expiry_or_with_another_algorithm_is_a_401(bot):
    installed = install(bot)
    assert deliver(bot, event("/standup hi"), sign(installed, exp=None)).status_code == 401
    unsigned = jwt.encode({"iss": installed.oauth_id, "iat": int(time.time()), "exp": int(time.time()) + 60}, None, algorithm="none")
    assert deliver(bot, event("/standup hi"), unsigned).status_code == 401


def test_a_replayed_token_is_a_401(bot, runtime):
    installed = install(bot)
    token = sign(installed)
    assert deliver(bot, event("/standup first"), token).status_code == 204
    replay = deliver(bot, event("/standup again"), token)
    assert replay.status_code == 401 and "replayed" in replay.get_json()["error"]
    assert len(runtime.named("sendRoomNotification")) == 1


def test_a_token_without_jti_is_a_replay_when_the_same_body_comes_again(bot):
    installed = install(bot)
    token = sign(installed, jti=None)
    payload = event("/standup hi")
    assert deliver(bot, payload, token).status_code == 204
    assert deliver(bot, payload, token).status_code == 401


def test_the_token_may_come_as_signed_request(bot):
    installed = install(bot)
    response = bot.post(
        f"/webhooks/standup?signed_request={sign(installed)}", data=json.dumps(event("/standup hi")), content_type="application/json"
    )
    assert response.status_code == 204
