"""The bot's settings, from the environment (the Procfile's `bot:` line sets PORT). Declared as the repository's servers
declare theirs: one field per setting, its metadata naming the variable, what it takes and what it is. A value that
cannot be read stops the bot with one line (ConfigError) instead of a default or a traceback."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from urllib.parse import urlsplit


class ConfigError(ValueError):
    """A variable whose value cannot be read: the one line the bot stops with."""


def port_number(text: str) -> int | None:
    return int(text) if re.fullmatch(r"\d{1,5}", text) and 1 <= int(text) <= 65535 else None


def http_url(text: str) -> str | None:
    parts = urlsplit(text)
    return text.rstrip("/") if parts.scheme in ("http", "https") and parts.hostname else None


def any_text(text: str) -> str:
    return text


def setting(env: str, takes: str, read: Callable[[str], object], help: str) -> dict[str, object]:
    return {"env": env, "takes": takes, "read": read, "help": help}


@dataclass(frozen=True)
class Config:
    port: int = field(default=8002, metadata=setting("PORT", "a port number, 1 to 65535", port_number, "Port the bot serves on."))
    runtime_url: str = field(
        default="http://127.0.0.1:8000",
        metadata=setting("RUNTIME_URL", "an http(s) URL", http_url, "The runtime's base URL; every HipChat call goes there."),
    )
    public_url: str = field(  # empty: http://127.0.0.1:$PORT
        default="",
        metadata=setting("BOT_PUBLIC_URL", "an http(s) URL", http_url, "Where HipChat (the sandbox) reaches the bot (default: http://127.0.0.1:$PORT)."),
    )
    db_path: str = field(default="standup-bot.db", metadata=setting("BOT_DB", "a file path", any_text, "The bot's SQLite file."))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Config:
        values = {}
        for f in fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw:
                value = f.metadata["read"](raw.strip())
                if value is None:
                    raise ConfigError(f"{f.metadata['env']}={json.dumps(raw)} cannot be read; it takes {f.metadata['takes']}")
                values[f.name] = value
        config = cls(**values)
        return replace(config, public_url=config.public_url or f"http://127.0.0.1:{config.port}")
