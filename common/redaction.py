"""What a log or a journal may not write down: secrets in a request's path, query, headers and named fields.

A secret travels in a query parameter or a field whose name says so (auth_token, client_secret, password,
signed_request, an OAuth code), in an Authorization or Cookie header, or in the path of the HipChat endpoints that
take one there: getSession and deleteSession (/v2/oauth/token/<token>), an add-on's installable data
(/v2/addon/<key>/installable/<token>) and an integration link (/v2/addon/link/<token>).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

REDACTED = "[redacted]"
SECRET_WORDS = r"token|secret|password|signed_request|authorization|jwt"
SECRET_NAME = re.compile(rf"{SECRET_WORDS}|(?:^|_)code$", re.IGNORECASE)
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
SECRET_PREFIX = r"/+v2/+(?:oauth/+token|addon/+link|addon/+[^/\s\"]+/+installable)/+"
# The part of a path up to the secret: everything after it is replaced.
SECRET_PATH = re.compile(rf"^{SECRET_PREFIX}(?=[^/])", re.IGNORECASE)
# Such a path inside a text (a link in a JSON answer): the secret segment is replaced.
SECRET_IN_TEXT = re.compile(rf"({SECRET_PREFIX})[^/\s\"'?&#<>\\]+", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    return SECRET_NAME.search(name) is not None


def redact_path(path: str) -> str:
    """The path with the token of a secret-bearing endpoint replaced (matched on the decoded path, as routing would)."""
    match = SECRET_PATH.match(unquote(path))
    if match is None:
        return path
    return f"{match.group(0)}{REDACTED}"


def redact_links(text: str) -> str:
    """text with the secret segment of every secret-bearing link in it replaced."""
    return SECRET_IN_TEXT.sub(lambda match: f"{match.group(1)}{REDACTED}", text)


def redact_query(query: str) -> str:
    """The query string with the value of every parameter whose name says it is secret replaced."""
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True, encoding="latin-1")
    return urlencode([(key, REDACTED if is_secret_name(key) else value) for key, value in pairs], encoding="latin-1")


def redact_target(target: str) -> str:
    """A request target (path?query, or an absolute URL as a Referer carries) with its secrets replaced."""
    if "://" in target:
        parts = urlsplit(target)
        return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], redact_path(parts.path), redact_query(parts.query), ""))
    path, mark, query = target.partition("?")
    return redact_path(path) + mark + redact_query(query.partition("#")[0])
