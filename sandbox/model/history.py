"""Reading history (a room's or a private chat's): pages, the latest messages, one message.

Every read is a range scan of (room_id|chat, ts, seq) from the newest end, so a page costs the same in a room of
a thousand messages and of a million. HipChat's semantics: start-index counts back from the newest message at or
before `date`; `reverse` (default true) puts the page oldest first; `date=recent` is the latest 75, without paging.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from flask import request

from sandbox.http import paging, params
from sandbox.http.errors import bad_request, not_found
from sandbox.http.paging import Page
from sandbox.http.representations import message_item, user_summary
from sandbox.store import clock

RECENT = 75


@dataclass(frozen=True)
class Scope:
    """Whose history: a room (column room_id) or a private chat (column chat)."""

    column: str
    value: Any


@dataclass(frozen=True)
class Options:
    page: Page
    latest: int | None
    earliest: int | None
    reverse: bool
    include_deleted: bool
    zone: tzinfo
    recent: bool


def options() -> Options:
    zone = params.timezone()
    recent = request.args.get("date") == "recent"
    page = paging.page()
    latest = None if recent else params.date("date", zone)
    end_raw = request.args.get("end-date")
    earliest = None if end_raw in (None, "", "null") else params.date("end-date", zone)
    if recent:
        page = Page(0, min(page.size, RECENT) if "max-results" in request.args else RECENT)
    return Options(page, latest, earliest, params.boolean("reverse", True), params.boolean("include_deleted", False), zone, recent)


def page_query(scope: Scope, opts: Options) -> tuple[str, list[Any]]:
    """The SQL of one history page: newest first from the index, bounded by date and end-date."""
    where, args = [f"{scope.column} = ?"], [scope.value]
    if opts.latest is not None:
        where.append("ts <= ?")
        args.append(opts.latest)
    if opts.earliest is not None:
        where.append("ts >= ?")
        args.append(opts.earliest)
    if not opts.include_deleted:
        where.append("deleted = 0")
    sql = f"SELECT * FROM messages WHERE {' AND '.join(where)} ORDER BY ts DESC, seq DESC LIMIT ? OFFSET ?"
    return sql, [*args, opts.page.limit, opts.page.start]


def read_page(conn: sqlite3.Connection, scope: Scope, opts: Options) -> tuple[list[dict[str, Any]], bool]:
    sql, args = page_query(scope, opts)
    rows = conn.execute(sql, args).fetchall()
    shown, has_more = opts.page.cut(rows)
    if opts.recent:
        has_more = False
    if opts.reverse:
        shown.reverse()
    return render(conn, shown, opts.zone), has_more


@dataclass(frozen=True)
class ReadOptions:
    """The query of GET …/history/latest (and, but for size and not_before, of GET …/history/<id>)."""

    size: int
    not_before: str | None
    zone: tzinfo
    include_deleted: bool


def latest_options() -> ReadOptions:
    """Read before the room or user is looked up, so that a bad parameter is a 400 whatever the path names."""
    size = params.integer("max-results", RECENT, 0, 1000)
    zone = params.timezone()
    return ReadOptions(size, request.args.get("not-before"), zone, params.boolean("include_deleted", False))


def message_options() -> ReadOptions:
    zone = params.timezone()
    return ReadOptions(1, None, zone, params.boolean("include_deleted", False))


def read_latest(conn: sqlite3.Connection, scope: Scope, opts: ReadOptions) -> dict[str, Any]:
    """The newest messages, oldest first, none older than the message not_before, in HipChat's envelope (no startIndex)."""
    where, args = [f"{scope.column} = ?"], [scope.value]
    if opts.not_before:
        anchor = conn.execute(
            f"SELECT ts, seq FROM messages WHERE id = ? AND {scope.column} = ?", (opts.not_before, scope.value)
        ).fetchone()
        if anchor is None:
            raise bad_request(f"Message {opts.not_before} not found", "not-before", "exists", opts.not_before)
        where.append("(ts, seq) >= (?, ?)")
        args += [anchor["ts"], anchor["seq"]]
    if not opts.include_deleted:
        where.append("deleted = 0")
    sql = f"SELECT * FROM messages WHERE {' AND '.join(where)} ORDER BY ts DESC, seq DESC LIMIT ?"
    rows = conn.execute(sql, (*args, opts.size)).fetchall()
    rows.reverse()
    return {"items": render(conn, rows, opts.zone), "maxResults": opts.size, "links": {"self": paging.self_url()}}


def read_one(conn: sqlite3.Connection, scope: Scope, message_id: str, opts: ReadOptions) -> dict[str, Any]:
    """One message, wrapped as HipChat wraps it: {"message": {...}}."""
    row = conn.execute(f"SELECT * FROM messages WHERE id = ? AND {scope.column} = ?", (message_id, scope.value)).fetchone()
    if row is None or (row["deleted"] and not opts.include_deleted):
        raise not_found(f"Message {message_id} not found")
    return {"message": render(conn, [row], opts.zone)[0]}


def render(conn: sqlite3.Connection, rows: list[sqlite3.Row], zone: tzinfo = clock.UTC) -> list[dict[str, Any]]:
    """Message items, with the users and files they name loaded in one query each."""
    user_ids: set[int] = set()
    file_ids: set[str] = set()
    for row in rows:
        if row["sender_id"] is not None:
            user_ids.add(row["sender_id"])
        user_ids.update(json.loads(row["mentions"] or "[]"))
        if row["file_id"]:
            file_ids.add(row["file_id"])
    users = {user_id: user_summary(row) for user_id, row in _by_id(conn, "SELECT * FROM users WHERE id IN ({})", sorted(user_ids)).items()}
    files = _by_id(conn, "SELECT id, name, size, content_type FROM files WHERE id IN ({})", sorted(file_ids))
    return [message_item(row, users, files, zone) for row in rows]


def _by_id(conn: sqlite3.Connection, sql: str, ids: list[Any]) -> dict[Any, sqlite3.Row]:
    if not ids:
        return {}
    return {row["id"]: row for row in conn.execute(sql.format(",".join("?" * len(ids))), ids)}
