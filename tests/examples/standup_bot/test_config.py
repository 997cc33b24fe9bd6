"""The bot's environment contract: PORT, RUNTIME_URL, BOT_PUBLIC_URL, BOT_DB."""

from __future__ import annotations

from standup.config import Config


def test_defaults_follow_the_port():
    config = Config.from_env({"PORT": "9123"})
    assert (config.port, config.runtime_url, config.public_url, config.db_path) == (
        9123,
        "http://127.0.0.1:8000",
        "http://127.0.0.1:9123",
        "standup-bot.db",
    )


def test_the_environment_sets_every_url_and_the_database():
    environ = {"PORT": "5000", "RUNTIME_URL": "http://runtime:8000/", "BOT_PUBLIC_URL": "https://bot.example/", "BOT_DB": "/data/bot.db"}
    config = Config.from_env(environ)
    assert (config.runtime_url, config.public_url, config.db_path) == ("http://runtime:8000", "https://bot.example", "/data/bot.db")
