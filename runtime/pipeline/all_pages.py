"""--all-pages: call a list function again for each links.next of the API's answer, and merge the items."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from runtime.catalog import envelope
from runtime.catalog.envelope import CallError, Reply
from runtime.catalog.loading import Function
from runtime.pipeline.files import FileValue
from runtime.pipeline.invoke import Runtime
from runtime.pipeline.mapping import query_value


def next_link(page: Any) -> str | None:
    links = page.get("links") if isinstance(page, dict) else None
    link = links.get("next") if isinstance(links, dict) else None
    return link if isinstance(link, str) and link else None


def _query_args(function: Function) -> dict[str, str]:
    """Query parameter name -> the argument the catalog wires to it."""
    return {wire.name: arg.name for arg in function.args.values() for wire in arg.wires if wire.location == "query"}


def args_for_link(function: Function, args: dict[str, Any], link: str) -> dict[str, Any]:
    """args updated from the query of a next link, each parameter back to the argument the catalog wires to it."""
    by_query_name = _query_args(function)
    updated = dict(args)
    for key, value in parse_qsl(urlsplit(link).query, keep_blank_values=True):
        if key in by_query_name:
            updated[by_query_name[key]] = value
    return updated


def _sent_query(function: Function, args: dict[str, Any]) -> dict[str, str]:
    """The query parameters these args put on the wire, as text: what tells one page's request from another's."""
    return {key: query_value(args[name]) for key, name in _query_args(function).items() if name in args}


def call_all_pages(
    runtime: Runtime,
    function: Function,
    args: dict[str, Any],
    uploads: dict[str, FileValue],
    on_page: Callable[[int], None] = lambda count: None,
) -> Reply:
    """The first page with the items of every page; the first failing page's error envelope if one fails."""
    reply = runtime.call(function.name, args, uploads)
    first = reply.body["contextWrites"]["to"]
    if reply.body["callback"] != envelope.SUCCESS or not isinstance(first, dict) or not isinstance(first.get("items"), list):
        return reply  # an error, or an answer with no items to merge
    items: list[Any] = list(first["items"])
    on_page(len(first["items"]))
    followed: set[str] = set()
    link = next_link(first)
    while link:
        next_args = args_for_link(function, args, link)
        if link in followed or _sent_query(function, next_args) == _sent_query(function, args):
            message = f"{runtime.catalog.upstream.name}'s links.next {link!r} does not lead to a new page of {function.name}."
            return CallError("API_ERROR", message).reply()
        followed.add(link)
        args = next_args
        reply = runtime.call(function.name, args, uploads)
        page = reply.body["contextWrites"]["to"]
        if reply.body["callback"] != envelope.SUCCESS:
            return reply
        page_items = page.get("items", []) if isinstance(page, dict) else []
        items.extend(page_items)
        on_page(len(page_items))
        link = next_link(page)
    merged = {**first, "items": items, "maxResults": len(items)}
    if isinstance(first.get("links"), dict):
        merged["links"] = {k: v for k, v in first["links"].items() if k not in ("next", "prev")}
    return Reply(envelope.success(merged), 200, reply.headers)
