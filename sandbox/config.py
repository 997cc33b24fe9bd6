"""Every setting of the sandbox, its environment variable and its default, in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from common import envsettings

# HipChat's published figures (DAC rate limits; Atlassian KB for HipChat Server user tokens).
HIPCHAT_RATE_LIMIT = 500
HIPCHAT_USER_RATE_LIMIT = 100
HIPCHAT_FLOOD_LIMIT = 30
GENEROUS_LIMIT = 100_000


@dataclass(frozen=True)
class SandboxSettings:
    """Sandbox settings. Each field's metadata names the environment variable that sets it."""

    db: str = field(default="var/sandbox.db", metadata={"env": "SANDBOX_DB", "help": "SQLite database path; :memory: for tests."})
    public_url: str = field(
        default="",
        metadata={"env": "SANDBOX_PUBLIC_URL", "help": "Base URL written into links, e.g. http://127.0.0.1:8001 (default: the request's)."},
    )
    admin_token: str = field(
        default="",
        metadata={
            "env": "SANDBOX_ADMIN_TOKEN",
            "help": "Personal token of the seeded group admin, every scope (default: generated, printed).",
        },
    )
    demo_token: str = field(
        default="",
        metadata={
            "env": "SANDBOX_DEMO_TOKEN",
            "help": "A second personal token of the group admin, every scope, for API calls only: it does not open /_sandbox/"
            " (make run's TOKEN; default: none).",
        },
    )
    oauth_client_id: str = field(
        default="", metadata={"env": "SANDBOX_OAUTH_CLIENT_ID", "help": "OAuth id of the seeded add-on (default: generated, printed)."}
    )
    oauth_client_secret: str = field(
        default="", metadata={"env": "SANDBOX_OAUTH_CLIENT_SECRET", "help": "OAuth secret of the seeded add-on (default: generated)."}
    )
    oauth_redirect_uris: str = field(
        default="",
        metadata={
            "env": "SANDBOX_OAUTH_REDIRECT_URIS",
            "help": "Comma-separated http(s) URLs the seeded add-on may send users back to from /users/authorize (default: none).",
        },
    )
    demo: bool = field(default=True, metadata={"env": "SANDBOX_DEMO", "help": "Seed demo data into an empty database at start."})
    banner: bool = field(
        default=True,
        metadata={
            "env": "SANDBOX_BANNER",
            "help": "Print the start-up banner (URL, generated credentials, demo data when created) once per server;"
            " make run prints its own.",
        },
    )
    limits: str = field(
        default="generous",
        metadata={
            "env": "SANDBOX_LIMITS",
            "choices": ("generous", "hipchat"),
            "help": "generous, or hipchat for HipChat's figures (500/5 min, 100 for user tokens, 30/min).",
        },
    )
    rate_limit: int = field(
        default=0, metadata={"env": "SANDBOX_RATE_LIMIT", "help": "Requests per window per token (0: from SANDBOX_LIMITS)."}
    )
    user_rate_limit: int = field(
        default=0, metadata={"env": "SANDBOX_USER_RATE_LIMIT", "help": "Requests per window per user token (0: from SANDBOX_LIMITS)."}
    )
    rate_window: int = field(
        default=300, metadata={"env": "SANDBOX_RATE_WINDOW", "minimum": 1, "unit": "seconds", "help": "Rate-limit window in seconds."}
    )
    flood_limit: int = field(
        default=0, metadata={"env": "SANDBOX_FLOOD_LIMIT", "help": "Messages per flood window per token and room (0: from SANDBOX_LIMITS)."}
    )
    flood_window: int = field(
        default=60, metadata={"env": "SANDBOX_FLOOD_WINDOW", "minimum": 1, "unit": "seconds", "help": "Flood-control window in seconds."}
    )
    token_ttl: int = field(
        default=3600,
        metadata={
            "env": "SANDBOX_TOKEN_TTL",
            "minimum": 1,
            "unit": "seconds",
            "help": "expires_in of tokens from /v2/oauth/token, seconds.",
        },
    )
    max_upload_bytes: int = field(
        default=32 * 1024 * 1024,
        metadata={
            "env": "SANDBOX_MAX_UPLOAD_BYTES",
            "minimum": 1,
            "unit": "bytes",
            "help": "Largest request body (file shares, photos; above the runtime's 25 MB files).",
        },
    )
    webhook_timeout: float = field(
        default=5.0,
        metadata={
            "env": "SANDBOX_WEBHOOK_TIMEOUT",
            "minimum": 0.001,
            "unit": "seconds",
            "help": "Seconds a webhook delivery attempt (the whole exchange: connect, send, answer), or an add-on's descriptor,"
            " install or uninstall call, may take.",
        },
    )
    webhook_per_target: int = field(
        default=2,
        metadata={
            "env": "SANDBOX_WEBHOOK_PER_TARGET",
            "minimum": 1,
            "help": "Deliveries in flight at once to one receiver (host:port), across all workers; each worker has 4 senders.",
        },
    )
    webhook_attempts: int = field(
        default=5, metadata={"env": "SANDBOX_WEBHOOK_ATTEMPTS", "minimum": 1, "help": "Delivery attempts before giving up."}
    )
    webhook_backoff: float = field(
        default=2.0,
        metadata={"env": "SANDBOX_WEBHOOK_BACKOFF", "unit": "seconds", "help": "Seconds before the first retry; doubles each attempt."},
    )
    webhook_poll: float = field(
        default=1.0,
        metadata={
            "env": "SANDBOX_WEBHOOK_POLL",
            "minimum": 0.001,
            "unit": "seconds",
            "help": "Seconds between scans for due deliveries (new ones start at once).",
        },
    )
    webhook_allowed_hosts: str = field(
        default="",
        metadata={
            "env": "SANDBOX_WEBHOOK_ALLOWED_HOSTS",
            "help": "Comma-separated hosts webhooks may point at, checked at creation and delivery (default: any host but the sandbox).",
        },
    )
    journal_max: int = field(default=5000, metadata={"env": "SANDBOX_JOURNAL_MAX", "help": "Requests kept in the journal (0: no journal)."})

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> SandboxSettings:
        return envsettings.from_env(cls, environ, **overrides)

    @property
    def hipchat_limits(self) -> bool:
        return self.limits.strip().lower() == "hipchat"

    def limit_for(self, user_token: bool) -> int:
        if user_token and self.user_rate_limit:
            return self.user_rate_limit
        if self.rate_limit:
            return self.rate_limit
        if not self.hipchat_limits:
            return GENEROUS_LIMIT
        return HIPCHAT_USER_RATE_LIMIT if user_token else HIPCHAT_RATE_LIMIT

    @property
    def flood(self) -> int:
        return self.flood_limit or (HIPCHAT_FLOOD_LIMIT if self.hipchat_limits else GENEROUS_LIMIT)

    @classmethod
    def describe(cls) -> list[tuple[str, str, str]]:
        """(environment variable, default, help) for every setting: the README's table."""
        return envsettings.describe(cls)
