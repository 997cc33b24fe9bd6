"""Logging: one line per call on stderr, and a filter that redacts anything shaped like a credential."""

from __future__ import annotations

import logging
import re
import sys

CREDENTIAL = re.compile(r"(?i)(bearer\s+|basic\s+|auth_token=|authToken[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+")


class RedactCredentials(logging.Filter):
    """Belt and braces: the runtime never logs args, and this catches a credential that slips into a message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = CREDENTIAL.sub(r"\1[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure(level: int | str = logging.INFO) -> None:
    logger = logging.getLogger("runtime")
    logger.setLevel(level)
    if not any(isinstance(f, RedactCredentials) for f in logger.filters):
        logger.addFilter(RedactCredentials())
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"))
        handler.addFilter(RedactCredentials())
        logger.addHandler(handler)
