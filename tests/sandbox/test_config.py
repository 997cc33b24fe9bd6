"""Settings from the environment; HipChat's limits on request, generous ones otherwise, explicit numbers win."""

from __future__ import annotations

import pytest

from common.envsettings import SettingError
from sandbox.config import SandboxSettings


def test_settings_come_from_the_environment():
    settings = SandboxSettings.from_env(
        {"SANDBOX_DB": "/tmp/x.db", "SANDBOX_PUBLIC_URL": "http://h:1", "SANDBOX_DEMO": "false", "SANDBOX_WEBHOOK_BACKOFF": "0.5"}
    )
    assert (settings.db, settings.public_url, settings.demo, settings.webhook_backoff) == ("/tmp/x.db", "http://h:1", False, 0.5)


def test_defaults_are_generous_and_hipchat_mode_uses_hipchats_figures():
    generous = SandboxSettings.from_env({})
    assert (generous.limit_for(user_token=True), generous.limit_for(user_token=False), generous.flood) == (100_000, 100_000, 100_000)
    hipchat = SandboxSettings.from_env({"SANDBOX_LIMITS": "hipchat"})
    assert (hipchat.limit_for(user_token=True), hipchat.limit_for(user_token=False), hipchat.flood) == (100, 500, 30)


def test_explicit_numbers_win_over_the_mode():
    settings = SandboxSettings.from_env({"SANDBOX_LIMITS": "hipchat", "SANDBOX_RATE_LIMIT": "7", "SANDBOX_FLOOD_LIMIT": "3"})
    assert (settings.limit_for(user_token=False), settings.limit_for(user_token=True), settings.flood) == (7, 7, 3)


def test_every_setting_is_described_with_its_variable():
    names = [name for name, _, _ in SandboxSettings.describe()]
    assert "SANDBOX_ADMIN_TOKEN" in names and all(name.startswith("SANDBOX_") for name in names)


# Where 0 would switch the thing off or break it: no delivery (per target, attempts), a division by zero (windows),
# tokens born expired, every body refused, every delivery past its deadline, senders that never wait.
@pytest.mark.parametrize(
    "variable",
    [
        "SANDBOX_WEBHOOK_PER_TARGET",
        "SANDBOX_WEBHOOK_ATTEMPTS",
        "SANDBOX_RATE_WINDOW",
        "SANDBOX_FLOOD_WINDOW",
        "SANDBOX_TOKEN_TTL",
        "SANDBOX_MAX_UPLOAD_BYTES",
        "SANDBOX_WEBHOOK_TIMEOUT",
        "SANDBOX_WEBHOOK_POLL",
    ],
)
def test_0_is_refused_where_it_would_switch_off_or_break_the_setting_s_thing(variable):
    with pytest.raises(SettingError, match=f'^{variable}="0" cannot be read; it takes .*(1 or more|at least)'):
        SandboxSettings.from_env({variable: "0"})


@pytest.mark.parametrize(
    ("variable", "name"),
    [
        ("SANDBOX_RATE_LIMIT", "rate_limit"),
        ("SANDBOX_USER_RATE_LIMIT", "user_rate_limit"),
        ("SANDBOX_FLOOD_LIMIT", "flood_limit"),
        ("SANDBOX_JOURNAL_MAX", "journal_max"),
        ("SANDBOX_WEBHOOK_BACKOFF", "webhook_backoff"),
    ],
)
def test_0_is_taken_where_it_has_a_meaning(variable, name):  # from SANDBOX_LIMITS, no journal, a retry at once
    assert getattr(SandboxSettings.from_env({variable: "0"}), name) == 0
