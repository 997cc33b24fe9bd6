"""The installation's token is kept until shortly before it expires, then fetched again through getAccessToken."""

from __future__ import annotations

from standup.hipchat import Runtime
from standup.store import Installation, Store
from standup.tokens import Tokens, refresh_at


def test_a_token_is_reused_until_shortly_before_expiry_then_refreshed(runtime, bot_config):
    clock = [1000.0]
    store = Store(bot_config.db_path)
    installation = Installation("oauth-1", "secret-1", 1, 7)
    store.add_installation(installation, "http://hipchat.test/v2/capabilities", "kept-token", 0.0)  # due at once
    tokens = Tokens(store, Runtime(bot_config.runtime_url), clock=lambda: clock[0])
    first = tokens.token(installation)
    clock[0] += 3600 - 61  # a minute and a second before it expires
    assert tokens.token(installation) == first
    clock[0] += 2  # inside the last minute: refreshed before it expires
    second = tokens.token(installation)
    assert second != first
    assert len(runtime.named("getAccessToken")) == 2


def test_a_short_lived_token_is_refreshed_at_three_quarters_of_its_life():
    assert refresh_at(100.0, 8.0) == 106.0
    assert refresh_at(100.0, 28800.0) == 100.0 + 28800.0 - 60.0
