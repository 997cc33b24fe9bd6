"""The base URL written into a snippet: RUNTIME_PUBLIC_URL, else the URL the request came to, if its Host is valid.

Without RUNTIME_PUBLIC_URL the Host header is the caller's word: fine for a local run, which is why a deployment sets
the setting. A Host that is not a plain host[:port] is refused rather than written into code someone will run."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import quote

from runtime.catalog.envelope import CallError

LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
HOST_NAME = re.compile(rf"{LABEL}(?:\.{LABEL})*\.?", re.ASCII | re.IGNORECASE)  # a DNS name or a dotted IPv4 address
PORT = re.compile(r"[0-9]{1,5}", re.ASCII)
MAX_NAME = 253
MAX_SHOWN = 100


def valid_host(value: str) -> bool:
    """True for host[:port] as a Host header carries it: a DNS name, an IPv4 address or a bracketed IPv6 address, and
    a port from 1 to 65535. No user info, path, spaces or control characters; no IPv6 zone."""
    if value.startswith("["):
        address, bracket, port = value[1:].partition("]")
        if not bracket or not _ipv6(address):
            return False
        return port == "" or (port.startswith(":") and _port(port[1:]))
    name, colon, port = value.partition(":")
    if colon and not _port(port):
        return False
    return len(name) <= MAX_NAME and HOST_NAME.fullmatch(name) is not None


def base_url(public_url: str, scheme: str, host: str, raw_host: str | None, root_path: str = "") -> str:
    """RUNTIME_PUBLIC_URL if set; else scheme://host of the request, refused (400 INVALID_HOST) when the host is not valid.

    `host` is the request's host as the framework read it (empty when it judged the header invalid, the server's
    address when there was no header); `raw_host` is the header as sent (None when absent)."""
    if public_url:
        return public_url.rstrip("/")
    sent = host if raw_host is None else raw_host  # the framework drops a default port (":80"), so check what was sent
    if not (valid_host(sent) and valid_host(host)):
        shown = repr(sent)
        shown = shown if len(shown) <= MAX_SHOWN else shown[:MAX_SHOWN] + "…"
        message = (
            f"The Host header {shown} is not a valid host[:port], so this runtime cannot write its own URL into a snippet. "
            "Send the host you reached the runtime at; a deployment sets RUNTIME_PUBLIC_URL."
        )
        raise CallError("INVALID_HOST", message, ["Host"], 400)
    return f"{scheme}://{host}{quote(root_path.rstrip('/'))}"


def _ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return "%" not in text


def _port(text: str) -> bool:
    return PORT.fullmatch(text) is not None and 1 <= int(text) <= 65535
