"""An add-on's capabilities descriptor: its schema (served at /v2/capabilities/addon/schema) and what an installation
takes from it.

Decisions and their sources:
- A descriptor is checked against the same schema the sandbox serves; the first fault is a 400 naming its field by
  its path in the descriptor (capabilities.webhook.0.event). Its webhooks' patterns and URLs are checked as on every
  other path (sandbox.delivery.rules, when the installation is made: sandbox.model.installations).
- installable.allowGlobal and allowRoom default to true (DAC server-side-installation: "Default: true").
- The sandbox installs the server-side way (DAC server-side-installation): the descriptor must name
  installable.callbackUrl, where the installation is POSTed; a descriptor with only installedUrl (the client-side
  flow) is refused with a 400 naming callbackUrl.
- The add-on's scopes are exactly hipchatApiConsumer.scopes (DAC access tokens: "must be a subset of the scopes in
  the add-on descriptor"); no hipchatApiConsumer means no scope.
- The redirect URLs the add-on may send users back to from /users/authorize are capabilities.oauth2Consumer
  .redirectionUrls (http(s) URLs without spaces, at most MAX_REDIRECT_URLS; see sandbox.model.authcodes).
- Extension keys are unique per kind within a descriptor; a webhook may omit its key (ac-flask-hipchat's descriptors
  do), the installation gives it one. At most MAX_PER_KIND entries of a kind.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from jsonschema.protocols import Validator

from sandbox.http.errors import HipChatError, bad_request
from sandbox.http.schemas import DEFS, EXTENSIONS, ICON, KEY, NAME, URL
from sandbox.http.validation import checker, fault
from sandbox.security.access import ALL_SCOPES

MAX_PER_KIND = 50
MAX_REDIRECT_URLS = 20
INSTALLABLE_URLS = ("callbackUrl", "updateCallbackUrl", "installedUrl", "uninstalledUrl", "updatedUrl")


def schema() -> dict[str, Any]:
    """The add-on descriptor: its capabilities are the same objects the REST extension endpoints accept."""
    extension_schemas = {}
    for kind, extension in EXTENSIONS.items():
        item = {name: value for name, value in extension.items() if name != "$defs"}
        extension_schemas[kind] = {"type": "array", "items": item}
    return {
        "title": "HipChat add-on descriptor",
        "type": "object",
        "required": ["key", "name", "description", "links"],
        "properties": {
            "key": {**KEY, "maxLength": 100},
            "name": {"type": "string", "minLength": 1, "maxLength": 80},
            "description": {"type": "string", "maxLength": 500},
            "vendor": {"type": "object", "properties": {"name": {"type": "string"}, "url": {"type": "string"}}},
            "links": {
                "type": "object",
                "required": ["self"],
                "properties": {"self": {"type": "string"}, "homepage": {"type": "string"}},
            },
            "capabilities": {
                "type": "object",
                "properties": {
                    "hipchatApiConsumer": {
                        "type": "object",
                        "properties": {
                            "scopes": {"type": "array", "items": {"enum": list(ALL_SCOPES)}},
                            "fromName": {"type": "string", "maxLength": 64},
                            "avatar": ICON,
                        },
                    },
                    "installable": {
                        "type": "object",
                        "properties": {
                            "allowGlobal": {"type": "boolean"},
                            "allowRoom": {"type": "boolean"},
                            **{name: URL for name in INSTALLABLE_URLS},
                        },
                    },
                    "configurable": {"type": "object", "required": ["url"], "properties": {"url": URL, "name": NAME}},
                    "oauth2Consumer": {
                        "type": "object",
                        "properties": {"redirectionUrls": {"type": "array", "items": URL, "maxItems": MAX_REDIRECT_URLS}},
                    },
                    **extension_schemas,
                },
            },
        },
        "$defs": DEFS,
    }


@functools.cache
def validator() -> Validator:
    """The descriptor's check, its patterns read as ECMA-262 reads them (sandbox.http.validation.checker)."""
    return checker(schema())


@dataclass(frozen=True)
class Declared:
    """What a descriptor declares, as an installation uses it."""

    key: str
    name: str
    scopes: tuple[str, ...]
    callback_url: str
    allow_room: bool
    allow_global: bool
    extensions: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)  # (kind, index among its kind, entry)
    redirect_uris: tuple[str, ...] = ()
    document: dict[str, Any] = field(default_factory=dict)


def invalid(error: HipChatError) -> HipChatError:
    return HipChatError(error.code, f"Invalid add-on descriptor: {error.message}", **error.extra)


def read(document: Any) -> Declared:
    """The descriptor's declarations; a 400 naming the field at fault."""
    if not isinstance(document, dict):
        raise bad_request("Invalid add-on descriptor: it is not a JSON object", "descriptor", "type", None)
    error = fault(validator(), document)
    if error is not None:
        raise invalid(error)
    capabilities = document.get("capabilities", {})
    installable = capabilities.get("installable", {})
    if not installable.get("callbackUrl"):
        # "validation": "required", not the "optional" HipChat's own validator wrote for a missing field
        # (errors.missing_field): DAC server-side-installation says HipChat "posts the installation context to a URL
        # you provide in the descriptor", installable.callbackUrl, so the field is required here and the error says so.
        raise bad_request(
            "Invalid add-on descriptor: capabilities.installable.callbackUrl is required: the sandbox installs add-ons "
            "the server-side way and POSTs the installation to that URL",
            "capabilities.installable.callbackUrl",
            "required",
            None,
        )
    return Declared(
        key=document["key"],
        name=document["name"],
        scopes=tuple(capabilities.get("hipchatApiConsumer", {}).get("scopes", ())),
        callback_url=installable["callbackUrl"],
        allow_room=installable.get("allowRoom", True),
        allow_global=installable.get("allowGlobal", True),
        extensions=extensions(capabilities),
        redirect_uris=tuple(capabilities.get("oauth2Consumer", {}).get("redirectionUrls", ())),
        document=document,
    )


def extensions(capabilities: dict[str, Any]) -> list[tuple[str, int, dict[str, Any]]]:
    found: list[tuple[str, int, dict[str, Any]]] = []
    for kind in EXTENSIONS:
        entries = capabilities.get(kind, [])
        if len(entries) > MAX_PER_KIND:
            raise bad_request(f"Invalid add-on descriptor: at most {MAX_PER_KIND} {kind} entries", f"capabilities.{kind}", "length", None)
        keys: set[str] = set()
        for index, entry in enumerate(entries):
            where = f"capabilities.{kind}.{index}"
            key = entry.get("key")
            if key in keys:
                raise bad_request(f"Invalid add-on descriptor: the {kind} key {key} is declared twice", f"{where}.key", "unique", key)
            if key is not None:
                keys.add(key)
            found.append((kind, index, entry))
    return found
