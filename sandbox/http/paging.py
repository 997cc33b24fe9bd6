"""HipChat's list envelope: {items, startIndex, maxResults, links: {self, prev?, next?}}.

A page reads one row more than it shows: that row tells whether a further page exists, so `next` appears only then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import request

from sandbox.http import links, params

MAX_RESULTS = 1000
MAX_START = 2**31 - 1
PRIVATE_PARAMS = ("auth_token", "auth_test")
T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    start: int
    size: int

    @property
    def limit(self) -> int:
        """Rows to read: one more than the page shows."""
        return self.size + 1

    def cut(self, rows: Sequence[T]) -> tuple[list[T], bool]:
        """The rows this page shows, and whether a further page exists."""
        return list(rows[: self.size]), len(rows) > self.size and self.size > 0


def page(default_size: int = 100) -> Page:
    return Page(params.integer("start-index", 0, 0, MAX_START), params.integer("max-results", default_size, 0, MAX_RESULTS))


def url_with(**overrides: Any) -> str:
    """This request's URL (absolute, without the token), with some query parameters replaced."""
    query = [(key, value) for key, value in request.args.items(multi=True) if key not in PRIVATE_PARAMS and key not in overrides]
    query += [(key, str(value)) for key, value in overrides.items() if value is not None]
    encoded = urlencode(query)
    return f"{links.base()}{request.path}" + (f"?{encoded}" if encoded else "")


def self_url() -> str:
    """A list's self link is the list itself, without the query (as HipChat's; hypchat recognises a list by it)."""
    return f"{links.base()}{request.path}"


def envelope(items: list[Any], current: Page, has_more: bool, start_index: bool = True) -> dict[str, Any]:
    page_links = {"self": self_url()}
    if current.start > 0 and start_index:
        page_links["prev"] = url_with(**{"start-index": max(0, current.start - current.size), "max-results": current.size})
    if has_more:
        page_links["next"] = url_with(**{"start-index": current.start + current.size, "max-results": current.size})
    body: dict[str, Any] = {"items": items}
    if start_index:
        body["startIndex"] = current.start
    body["maxResults"] = current.size
    body["links"] = page_links
    return body
