"""What exists in every sandbox: the schema, a group with its admin (owner), the admin's token, the seeded add-on, built-in emoticons.

Idempotent, so every gunicorn worker runs it at start: generated credentials are kept in the meta table and stay the
same after a restart. The banner that shows them prints once per server (not once per worker), and says "demo data
created" only when this start created it.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.admin import demo
from sandbox.api import emoticons
from sandbox.api.users import hash_password, version
from sandbox.config import SandboxSettings
from sandbox.security import auth
from sandbox.security.access import ALL_SCOPES
from sandbox.store import clock
from sandbox.store.db import Database, inserted_id

ADDON_KEY = "sandbox-addon"
TABLES_IN_DELETE_ORDER = (
    "faults",
    "delivery_attempts",
    "deliveries",
    "journal",
    "rate_counters",
    "ui_updates",
    "integration_links",
    "extensions",
    "auth_codes",
    "user_sessions",
    "refresh_tokens",
    "tokens",
    "installations",
    "oauth_clients",
    "emoticons",
    "messages",
    "invitations",
    "auto_join",
    "room_participants",
    "room_members",
    "rooms",
    "users",
    "groups",
    "files",
    "meta",
)


@dataclass
class Credentials:
    group_id: int
    admin_id: int
    admin_token: str
    admin_token_generated: bool
    client_id: str
    client_secret: str
    client_generated: bool
    installable_url_token: str
    demo: dict[str, Any] = field(default_factory=dict)
    demo_created: bool = False  # by this bootstrap
    announce: bool = False  # this process prints the banner: the first of its server's workers to start


def meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row["value"] if row else None


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def ensure_group(conn: sqlite3.Connection) -> tuple[int, int]:
    row = conn.execute("SELECT id, owner_id FROM groups ORDER BY id LIMIT 1").fetchone()
    if row is not None:
        return row["id"], row["owner_id"]
    now = clock.now_us()
    group_id = inserted_id(conn.execute("INSERT INTO groups (name, subdomain, created) VALUES ('Sandbox', 'sandbox', ?)", (now,)))
    admin_id = inserted_id(conn.execute(
        "INSERT INTO users (group_id, name, mention_name, email, title, roles, is_group_admin, is_online, presence_show, password_hash,"
        " version, created) VALUES (?, 'Sandbox Admin', 'admin', 'admin@sandbox.local', 'Group owner', ?, 1, 1, 'chat', ?, ?, ?)",
        (group_id, json.dumps(["owner", "admin", "user"]), hash_password(secrets.token_urlsafe(16)), version(), now),
    ))
    conn.execute("UPDATE groups SET owner_id = ? WHERE id = ?", (admin_id, group_id))
    return group_id, admin_id


def ensure_admin_token(conn: sqlite3.Connection, settings: SandboxSettings, group_id: int, admin_id: int) -> tuple[str, bool]:
    token, generated = settings.admin_token, False
    if not token:
        token = meta(conn, "admin_token") or auth.new_token()
        set_meta(conn, "admin_token", token)
        generated = True
    previous = meta(conn, "admin_token_hash")
    if previous and previous != auth.hash_token(token):
        conn.execute("DELETE FROM tokens WHERE hash = ?", (previous,))
    set_meta(conn, "admin_token_hash", auth.hash_token(token))
    auth.issue(conn, "personal", group_id, ALL_SCOPES, user_id=admin_id, token=token)
    return token, generated


def ensure_demo_token(conn: sqlite3.Connection, settings: SandboxSettings, group_id: int, admin_id: int) -> None:
    """SANDBOX_DEMO_TOKEN: the admin's API token (every scope) that is not the admin token, so the token sent in every
    call body, snippet and shell history does not open /_sandbox/ (issue 13, item 5). A changed one retires the old."""
    previous = meta(conn, "demo_token_hash")
    wanted = auth.hash_token(settings.demo_token) if settings.demo_token else None
    if previous and previous != wanted:
        conn.execute("DELETE FROM tokens WHERE hash = ?", (previous,))
        conn.execute("DELETE FROM meta WHERE key = 'demo_token_hash'")
    if wanted is not None and wanted != meta(conn, "admin_token_hash"):
        set_meta(conn, "demo_token_hash", wanted)
        auth.issue(conn, "personal", group_id, ALL_SCOPES, user_id=admin_id, token=settings.demo_token)


def ensure_addon(conn: sqlite3.Connection, settings: SandboxSettings, group_id: int) -> tuple[str, str, bool, str]:
    client_id = settings.oauth_client_id or meta(conn, "addon_id") or str(uuid.uuid4())
    secret = settings.oauth_client_secret or meta(conn, "addon_secret") or secrets.token_urlsafe(30)
    generated = not (settings.oauth_client_id and settings.oauth_client_secret)
    set_meta(conn, "addon_id", client_id)
    set_meta(conn, "addon_secret", secret)
    redirect_uris = " ".join(settings.oauth_redirect_uris.replace(",", " ").split())
    conn.execute(
        "INSERT INTO oauth_clients (id, secret, name, addon_key, group_id, scopes, installable_token, created, redirect_uris)"
        " VALUES (?, ?, 'Sandbox Add-on', ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET secret = excluded.secret, redirect_uris = excluded.redirect_uris",
        (client_id, secret, ADDON_KEY, group_id, " ".join(ALL_SCOPES), secrets.token_urlsafe(24), clock.now_us(), redirect_uris),
    )
    installable = conn.execute("SELECT installable_token FROM oauth_clients WHERE id = ?", (client_id,)).fetchone()["installable_token"]
    return client_id, secret, generated, installable


def bootstrap(db: Database, settings: SandboxSettings, with_demo: bool | None = None) -> Credentials:
    db.migrate()
    with db.write() as conn:
        group_id, admin_id = ensure_group(conn)
        token, token_generated = ensure_admin_token(conn, settings, group_id, admin_id)
        ensure_demo_token(conn, settings, group_id, admin_id)
        client_id, secret, client_generated, installable = ensure_addon(conn, settings, group_id)
        emoticons.seed_built_in(conn)
        credentials = Credentials(group_id, admin_id, token, token_generated, client_id, secret, client_generated, installable)
        if (settings.demo if with_demo is None else with_demo) and meta(conn, "demo") is None:
            credentials.demo = demo.seed(conn, group_id, admin_id)
            credentials.demo_created = True
            set_meta(conn, "demo", json.dumps(credentials.demo))
        elif meta(conn, "demo"):
            credentials.demo = json.loads(meta(conn, "demo") or "{}")
        # In the same transaction as the writes, so the worker that announces is the one that created the demo data.
        credentials.announce = settings.banner and first_of_its_server(conn)
    return credentials


def gunicorn_master() -> str | None:
    """The gunicorn master this process is a worker of, as "pid:start time", or None when it is not a worker (then the
    process is a server of its own). A worker is a fork of its master, so the two have the same command line; the start
    time tells a master from a later process that got its pid. Linux (/proc) only; elsewhere None."""
    if not os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn/"):
        return None
    parent = os.getppid()
    try:
        if Path(f"/proc/{parent}/cmdline").read_bytes() != Path("/proc/self/cmdline").read_bytes():
            return None
        start_time = Path(f"/proc/{parent}/stat").read_text().rsplit(")", 1)[1].split()[19]  # field 22, starttime
    except (OSError, IndexError):
        return None
    return f"{parent}:{start_time}"


def first_of_its_server(conn: sqlite3.Connection) -> bool:
    """Whether this process is the first of its gunicorn master's workers to get here (always, outside gunicorn)."""
    master = gunicorn_master()
    if master is None:
        return True
    if meta(conn, "announced_by") == master:
        return False
    set_meta(conn, "announced_by", master)
    return True


