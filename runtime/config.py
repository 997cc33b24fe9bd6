"""Every setting of the runtime, its environment variable and its default, in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from common import envsettings

ROOT = Path(__file__).resolve().parent.parent


def bundled(name: str) -> Path:
    """A file the project keeps at the repository's root (metadata.json, schemas/metadata.schema.json): the copy the
    build put into the installed runtime package (runtime/bundled/, setup.py), else the checkout's own."""
    packaged = Path(str(resources.files("runtime"))) / "bundled" / name
    return packaged if packaged.is_file() else ROOT / name


@dataclass(frozen=True)
class Settings:
    """Runtime settings. Each field's metadata names the environment variable that sets it."""

    api_url: str = field(
        default="http://127.0.0.1:8001/v2",
        metadata={
            "env": "HIPCHAT_API_URL",
            "help": "Upstream API base URL, including its version path such as /v2 (default: the bundled sandbox).",
        },
    )
    connect_timeout: float = field(
        default=5.0,
        metadata={
            "env": "HIPCHAT_CONNECT_TIMEOUT",
            "minimum": 0.001,
            "unit": "seconds",
            "help": "Seconds to wait for a connection to the upstream.",
        },
    )
    read_timeout: float = field(
        default=30.0,
        metadata={"env": "HIPCHAT_READ_TIMEOUT", "minimum": 0.001, "unit": "seconds", "help": "Seconds to wait for the upstream's answer."},
    )
    ca_bundle: str = field(
        default="",
        metadata={
            "env": "HIPCHAT_CA_BUNDLE",
            "help": "Path of a CA bundle for an upstream server with a private CA (TLS verification stays on).",
        },
    )
    max_upstream_bytes: int = field(
        default=50 * 1024 * 1024,
        metadata={"env": "HIPCHAT_MAX_RESPONSE_BYTES", "minimum": 1, "unit": "bytes", "help": "Largest upstream answer the runtime reads."},
    )
    max_body_bytes: int = field(
        default=1024 * 1024,
        metadata={
            "env": "RUNTIME_MAX_BODY_BYTES",
            "minimum": 1,
            "unit": "bytes",
            "help": "Largest call body accepted (JSON or form-encoded), and largest args field of a multipart call.",
        },
    )
    max_json_depth: int = field(
        default=32,
        metadata={"env": "RUNTIME_MAX_JSON_DEPTH", "minimum": 1, "help": "Deepest nesting accepted in a call body or JSON argument."},
    )
    max_array_items: int = field(
        default=1000,
        metadata={
            "env": "RUNTIME_MAX_ARRAY_ITEMS",
            "minimum": 1,
            "help": "Most items an Array argument may hold (a catalog maxItems can lower it).",
        },
    )
    file_max_bytes: int = field(
        default=25 * 1024 * 1024,
        metadata={
            "env": "FILE_MAX_BYTES",
            "minimum": 1,
            "unit": "bytes",
            "help": "Largest file a File argument may carry (upload, data: URI or fetched URL).",
        },
    )
    file_fetch_timeout: float = field(
        default=10.0,
        metadata={
            "env": "FILE_FETCH_TIMEOUT",
            "minimum": 0.001,
            "unit": "seconds",
            "help": "Seconds allowed for the whole fetch of a File URL: connect, redirects, headers and body.",
        },
    )
    file_allowed_hosts: tuple[str, ...] = field(
        default=(),
        metadata={
            "env": "FILE_ALLOWED_HOSTS",
            "help": "Comma-separated hosts whose loopback/private addresses a File URL may reach (default: none).",
        },
    )
    file_allow_private: bool = field(
        default=False,
        metadata={
            "env": "FILE_ALLOW_PRIVATE",
            "help": "true lets File URLs reach any loopback, private or link-local address (tests, closed networks).",
        },
    )
    file_ca_bundle: str = field(
        default="",
        metadata={
            "env": "FILE_CA_BUNDLE",
            "help": "Path of a CA bundle trusted for https File URLs (default: the certifi store; TLS verification stays on).",
        },
    )
    catalog_path: str = field(
        default="", metadata={"env": "RUNTIME_CATALOG", "help": "Path of the catalog (default: the bundled metadata.json)."}
    )
    log_level: str = field(
        default="INFO",
        metadata={
            "env": "RUNTIME_LOG_LEVEL",
            "choices": ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
            "help": "Level of the runtime's log (INFO: one line per call).",
        },
    )
    public_url: str = field(
        default="",
        metadata={
            "env": "RUNTIME_PUBLIC_URL",
            "help": "The runtime's public base URL, written into exported snippets; a deployment sets it "
            "(default: the request's scheme and Host, refused unless a valid host[:port]).",
        },
    )
    cors_origins: tuple[str, ...] = field(
        default=(),
        metadata={
            "env": "RUNTIME_CORS_ORIGINS",
            "help": "Comma-separated origins (https://app.example.com) whose pages may call /api/<package>/*, or * for any "
            "(default: none, no CORS headers).",
        },
    )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        return envsettings.from_env(cls, environ, **overrides)

    @property
    def catalog_file(self) -> Path:
        return Path(self.catalog_path) if self.catalog_path else bundled("metadata.json")

    @classmethod
    def describe(cls) -> list[tuple[str, str, str]]:
        """(environment variable, default, help) for every setting: the README's table."""
        return envsettings.describe(cls)
