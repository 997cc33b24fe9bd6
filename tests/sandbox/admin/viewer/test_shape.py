"""What the viewer's JSON carries per message: the HipChat item untouched, and sanitized copies of its HTML parts."""

from __future__ import annotations

from sandbox.admin.viewer.shape import viewer_message


def test_html_notification_gets_a_sanitized_copy():
    item = {"type": "notification", "message_format": "html", "message": "<b>ok</b><script>x()</script>"}
    shaped = viewer_message(7, item)
    assert shaped == {"seq": 7, "item": item, "safe_html": {"message": "<b>ok</b>"}}


def test_text_messages_get_no_html():
    assert viewer_message(1, {"type": "notification", "message_format": "text", "message": "<b>t</b>"})["safe_html"] == {}
    assert viewer_message(2, {"type": "message", "message": "<b>t</b>"})["safe_html"] == {}


def test_card_html_parts_are_sanitized():
    card = {
        "style": "application",
        "title": "<b>not html</b>",
        "description": {"format": "html", "value": "<i>d</i><img src=x onerror=y()>"},
        "activity": {"html": "<b>Alice</b><script>z()</script>"},
    }
    safe = viewer_message(3, {"type": "notification", "message": "m", "card": card})["safe_html"]
    assert safe == {"card_description": '<i>d</i><img src="x">', "card_activity": "<b>Alice</b>"}


def test_text_card_description_is_left_as_text():
    card = {"style": "link", "title": "t", "description": {"format": "text", "value": "<b>x</b>"}}
    assert viewer_message(4, {"type": "notification", "message": "m", "card": card})["safe_html"] == {}