def wipe(db: Database) -> None:
    with db.write() as conn:
        conn.execute("PRAGMA defer_foreign_keys = ON")
        for table in TABLES_IN_DELETE_ORDER:
            conn.execute(f"DELETE FROM {table}")
        conn.execute("DELETE FROM sqlite_sequence")


def banner(credentials: Credentials, settings: SandboxSettings) -> str:
    where = settings.public_url or "this server"
    lines = [f"HipChat sandbox: {where}/v2 (database {settings.db})"]
    if credentials.admin_token_generated:
        lines.append(f"  admin token (group admin, every scope): {credentials.admin_token}   (set SANDBOX_ADMIN_TOKEN to choose it)")
    else:
        lines.append("  admin token (group admin, every scope): the one SANDBOX_ADMIN_TOKEN sets (a chosen secret is not printed)")
    if credentials.client_generated:
        lines.append(f"  add-on OAuth client: id {credentials.client_id} secret {credentials.client_secret}")
    else:
        lines.append(f"  add-on OAuth client: id {credentials.client_id} (secret from SANDBOX_OAUTH_CLIENT_SECRET)")
    if credentials.demo_created:
        demo_data = credentials.demo
        lines.append(
            f"  demo data created: rooms {', '.join(demo_data['rooms'])}; users @admin {' '.join(demo_data['users'])}"
            f" (password {demo_data['password']})"
        )
    return "\n".join(lines)


def print_banner(credentials: Credentials, settings: SandboxSettings) -> None:
    """The banner on stderr, when this process is the one to announce its server (see Credentials.announce)."""
    if credentials.announce:
        print(banner(credentials, settings), file=sys.stderr, flush=True)
