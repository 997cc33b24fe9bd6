"""/standup <text>: record the note, answer with a card (sendRoomNotification), show the room's count on the glance
(pushUIChangesToRoom). Both calls go through the runtime with the installation's token."""

from __future__ import annotations

from typing import Any

from standup.descriptor import COMMAND, GLANCE_KEY, NAME
from standup.hipchat import Runtime
from standup.store import Installation, Store
from standup.tokens import Tokens

USAGE = f"Usage: {COMMAND} <what you did, what is next>"


def note_text(message: str) -> str:
    return message.strip()[len(COMMAND) :].strip()


def glance(count: int) -> list[dict[str, Any]]:
    label = f"<b>{count}</b> note{'' if count == 1 else 's'}"
    return [{"key": GLANCE_KEY, "content": {"label": {"type": "html", "value": label}}}]


def push_count(runtime: Runtime, token: str, room_id: int, count: int) -> None:
    runtime.call("pushUIChangesToRoom", authToken=token, roomIdOrName=str(room_id), glance=glance(count))


def standup(store: Store, tokens: Tokens, runtime: Runtime, installation: Installation, event: dict[str, Any]) -> dict[str, Any] | None:
    """Handle one room_message event; a reply for the room (posted by HipChat) when there is no note to record."""
    message = event["item"]["message"]
    room_id = event["item"]["room"]["id"]
    text = note_text(message["message"])
    if not text:
        return {"message": USAGE, "message_format": "text", "color": "yellow", "notify": False}
    sender = message["from"] if isinstance(message.get("from"), dict) else {"name": str(message.get("from") or "Someone")}
    name = sender.get("name") or "Someone"
    sender_id = sender.get("id")
    note_id = store.add_note(installation.oauth_id, room_id, message["id"], sender_id if isinstance(sender_id, int) else None, name, text)
    count = store.count_notes(installation.oauth_id, room_id)
    token = tokens.token(installation)
    runtime.call(
        "sendRoomNotification",
        authToken=token,
        roomIdOrName=str(room_id),
        message=f"{name}: {text}",
        messageFormat="text",
        color="green",
        notify=False,
        cardStyle="application",
        cardFormat="medium",
        cardId=f"standup-{note_id}",
        cardTitle=f"{NAME} · {name}",
        cardDescriptionValue=text,
        cardDescriptionFormat="text",
        cardAttributes=[{"label": "notes", "value": {"label": str(count), "style": "lozenge-current"}}],
    )
    push_count(runtime, token, room_id, count)
    return None
