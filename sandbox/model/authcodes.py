"""The authorization-code grant's rules: which request a client may make of /users/authorize, and its codes.

Decisions and their sources (issue 13, item 2):
- A code is issued only after the signed-in user approved (sandbox.admin.viewer.consent), or the admin token's holder
  approved on a user's behalf (POST /_sandbox/api/consents); it is that user's, never the group owner's by default.
- redirect_uri must be, character for character, one of the URLs the client registered: an add-on's descriptor names
  them in capabilities.oauth2Consumer.redirectionUrls (HipChat's capabilities descriptor; the field is not in
  /work/shared/reference, the name is the one HipChat's descriptor schema used as far as we could tell, unconfirmed),
  the seeded add-on in SANDBOX_OAUTH_REDIRECT_URIS. Exact matching is RFC 6749 §3.1.2.3 with the OAuth 2.0 Security
  BCP (RFC 9700 §4.1.3). Without redirect_uri, a client with one registered URL is sent there (RFC 6749 §3.1.2.3).
  Only http(s) URLs count, so javascript:, data: and the like are refused even if one were registered. A refused
  redirect_uri is answered with an error page and is never written into a Location (RFC 6749 §4.1.2.1).
- A code lives CODE_LIFETIME_S: RFC 6749 §4.1.2 recommends ten minutes at most; HipChat's own figure is not published
  in the pages we could read (DAC "API access tokens" gives only token lifetimes), so the RFC's ceiling stands.
- A code is good once (RFC 6749 §4.1.2): redeeming deletes it in the same statement that finds it, so two concurrent
  exchanges cannot both succeed. Expired codes are purged whenever a code is issued or redeemed.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sandbox.security.auth import hash_token
from sandbox.store import clock

CODE_LIFETIME_S = 600
REDIRECT_SCHEMES = ("http", "https")


class RedirectRefused(Exception):
    """A redirect_uri (or client) the sandbox will not send a user to; the message says why, for the error page."""


@dataclass(frozen=True)
class Redeemed:
    user_id: int
    scopes: list[str]
    redirect_uri: str | None


def registered(client: sqlite3.Row) -> list[str]:
    return client["redirect_uris"].split()


def is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme.lower() in REDIRECT_SCHEMES and bool(parts.hostname)


def redirect_for(client: sqlite3.Row, given: str | None) -> str:
    """The URL to send the user back to: given, if the client registered exactly it; its one URL when none is given."""
    urls = [url for url in registered(client) if is_web_url(url)]
    if not given:
        if len(urls) == 1:
            return urls[0]
        if not urls:
            raise RedirectRefused("This client registered no redirect URL, so it cannot ask users for access.")
        raise RedirectRefused("This client registered several redirect URLs: the request must name one (redirect_uri).")
    if given not in urls:
        raise RedirectRefused("The redirect_uri is not one this client registered.")
    return given


def with_params(url: str, params: dict[str, str]) -> str:
    """url with params added to its query (its own query kept, its fragment dropped: RFC 6749 §3.1.2)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query), fragment=""))


def purge(conn: sqlite3.Connection) -> int:
    """Forget every expired code; how many."""
    return conn.execute("DELETE FROM auth_codes WHERE expires_at <= ?", (clock.now_us(),)).rowcount


def issue(conn: sqlite3.Connection, client_id: str, user_id: int, scopes: list[str], redirect_uri: str) -> str:
    purge(conn)
    code = secrets.token_urlsafe(24)
    conn.execute(
        "INSERT INTO auth_codes (hash, client_id, user_id, scopes, redirect_uri, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        (hash_token(code), client_id, user_id, " ".join(scopes), redirect_uri, clock.now_us() + CODE_LIFETIME_S * 1_000_000),
    )
    return code


def redeem(conn: sqlite3.Connection, code: str, client_id: str) -> Redeemed | None:
    """The code's grant, the code spent; None for a code that is unknown, expired, spent or another client's."""
    purge(conn)
    row = conn.execute(
        "DELETE FROM auth_codes WHERE hash = ? AND client_id = ? AND expires_at > ? RETURNING user_id, scopes, redirect_uri",
        (hash_token(code), client_id, clock.now_us()),
    ).fetchone()
    return Redeemed(row["user_id"], row["scopes"].split(), row["redirect_uri"]) if row else None
