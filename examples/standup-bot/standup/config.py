"""The bot's settings, from the environment (the Procfile's `bot:` line sets PORT)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    port: int
    runtime_url: str  # RUNTIME_URL: the runtime's base URL; every HipChat call goes there
    public_url: str  # BOT_PUBLIC_URL: where HipChat (the sandbox) reaches the bot
    db_path: str  # BOT_DB: the bot's SQLite file

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Config:
        port = int(environ.get("PORT") or 8002)
        return cls(
            port=port,
            runtime_url=(environ.get("RUNTIME_URL") or "http://127.0.0.1:8000").rstrip("/"),
            public_url=(environ.get("BOT_PUBLIC_URL") or f"http://127.0.0.1:{port}").rstrip("/"),
            db_path=environ.get("BOT_DB") or "standup-bot.db",
        )
