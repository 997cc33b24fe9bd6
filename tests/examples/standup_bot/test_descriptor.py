"""The bot's descriptor is one the sandbox installs: it passes the sandbox's descriptor schema and declares /standup."""

from __future__ import annotations

from sandbox.delivery import patterns
from sandbox.model import descriptor as sandbox_descriptor
from standup.descriptor import descriptor


def test_the_descriptor_passes_the_sandboxs_schema_and_declares_the_slash_command():
    declared = sandbox_descriptor.read(descriptor("http://127.0.0.1:8002"))
    assert declared.key == "standup-bot" and declared.scopes == ("send_notification",)
    assert declared.callback_url == "http://127.0.0.1:8002/installable"
    (webhook,) = [entry for kind, _, entry in declared.extensions if kind == "webhook"]
    assert (webhook["event"], webhook["pattern"], webhook["authentication"]) == ("room_message", "^/standup", "jwt")
    patterns.check(webhook["pattern"])  # the pattern the sandbox takes at installation (a 400 otherwise)
    assert webhook["url"] == "http://127.0.0.1:8002/webhooks/standup"
    assert [kind for kind, _, _ in declared.extensions] == ["glance", "webhook"]
