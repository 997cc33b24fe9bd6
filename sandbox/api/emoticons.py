"""Emoticons: a built-in global set (seeded with the schema) plus the group's own; images are made on the fly."""

from __future__ import annotations

import sqlite3

from flask import Blueprint, Response

from sandbox.http import paging, params
from sandbox.http.context import db
from sandbox.http.errors import not_found
from sandbox.http.representations import emoticon_detail, emoticon_item
from sandbox.http.responses import json_response
from sandbox.model.resolve import numeric_id
from sandbox.security.auth import principal
from sandbox.store import clock

bp = Blueprint("emoticons", __name__)

# shortcut, colour of its stand-in image. Size 30x30 like HipChat's standard emoticons.
BUILT_IN = (
    ("allthethings", "f5a623"),
    ("awthanks", "f8e71c"),
    ("awyeah", "7ed321"),
    ("badass", "4a4a4a"),
    ("boom", "d0021b"),
    ("cake", "f6a7c1"),
    ("coffee", "8b572a"),
    ("content", "50e3c2"),
    ("cookie", "c69c6d"),
    ("facepalm", "e8b17a"),
    ("fireworks", "bd10e0"),
    ("goodnews", "417505"),
    ("heart", "e0245e"),
    ("hipchat", "205081"),
    ("lol", "f8e71c"),
    ("ninja", "000000"),
    ("notbad", "9b9b9b"),
    ("okay", "b8e986"),
    ("pirate", "2c3e50"),
    ("poo", "795548"),
    ("sadpanda", "cccccc"),
    ("shrug", "f1c40f"),
    ("success", "2ecc71"),
    ("thumbsup", "3498db"),
    ("thumbsdown", "e74c3c"),
    ("yey", "ff9800"),
)


def seed_built_in(conn: sqlite3.Connection) -> None:
    now = clock.now_us()
    conn.executemany(
        "INSERT OR IGNORE INTO emoticons (group_id, shortcut, width, height, color, created) VALUES (NULL, ?, 30, 30, ?, ?)",
        [(shortcut, color, now) for shortcut, color in BUILT_IN],
    )


@bp.get("/v2/emoticon")
def list_emoticons() -> Response:
    page = paging.page()
    kind = params.choice("type", "all", ("global", "group", "all"))
    where = {
        "global": "group_id IS NULL",
        "group": "group_id = :group",
        "all": "(group_id IS NULL OR group_id = :group)",
    }[kind]
    with db().read() as conn:
        rows = conn.execute(
            f"SELECT * FROM emoticons WHERE {where} ORDER BY id LIMIT :limit OFFSET :offset",
            {"group": principal().group_id, "limit": page.limit, "offset": page.start},
        ).fetchall()
    shown, more = page.cut(rows)
    return json_response(paging.envelope([emoticon_item(row) for row in shown], page, more))


@bp.get("/v2/emoticon/<seg:emoticon>")
def get_emoticon(emoticon: str) -> Response:
    caller = principal()
    shortcut = emoticon.strip("()")
    with db().read() as conn:
        row = None
        if numeric_id(emoticon) is not None:
            row = conn.execute("SELECT * FROM emoticons WHERE id = ?", (numeric_id(emoticon),)).fetchone()
        if row is None:
            row = conn.execute("SELECT * FROM emoticons WHERE shortcut = ?", (shortcut,)).fetchone()
        if row is None or row["group_id"] not in (None, caller.group_id):
            raise not_found(f"Emoticon {emoticon} not found")
        creator = conn.execute("SELECT * FROM users WHERE id = ?", (row["creator_id"],)).fetchone() if row["creator_id"] else None
    return json_response(emoticon_detail(row, creator))
