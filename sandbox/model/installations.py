"""Add-on installations, made as HipChat made them: one OAuth client per installation, in a room or group-wide.

Decisions and their sources:
- Installing (DAC installation-flow, server-side-installation): the sandbox GETs the descriptor, makes an OAuth
  client whose scopes are exactly the descriptor's, and POSTs {"oauthId", "oauthSecret", "capabilitiesUrl",
  "groupId", "roomId" (room installs only)} to capabilities.installable.callbackUrl. capabilitiesUrl is the sandbox's
  own capabilities document, where the add-on finds the token URL (ac-flask-hipchat checks its links.self against it).
- The client and the declared extensions are committed before that POST, so the add-on can get a token while it
  handles it (ac-flask-hipchat does, to validate its installation). A POST that fails (refused, timed out, any
  non-2xx answer, a redirect) uninstalls them again, and the error (502) says why.
- Uninstalling: revocation first, the client and with it its tokens, refresh tokens and codes; its extensions
  (declared or made over REST), glance pushes and integration links; its pending deliveries cancelled (without the
  client they could not be signed). Then DELETE {callbackUrl}/{oauthId} (ac-flask-hipchat serves DELETE
  /addon/installable/<oauth_id> under its callbackUrl /addon/installable), whatever the add-on answers. Revoked
  before the DELETE so that the add-on can check the DELETE is genuine: its credentials no longer get a token (the
  oauthId in the URL is public, the DELETE is unsigned). Issue 13, item 4; the example bot checks it that way.
- One installation of an add-on (its key) per place: installing it again into the same room, or globally again, is a
  409 naming the first installation. DAC installation-flow: the key "has to uniquely identify your add-on"; an add-on
  "can be installed in multiple rooms in the same group (each installation will be a different OAuth client)";
  changing an installed add-on is a re-install with its own callback (installable.updateCallbackUrl), not a second
  installation. The sandbox has no re-install: uninstall, then install.
- installable.allowRoom / allowGlobal false refuse that kind of install (400 naming room_id), before anything is made.
- An extension key the place already has (another add-on's, or one made over REST) is a 409 naming the field; the
  REST endpoints' cap of 10 per place does not apply to what a descriptor declares.
- A declared webhook without a key gets <index>-<oauthId>.
- Without a descriptor ({"key": ...}) the sandbox makes HipChat's client-side installation (DAC
  client-side-installation): the client and a one-time installable URL the add-on reads its credentials from.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from sandbox.delivery import outbound, queue, rules, targets
from sandbox.delivery.outbound import AddonUnreachable
from sandbox.http.errors import HipChatError, bad_request, conflict, not_found
from sandbox.model import descriptor
from sandbox.store import clock
from sandbox.store.db import Database

CALLBACK_FIELD = "capabilities.installable.callbackUrl"


@dataclass(frozen=True)
class Place:
    """Where an add-on is installed: a room of the group, or the whole group (room_id None)."""

    group_id: int
    room_id: int | None = None

    def describe(self) -> str:
        return f"in room {self.room_id}" if self.room_id is not None else "globally"


def new_client(
    conn: sqlite3.Connection,
    place: Place,
    key: str,
    name: str,
    scopes: Iterable[str],
    capabilities_url: str | None = None,
    installable: bool = False,
    redirect_uris: Iterable[str] = (),
) -> str:
    """The installation's OAuth client; 409 when the add-on is installed in that place already.

    installable: HipChat's client-side installation, a one-time installable URL the add-on reads its credentials from
    (capabilities_url: the capabilities URL that data names, default the sandbox's own).
    """
    existing = conn.execute(
        "SELECT id FROM oauth_clients WHERE group_id = ? AND ifnull(room_id, 0) = ? AND addon_key = ?",
        (place.group_id, place.room_id or 0, key),
    ).fetchone()
    if existing is not None:
        raise conflict(
            f"The add-on {key} is installed {place.describe()} already (installation {existing['id']}); uninstall it first",
            installation=existing["id"],
        )
    client_id = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO oauth_clients (id, secret, name, addon_key, group_id, room_id, scopes, capabilities_url, installable_token, created,"
        " redirect_uris) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            client_id,
            secrets.token_urlsafe(30),
            name,
            key,
            place.group_id,
            place.room_id,
            " ".join(scopes),
            capabilities_url,
            secrets.token_urlsafe(24) if installable else None,
            clock.now_us(),
            " ".join(redirect_uris),
        ),
    )
    return client_id


def create(conn: sqlite3.Connection, place: Place, declared: descriptor.Declared, descriptor_url: str) -> str:
    """The client, the installation's record and every declared extension, in the caller's transaction."""
    client_id = new_client(conn, place, declared.key, declared.name, declared.scopes, redirect_uris=declared.redirect_uris)
    now = clock.now_us()
    conn.execute(
        "INSERT INTO installations (client_id, descriptor_url, descriptor, callback_url, installed) VALUES (?, ?, ?, ?, ?)",
        (client_id, descriptor_url, json.dumps(declared.document), declared.callback_url, now),
    )
    for kind, index, entry in declared.extensions:
        key = entry.get("key") or f"{index}-{client_id}"
        taken = conn.execute(
            "SELECT client_id FROM extensions WHERE group_id = ? AND type = ? AND ifnull(room_id, 0) = ? AND key = ?",
            (place.group_id, kind, place.room_id or 0, key),
        ).fetchone()
        if taken is not None:
            holder = f"add-on installation {taken['client_id']}" if taken["client_id"] else "an extension made over REST"
            raise conflict(
                f"The {kind} key {key} is in use {place.describe()} by {holder}",
                field=f"capabilities.{kind}.{index}.key",
                validation="unique",
                value=key,
            )
        conn.execute(
            "INSERT INTO extensions (group_id, room_id, type, key, event, body, client_id, creator_id, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)",
            (place.group_id, place.room_id, kind, key, entry.get("event"), json.dumps({**entry, "key": key}), client_id, now),
        )
    return client_id


def revoke(conn: sqlite3.Connection, client_id: str) -> None:
    """The installation gone: its client (tokens, refresh tokens and codes cascade), extensions, pushes, links."""
    for table in ("extensions", "ui_updates", "integration_links"):
        conn.execute(f"DELETE FROM {table} WHERE client_id = ?", (client_id,))
    queue.cancel_client(conn, client_id)
    conn.execute("DELETE FROM oauth_clients WHERE id = ?", (client_id,))


def fetch(descriptor_url: str, timeout: float) -> descriptor.Declared:
    try:
        document = outbound.get_json(descriptor_url, timeout)
    except AddonUnreachable as error:
        message = f"The add-on's descriptor could not be read from {descriptor_url}: {error}"
        raise HipChatError(502, message, field="descriptor_url") from None
    return descriptor.read(document)


def check_place(declared: descriptor.Declared, place: Place) -> None:
    if place.room_id is None and not declared.allow_global:
        raise bad_request(
            f"The add-on {declared.key} cannot be installed globally (capabilities.installable.allowGlobal is false): give a room_id",
            "room_id",
            "optional",
            None,
        )
    if place.room_id is not None and not declared.allow_room:
        raise bad_request(
            f"The add-on {declared.key} cannot be installed in a room (capabilities.installable.allowRoom is false): leave out room_id",
            "room_id",
            "allowed",
            place.room_id,
        )


def check_webhooks(declared: descriptor.Declared) -> None:
    """Declared webhooks obey the rules of REST-made ones (pattern, target), named by their place in the descriptor."""
    for kind, index, entry in declared.extensions:
        if kind == "webhook":
            try:
                rules.check(entry, f"capabilities.webhook.{index}.")
            except HipChatError as error:
                raise descriptor.invalid(error) from None


def callback_failure(url: str, body: dict[str, Any], timeout: float) -> str | None:
    """Why the installation POST failed, or None when the add-on took it (2xx)."""
    try:
        answer = outbound.send("POST", url, timeout, body)
    except AddonUnreachable as error:
        return str(error)
    if answer.ok:
        return None
    excerpt = answer.excerpt()
    return f"it answered HTTP {answer.status}" + (f" ({excerpt})" if excerpt else "")


def install(database: Database, place: Place, descriptor_url: str, capabilities_url: str, timeout: float) -> str:
    """Install from a descriptor URL; the installation's oauthId. Rolled back when the add-on refuses it."""
    declared = fetch(descriptor_url, timeout)
    check_place(declared, place)
    check_webhooks(declared)
    try:  # the installation POST carries the oauthSecret: it goes only where a webhook may (issue 13, item 3)
        targets.check(declared.callback_url, CALLBACK_FIELD)
    except HipChatError as error:
        raise descriptor.invalid(error) from None
    with database.write() as conn:
        client_id = create(conn, place, declared, descriptor_url)
        secret = conn.execute("SELECT secret FROM oauth_clients WHERE id = ?", (client_id,)).fetchone()["secret"]
    body: dict[str, Any] = {"oauthId": client_id, "oauthSecret": secret, "capabilitiesUrl": capabilities_url, "groupId": place.group_id}
    if place.room_id is not None:
        body["roomId"] = place.room_id
    try:
        failure = callback_failure(declared.callback_url, body, timeout)
    except BaseException:
        with database.write() as conn:
            revoke(conn, client_id)
        raise
    if failure is not None:
        with database.write() as conn:
            revoke(conn, client_id)
        message = f"The installation POST to {declared.callback_url} failed: {failure}. The installation was rolled back."
        raise HipChatError(502, message, field=CALLBACK_FIELD)
    return client_id


def uninstall_url(callback_url: str, client_id: str) -> str:
    """{callbackUrl}/{oauthId}, the query (if any) kept after the path."""
    parts = urlsplit(callback_url)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}/{quote(client_id, safe='')}"))


def uninstall(database: Database, client_id: str, timeout: float) -> dict[str, Any]:
    """Revoke, then tell the add-on (DELETE); what the add-on answered."""
    with database.read() as conn:
        row = conn.execute(
            "SELECT c.id, i.callback_url FROM oauth_clients c LEFT JOIN installations i ON i.client_id = c.id WHERE c.id = ?", (client_id,)
        ).fetchone()
    if row is None:
        raise not_found(f"Add-on installation {client_id} not found")
    with database.write() as conn:
        revoke(conn, client_id)
    told: dict[str, Any] = {"url": None, "status": None, "error": None}
    if row["callback_url"]:
        told["url"] = uninstall_url(row["callback_url"], client_id)
        try:
            told["status"] = outbound.send("DELETE", told["url"], timeout).status
        except AddonUnreachable as error:
            told["error"] = str(error)
    return told
