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
# The words one of those paths must hold (lowercase): a text without any cannot hold such a link.
LINK_WORDS = ("oauth", "addon")
# A JSON member whose key names a secret, with a string value, closed or cut off by the text's end.
SECRET_MEMBER = re.compile(rf'("(?:[^"]*(?:{SECRET_WORDS})[^"]*|(?:[^"]*_)?code)"\s*:\s*)"(?:[^"\\]|\\.)*(?:"|$)', re.IGNORECASE)
# Each word a SECRET_MEMBER key must hold (lowercase), and what follows its key: the colon and the string value.
SECRET_WORD_LIST = tuple(SECRET_WORDS.split("|"))
MEMBER_WORDS = (*SECRET_WORD_LIST, "code")
MEMBER_VALUE = re.compile(r'(\s*:\s*)"(?:[^"\\]|\\.)*(?:"|$)')


def is_secret_name(name: str) -> bool:
    return SECRET_NAME.search(name) is not None


def redact_path(path: str) -> str:
    """The path with the token of a secret-bearing endpoint replaced (matched on the decoded path, as routing would)."""
    match = SECRET_PATH.match(unquote(path))
    if match is None:
        return path
    return f"{match.group(0)}{REDACTED}"


def redact_links(text: str) -> str:
    """text with the secret segment of every secret-bearing link in it replaced.

    What SECRET_IN_TEXT.sub would write, without running it from every slash of the text (35 µs on the 1.7 KB
    capabilities document, which holds such words): a match starts at the first of the slashes before a "v2/", so only
    those places are tried, in order, as sub() tries them. Texts beyond ASCII take the pattern itself."""
    if not text.isascii():
        return SECRET_IN_TEXT.sub(_blank_link, text)
    lowered = text.lower()
    if not any(word in lowered for word in LINK_WORDS):
        return text
    parts: list[str] = []
    done = 0
    at = lowered.find("v2/")
    while at != -1:
        start = at
        while start > done and text[start - 1] == "/":
            start -= 1
        if start < at:  # at least one slash before the v2
            match = SECRET_IN_TEXT.match(text, start)
            if match is not None:
                parts += (text[done:start], _blank_link(match))
                done = match.end()
        at = lowered.find("v2/", max(at + 1, done))
    return "".join(parts) + text[done:] if parts else text


def _blank_link(match: re.Match[str]) -> str:
    return f"{match.group(1)}{REDACTED}"


def redact_json_members(text: str) -> str:
    """JSON text (whole, or cut off anywhere) with the string value of every member whose key names a secret replaced.

    What SECRET_MEMBER.sub would write, without running it from every quote of the text (400 µs on a 4 KB answer,
    paid by every request the journal records): a match starts at the quote that opens a key holding a secret word,
    so only the quotes before the words' places are tried, in order, as sub() tries them. Texts beyond ASCII take
    SECRET_MEMBER.sub itself, since a case-insensitive match there is not a lowercase search (K, the Kelvin sign).
    """
    if not text.isascii():
        return SECRET_MEMBER.sub(_blank_member, text)
    lowered = text.lower()
    starts = set()
    for word in MEMBER_WORDS:
        at = lowered.find(word)
        while at != -1:
            starts.add(text.rfind('"', 0, at))
            at = lowered.find(word, at + 1)
    parts: list[str] = []
    done = 0
    for start in sorted(starts):
        if start < done:  # inside a member already replaced (or no quote before the word: start is -1)
            continue
        close = text.find('"', start + 1)
        if close == -1 or not _is_secret_key(lowered[start + 1 : close]):
            continue
        value = MEMBER_VALUE.match(text, close + 1)  # the pattern's rest: its key part is what was just judged
        if value is not None:
            parts += (text[done : value.end(1)], f'"{REDACTED}"')
            done = value.end()
    return "".join(parts) + text[done:] if parts else text


def _is_secret_key(key: str) -> bool:
    """SECRET_MEMBER's key part, for a lowercase ASCII key: it holds a secret word, or is code or ends in _code."""
    return any(word in key for word in SECRET_WORD_LIST) or key == "code" or key.endswith("_code")


def _blank_member(match: re.Match[str]) -> str:
    return f'{match.group(1)}"{REDACTED}"'


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
