"""A history item as the viewer gets it: the HipChat item, plus its HTML parts already sanitized."""

from __future__ import annotations

from typing import Any

from sandbox.admin.viewer.sanitize import clean_html


def viewer_message(seq: int, item: dict[str, Any]) -> dict[str, Any]:
    """{seq, item, safe_html}: the page puts only safe_html into innerHTML; every other text goes in as text."""
    safe: dict[str, str] = {}
    if item.get("message_format") == "html" and item.get("message"):
        safe["message"] = clean_html(item["message"])
    card = item.get("card")
    if isinstance(card, dict):
        description = card.get("description")
        if isinstance(description, dict) and description.get("format") == "html" and isinstance(description.get("value"), str):
            safe["card_description"] = clean_html(description["value"])
        activity = card.get("activity")
        if isinstance(activity, dict) and isinstance(activity.get("html"), str):
            safe["card_activity"] = clean_html(activity["html"])
    return {"seq": seq, "item": item, "safe_html": safe}
