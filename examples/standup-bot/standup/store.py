"""The bot's own SQLite: installations (oauthId, secret, group, room), their tokens, standup notes, JWTs already seen."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS installations (
    oauth_id TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    group_id INTEGER NOT NULL,
    room_id INTEGER,
    capabilities_url TEXT NOT NULL,
    installed REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    oauth_id TEXT PRIMARY KEY REFERENCES installations(oauth_id) ON DELETE CASCADE,
    access_token TEXT NOT NULL,
    refresh_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY,
    oauth_id TEXT NOT NULL REFERENCES installations(oauth_id) ON DELETE CASCADE,
    room_id INTEGER NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    user_id INTEGER,
    user_name TEXT NOT NULL,
    text TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS seen_tokens (key TEXT PRIMARY KEY, expires REAL NOT NULL);
"""


@dataclass(frozen=True)
class Installation:
    oauth_id: str
    secret: str
    group_id: int
    room_id: int | None


class Store:
    def __init__(self, path: str) -> None:
        self.path = path
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        with self.transaction() as conn:
            conn.executescript(SCHEMA)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=15)) as conn:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            with conn:
                yield conn

    def add_installation(self, installation: Installation, capabilities_url: str, token: str, refresh_at: float) -> bool:
        """Keep a new installation with its first token; False, and nothing changed, when its oauthId is known already
        (an installation is never replaced: a forged POST would wipe the real one)."""
        with self.transaction() as conn:
            added = conn.execute(
                "INSERT OR IGNORE INTO installations (oauth_id, secret, group_id, room_id, capabilities_url, installed)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (installation.oauth_id, installation.secret, installation.group_id, installation.room_id, capabilities_url, time.time()),
            ).rowcount
            if added:
                conn.execute(
                    "INSERT OR REPLACE INTO tokens (oauth_id, access_token, refresh_at) VALUES (?, ?, ?)",
                    (installation.oauth_id, token, refresh_at),
                )
            return added == 1

    def installation(self, oauth_id: str) -> Installation | None:
        with self.transaction() as conn:
            row = conn.execute("SELECT * FROM installations WHERE oauth_id = ?", (oauth_id,)).fetchone()
        return Installation(row["oauth_id"], row["secret"], row["group_id"], row["room_id"]) if row else None

    def remove_installation(self, oauth_id: str) -> bool:
        with self.transaction() as conn:
            return conn.execute("DELETE FROM installations WHERE oauth_id = ?", (oauth_id,)).rowcount > 0

    def token(self, oauth_id: str, now: float) -> str | None:
        """The stored token while it is not due for a refresh."""
        with self.transaction() as conn:
            row = conn.execute("SELECT access_token FROM tokens WHERE oauth_id = ? AND refresh_at > ?", (oauth_id, now)).fetchone()
        return row["access_token"] if row else None

    def save_token(self, oauth_id: str, access_token: str, refresh_at: float) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO tokens (oauth_id, access_token, refresh_at) VALUES (?, ?, ?)", (oauth_id, access_token, refresh_at)
            )

    def add_note(self, oauth_id: str, room_id: int, message_id: str, user_id: int | None, user_name: str, text: str) -> int:
        """The note's id; a message seen before (a retried delivery) keeps its first note."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO notes (oauth_id, room_id, message_id, user_id, user_name, text, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (oauth_id, room_id, message_id, user_id, user_name, text, time.time()),
            )
            return conn.execute("SELECT id FROM notes WHERE message_id = ?", (message_id,)).fetchone()["id"]

    def count_notes(self, oauth_id: str, room_id: int) -> int:
        with self.transaction() as conn:
            return conn.execute("SELECT count(*) FROM notes WHERE oauth_id = ? AND room_id = ?", (oauth_id, room_id)).fetchone()[0]

    def first_sight(self, key: str, expires: float, now: float) -> bool:
        """True the first time a key is seen before it expires (replay protection); forgets expired keys."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM seen_tokens WHERE expires <= ?", (now,))
            return conn.execute("INSERT OR IGNORE INTO seen_tokens (key, expires) VALUES (?, ?)", (key, expires)).rowcount == 1
