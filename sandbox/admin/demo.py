"""Demo data: a few users, public, private and archived rooms, some history (messages, a card, a file, a link, a topic change)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from sandbox.api.users import hash_password, version
from sandbox.model.messaging import NewMessage, chat_key, insert, link_object
from sandbox.store import clock
from sandbox.store.db import inserted_id

DEMO_PASSWORD = "demo-password"
USERS = (
    # name, mention, email, title, online, guest, deleted
    ("Bob Builder", "bob", "bob@sandbox.local", "Engineer", True, False, False),
    ("Carol Chen", "carol", "carol@sandbox.local", "Designer", True, False, False),
    ("Dave Visitor", "dave", "dave@example.com", "", False, True, False),
    ("Erin Former", "erin", "erin@sandbox.local", "", False, False, True),
)
ROOMS = (
    # name, privacy, archived, topic
    ("General", "public", False, "Welcome to the HipChat sandbox"),
    ("Ops Room", "private", False, "Deploys and incidents"),
    ("Random", "public", False, ""),
    ("Old Projects", "public", True, "Archived"),
)
CI_CARD = {
    "style": "application",
    "format": "medium",
    "id": "build-42",
    "title": "Build #42 passed",
    "url": "https://ci.example.com/builds/42",
    "description": {"value": "All 318 tests passed on <b>main</b>.", "format": "html"},
    "icon": {"url": "https://ci.example.com/icon.png"},
    "attributes": [{"label": "branch", "value": {"label": "main", "style": "lozenge-success"}}],
}


def seed(conn: sqlite3.Connection, group_id: int, admin_id: int) -> dict[str, Any]:
    now = clock.now_us()
    users: dict[str, int] = {}
    for name, mention, email, title, online, guest, deleted in USERS:
        users[mention] = inserted_id(conn.execute(
            "INSERT INTO users (group_id, name, mention_name, email, title, is_online, is_guest, is_deleted, password_hash,"
            " presence_show, roles, version, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                group_id,
                name,
                mention,
                email,
                title,
                int(online),
                int(guest),
                int(deleted),
                hash_password(DEMO_PASSWORD),
                "chat" if online else None,
                json.dumps(["guest"] if guest else ["user"]),
                version(),
                now - 86_400_000_000,
            ),
        ))
    rooms: dict[str, int] = {}
    for name, privacy, archived, topic in ROOMS:
        rooms[name] = inserted_id(conn.execute(
            "INSERT INTO rooms (group_id, name, privacy, is_archived, topic, owner_id, created, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (group_id, name, privacy, int(archived), topic, admin_id, now - 86_400_000_000, version()),
        ))
    bob, carol = users["bob"], users["carol"]
    general, ops = rooms["General"], rooms["Ops Room"]
    conn.executemany(
        "INSERT INTO room_members (room_id, user_id, roles, added) VALUES (?, ?, ?, ?)",
        [(ops, admin_id, '["room_admin"]', now), (ops, bob, '["room_member"]', now)],
    )
    conn.executemany(
        "INSERT INTO room_participants (room_id, user_id, entered) VALUES (?, ?, ?)",
        [(general, admin_id, now), (general, bob, now), (general, carol, now), (ops, admin_id, now), (ops, bob, now)],
    )
    conn.executemany(
        "INSERT INTO auto_join (user_id, room_id, added) VALUES (?, ?, ?)",
        [(admin_id, general, now), (admin_id, ops, now), (bob, general, now)],
    )
    file_id = "demo" + "0" * 28
    notes = b"Release checklist\n- tag\n- deploy\n- announce\n"
    conn.execute(
        "INSERT INTO files (id, name, content_type, size, data, created) VALUES (?, 'checklist.txt', 'text/plain', ?, ?, ?)",
        (file_id, len(notes), notes, now),
    )
    minute = 60_000_000
    history = [
        (
            general,
            NewMessage(type="message", message="Welcome everyone! @bob @carol, this is the sandbox's General room.", sender_id=admin_id),
        ),
        (general, NewMessage(type="message", message="Thanks! The build dashboard is at https://ci.example.com/builds", sender_id=bob)),
        (
            general,
            NewMessage(
                type="notification", message="Build #42 passed", from_label="CI", color="green", message_format="html", card=CI_CARD
            ),
        ),
        (general, NewMessage(type="message", message="Here is the release checklist", sender_id=carol, file_id=file_id, links=[])),
        (general, NewMessage(type="topic", message="Welcome to the HipChat sandbox", sender_id=admin_id)),
        (general, NewMessage(type="message", message="Design notes", sender_id=carol, links=[link_object("https://example.com/design")])),
        (ops, NewMessage(type="message", message="Deploying 1.4.2 to production now", sender_id=bob)),
        (
            ops,
            NewMessage(
                type="notification", message="<b>Deploy finished</b> in 93 s", from_label="Deployer", color="purple", message_format="html"
            ),
        ),
    ]
    for index, (room_id, new) in enumerate(history):
        new.room_id = room_id
        insert(conn, group_id, new, ts=now - (len(history) - index) * minute)
    chat = chat_key(admin_id, bob)
    for index, (sender, text) in enumerate(
        [(admin_id, "Hi Bob, got a minute?"), (bob, "Sure, what's up?"), (admin_id, "Can you look at the deploy?")]
    ):
        insert(
            conn,
            group_id,
            NewMessage(type="message", message=text, chat=chat, sender_id=sender, message_format="text"),
            ts=now - (3 - index) * minute,
        )
    conn.execute(
        "INSERT OR IGNORE INTO emoticons (group_id, shortcut, width, height, color, creator_id, created)"
        " VALUES (?, 'sandbox', 30, 30, '205081', ?, ?)",
        (group_id, admin_id, now),
    )
    return {"users": sorted(f"@{m}" for m in users), "rooms": sorted(rooms), "password": DEMO_PASSWORD}
