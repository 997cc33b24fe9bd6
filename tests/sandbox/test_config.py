"""Settings from the environment; HipChat's limits on request, generous ones otherwise, explicit numbers win."""

from __future__ import annotations

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
