"""The bot's capabilities descriptor (GET /capabilities.json): what HipChat installs, with every URL under BOT_PUBLIC_URL."""

from __future__ import annotations

from typing import Any

KEY = "standup-bot"
NAME = "Standup"
SCOPES = ("send_notification",)
COMMAND = "/standup"
GLANCE_KEY = "standup-notes"
ICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#36b37e"/>'
    '<path d="M4 8.5l2.5 2.5L12 5.5" stroke="#fff" stroke-width="2" fill="none"/></svg>'
)


def descriptor(public_url: str) -> dict[str, Any]:
    return {
        "key": KEY,
        "name": NAME,
        "description": f"Collects standup notes: type {COMMAND} <what you did, what is next> in a room.",
        "vendor": {"name": "hipchat-package examples", "url": public_url},
        "links": {"self": f"{public_url}/capabilities.json", "homepage": public_url},
        "capabilities": {
            "hipchatApiConsumer": {"scopes": list(SCOPES), "fromName": NAME},
            "installable": {"allowRoom": True, "allowGlobal": True, "callbackUrl": f"{public_url}/installable"},
            "webhook": [
                {
                    "key": "standup-command",
                    "name": NAME,
                    "event": "room_message",
                    "pattern": f"^{COMMAND}",
                    "url": f"{public_url}/webhooks/standup",
                    "authentication": "jwt",
                }
            ],
            "glance": [
                {
                    "key": GLANCE_KEY,
                    "name": {"value": "Standup notes"},
                    "icon": {"url": f"{public_url}/icon.svg", "url@2x": f"{public_url}/icon.svg"},
                }
            ],
        },
    }
