"""What every webhook must be, whichever path makes it (an extension PUT, the legacy POST, an add-on's descriptor):
a pattern RE2 matches quickly (sandbox.delivery.patterns), and a URL that is not the sandbox's own and is among
SANDBOX_WEBHOOK_ALLOWED_HOSTS when that is set (sandbox.delivery.targets). Checked before the write that stores it."""

from __future__ import annotations

from typing import Any

from sandbox.delivery import patterns, targets


def check(webhook: dict[str, Any], where: str = "") -> None:
    """A 400 naming the field at fault (prefixed by where, e.g. "capabilities.webhook.0.")."""
    if webhook.get("pattern"):
        patterns.check(webhook["pattern"], f"{where}pattern")
    targets.check(webhook["url"], f"{where}url")
