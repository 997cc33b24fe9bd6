"""One row per seed function: the call, the HipChat request it must produce, HipChat's answer, the envelope.

Every expectation here is written from the references (/work/shared/reference: hipchat-v2-wire-part1.md "P1 §",
hipchat-v2-wire-part2.md "P2 §", hipchat_api_v2.yaml "SW") and the research note /tmp/research/hipchat-unconfirmed.md
("R §"), never from metadata.json's wire mapping. Where the references are unsure and the catalog's notes record a
reasoned choice, the row follows that choice and says so. Paths are written out literally, percent-encoded as they
must cross the wire, rather than computed.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from tests.helpers import TOKEN

BEARER = f"Bearer {TOKEN}"

# Path values with characters that must be percent-encoded, and their raw forms.
ROOM, ROOM_RAW = "Ops Room", "Ops%20Room"
SLASH_ROOM, SLASH_ROOM_RAW = "Dev/Ops #1", "Dev%2FOps%20%231"
EMAIL, EMAIL_RAW = "ann+ops@example.com", "ann%2Bops%40example.com"
MENTION, MENTION_RAW = "@AnnOps", "%40AnnOps"
MESSAGE_ID = "6b0f7e0a-3c8b-4c2e-9a51-0c6f3f4b2d11"

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489") + bytes(range(256))
GIF = bytes.fromhex("47494638396101000100800000ffffff00000021f90401000000002c00000000010001000002024401003b")
CSV = b"quarter,revenue\nQ3,1200\n"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def basic(user: str, password: str) -> str:
    return "Basic " + b64(f"{user}:{password}".encode())


# Upstream answers ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What the recording upstream answers, and what the envelope's contextWrites.to must then hold."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    to: Any = None


def ok(body: Any, headers: dict[str, str] | None = None) -> Answer:
    return Answer(200, body, headers or {}, to=body)


def created(body: Any, headers: dict[str, str] | None = None) -> Answer:
    return Answer(201, body, headers or {}, to=body)


def no_content(headers: dict[str, str] | None = None) -> Answer:
    return Answer(204, None, headers or {}, to="success")


def redirect(location: str) -> Answer:
    return Answer(302, None, {"Location": location}, to=location)


# Expected request bodies -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Json:
    value: Any


@dataclass(frozen=True)
class Form:
    fields: dict[str, list[str]]


@dataclass(frozen=True)
class Part:
    name: str
    content_type: str
    data: bytes | None = None
    json: Any = None
    filename: str | None = None


@dataclass(frozen=True)
class Multipart:
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Upload:
    """A file sent to the runtime as a multipart/form-data part of the call."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Case:
    function: str
    args: dict[str, Any]
    method: str
    path: str
    answer: Answer
    query: tuple[tuple[str, str], ...] = ()
    authorization: str | None = BEARER
    body: Json | Form | Multipart | None = None
    uploads: dict[str, Upload] = field(default_factory=dict)
    xfail: str | None = None
    label: str = ""  # tells apart rows of the same function


# Shared argument values ------------------------------------------------------------------------------------------

CONDITIONS = [
    {
        "condition": "room_is_public",
        "params": {},
        "invert": False,
        "type": "and",
        "conditions": [{"condition": "user_is_admin", "params": {}, "invert": True}],
    }
]
GLANCE_UPDATES = [
    {
        "key": "build-status",
        "content": {
            "label": {"type": "html", "value": "<b>3</b> builds"},
            "status": {"type": "lozenge", "value": {"type": "success", "label": "green"}},
            "metadata": {"failing": 0},
        },
    },
    {
        "key": "deploy-status",
        "content": {
            "label": {"type": "html", "value": "deploying"},
            "status": {"type": "icon", "value": {"url": "https://cdn.example.com/i.png", "url@2x": "https://cdn.example.com/i@2x.png"}},
        },
    },
]
SECONDARY_ACTIONS = [{"key": "skip", "enabled": True, "name": {"i18n": "dialog.skip", "value": "Skip"}}]
MESSAGE_ITEM = {
    "id": MESSAGE_ID,
    "date": "2017-05-20T13:56:46.750428+00:00",
    "from": {
        "id": 7,
        "name": "Ann Ops",
        "mention_name": "AnnOps",
        "version": "00000000",
        "links": {"self": "https://api.hipchat.com/v2/user/7"},
    },
    "message": "deploy finished",
    "type": "message",
    "mentions": [],
}
HISTORY = {"items": [MESSAGE_ITEM], "startIndex": 0, "maxResults": 25, "links": {"self": "https://api.hipchat.com/v2/room/1/history"}}


def extension_link(path: str) -> dict[str, Any]:
    return {"self": f"https://api.hipchat.com/v2{path}"}


# Extension families (R §1-3: global /extension/<type>/{key}, room /room/{r}/extension/<type>/{key}, create is PUT) ---


def action_body(key: str) -> dict[str, Any]:
    return {
        "key": key,
        "name": {"i18n": "action.open", "value": "Open in tracker"},
        "target": {"key": "tracker-dialog", "options": {"size": "large"}},
        "location": "hipchat.message.action",
        "weight": 10,
        "conditions": CONDITIONS,
    }


ACTION_ARGS = {
    "targetKey": "tracker-dialog",
    "targetOptions": '{"size": "large"}',  # JSON arrives as a string from the marketplace UI
    "location": "hipchat.message.action",
    "weight": "10",  # Number from a string
    "conditions": CONDITIONS,
    "nameI18n": "action.open",
    "nameValue": "Open in tracker",
}

DIALOG_ARGS = {
    "url": "https://addon.example.com/dialog",
    "authentication": "none",
    "optionsStyle": "warning",
    "optionsHintI18n": "dialog.hint",
    "optionsHintValue": "Pick a ticket",
    "optionsFilterPlaceholderI18n": "dialog.filter",
    "optionsFilterPlaceholderValue": "Search tickets",
    "optionsPrimaryActionEnabled": "false",  # Boolean from a string
    "optionsPrimaryActionNameI18n": "dialog.ok",
    "optionsPrimaryActionNameValue": "Link it",
    "optionsPrimaryActionKey": "link",
    "optionsSecondaryActions": SECONDARY_ACTIONS,
    "optionsSizeWidth": "600px",
    "optionsSizeHeight": "80%",
    "titleI18n": "dialog.title",
    "titleValue": "Link a ticket",
}


def dialog_body(key: str) -> dict[str, Any]:
    # P1 §1.9-1.11 / P2 §14-16 seed mapping; authentication is a dialog field (R §3).
    return {
        "key": key,
        "url": "https://addon.example.com/dialog",
        "authentication": "none",
        "title": {"i18n": "dialog.title", "value": "Link a ticket"},
        "options": {
            "style": "warning",
            "hint": {"i18n": "dialog.hint", "value": "Pick a ticket"},
            "filter": {"placeholder": {"i18n": "dialog.filter", "value": "Search tickets"}},
            "primaryAction": {"enabled": False, "name": {"i18n": "dialog.ok", "value": "Link it"}, "key": "link"},
            "secondaryActions": SECONDARY_ACTIONS,
            "size": {"width": "600px", "height": "80%"},
        },
    }


EXTERNAL_PAGE_ARGS = {"url": "https://addon.example.com/reports", "nameI18n": "page.reports", "nameValue": "Reports"}


def external_page_body(key: str) -> dict[str, Any]:
    return {"key": key, "url": "https://addon.example.com/reports", "name": {"i18n": "page.reports", "value": "Reports"}}


GLANCE_ARGS = {
    "targetKey": "builds-sidebar",
    "targetOptions": {"urlTemplate": "builds"},
    "weight": 5,
    "queryUrl": "https://addon.example.com/glance",
    "iconUrl": "https://addon.example.com/icon.png",
    "iconUrl2x": "https://addon.example.com/icon@2x.png",
    "conditions": CONDITIONS,
    "nameI18n": "glance.builds",
    "nameValue": "Builds",
}


def glance_body(key: str) -> dict[str, Any]:
    # P2 §20-22: target may be a string or {key, options} (UNCONFIRMED which the REST endpoint takes); with options
    # given only the object form can carry them (seed implementation, R §3 descriptor schema).
    return {
        "key": key,
        "name": {"i18n": "glance.builds", "value": "Builds"},
        "queryUrl": "https://addon.example.com/glance",
        "target": {"key": "builds-sidebar", "options": {"urlTemplate": "builds"}},
        "icon": {"url": "https://addon.example.com/icon.png", "url@2x": "https://addon.example.com/icon@2x.png"},
        "weight": 5,
        "conditions": CONDITIONS,
    }


WEB_PANEL_ARGS = {
    "nameI18n": "panel.builds",
    "nameValue": "Build details",
    "weight": "20",
    "url": "https://addon.example.com/panel",
    "authentication": "jwt",
    "location": "hipchat.sidebar.right",
    "conditions": CONDITIONS,
    "iconUrl": "https://addon.example.com/panel.png",
    "iconUrl2x": "https://addon.example.com/panel@2x.png",
}


def web_panel_body(key: str) -> dict[str, Any]:
    # R §3: location is exactly hipchat.sidebar.right; authentication and conditions are real webPanel fields.
    return {
        "key": key,
        "name": {"i18n": "panel.builds", "value": "Build details"},
        "url": "https://addon.example.com/panel",
        "location": "hipchat.sidebar.right",
        "authentication": "jwt",
        "weight": 20,
        "conditions": CONDITIONS,
        "icon": {"url": "https://addon.example.com/panel.png", "url@2x": "https://addon.example.com/panel@2x.png"},
    }


WEBHOOK_ARGS = {
    "name": "Echo bot",
    "url": "https://addon.example.com/hook",
    "pattern": "^/[eE][cC][hH][oO]",
    "authentication": "jwt",
    "event": "room_message",
}


def webhook_body(key: str) -> dict[str, Any]:
    # API-WH table (P2 §26-28): url, event, key, name, pattern, authentication; P1 §1.21: key in path and body.
    return {
        "key": key,
        "name": "Echo bot",
        "url": "https://addon.example.com/hook",
        "pattern": "^/[eE][cC][hH][oO]",
        "authentication": "jwt",
        "event": "room_message",
    }


EXTENSIONS = {
    # type segment (R §1 spelling), args, body builder, key used in the rows
    "Action": ("action", ACTION_ARGS, action_body, "open-in-tracker"),
    "Dialog": ("dialog", DIALOG_ARGS, dialog_body, "link-ticket"),
    "ExternalPage": ("externalPage", EXTERNAL_PAGE_ARGS, external_page_body, "reports.page"),
    "Glance": ("glance", GLANCE_ARGS, glance_body, "builds_glance"),
    "WebPanel": ("webPanel", WEB_PANEL_ARGS, web_panel_body, "build-panel"),
    "Webhook": ("webhook", WEBHOOK_ARGS, webhook_body, "echo-hook"),
}


def extension_cases() -> list[Case]:
    cases = []
    for kind, (segment, create_args, body, key) in EXTENSIONS.items():
        for scope, prefix, raw_prefix, extra in (
            ("Global", "/extension", "/v2/extension", {}),
            ("Room", f"/room/{SLASH_ROOM_RAW}/extension", f"/v2/room/{SLASH_ROOM_RAW}/extension", {"roomIdOrName": SLASH_ROOM}),
        ):
            path = f"{raw_prefix}/{segment}/{key}"
            stored = {**body(key), "links": extension_link(f"{prefix}/{segment}/{key}")}
            if kind == "Webhook":
                stored["id"] = 4173
            base = {"authToken": TOKEN, "key": key, **extra}
            # R §2: GET 200 with the stored object; PUT 201 {id, links.self}; DELETE 204.
            cases.append(Case(f"get{scope}{kind}", base, "GET", path, ok(stored)))
            cases.append(
                Case(
                    f"create{scope}{kind}",
                    {**base, **create_args},
                    "PUT",
                    path,
                    created({"id": 4173 if kind == "Webhook" else key, "links": extension_link(f"{prefix}/{segment}/{key}")}),
                    body=Json(body(key)),
                )
            )
            cases.append(Case(f"delete{scope}{kind}", base, "DELETE", path, no_content()))
    return cases


# The rows --------------------------------------------------------------------------------------------------------

CAPABILITIES = {
    "capabilities": {
        "hipchatApiProvider": {
            "availableScopes": {
                "send_notification": {"description": "Send room notifications", "id": "send_notification", "name": "Send Notification"}
            },
            "url": "https://api.hipchat.com/v2/",
        },
        "oauth2Provider": {
            "authorizationUrl": "https://www.hipchat.com/users/authorize",
            "tokenUrl": "https://api.hipchat.com/v2/oauth/token",
        },
    },
    "connect_server_api_version": 1,
    "description": "Group chat and IM built for teams",
    "key": "hipchat",
    "links": {"api": "https://api.hipchat.com/v2", "self": "https://api.hipchat.com/v2/capabilities"},
    "name": "HipChat",
    "vendor": {"name": "Atlassian", "url": "http://atlassian.com"},
}
USER = {
    "id": 7,
    "name": "Ann Ops",
    "mention_name": "AnnOps",
    "email": EMAIL,
    "title": "SRE",
    "timezone": "Europe/Berlin",
    "is_group_admin": False,
    "is_guest": False,
    "is_deleted": False,
    "created": "2016-03-01T09:00:00",
    "last_active": "1495288606",
    "xmpp_jid": "1_7@chat.hipchat.com",
    "photo_url": "https://s3.amazonaws.com/uploads.hipchat.com/photos/7/125.png",
    "presence": {
        "status": "on call",
        "show": "chat",
        "idle": 0,
        "is_online": True,
        "client": {"type": "http://hipchat.com/client/mac", "version": "4.0"},
    },
    "links": {"self": "https://api.hipchat.com/v2/user/7"},
}
ROOM_DETAIL = {
    "id": 42,
    "name": ROOM,
    "xmpp_jid": "1_ops_room@conf.hipchat.com",
    "topic": "Pager: Ann",
    "privacy": "private",
    "is_archived": False,
    "is_guest_accessible": False,
    "guest_access_url": None,
    "created": "2016-03-01T09:00:00",
    "owner": {"id": 7, "name": "Ann Ops", "mention_name": "AnnOps", "links": {"self": "https://api.hipchat.com/v2/user/7"}},
    "participants": [],
    "statistics": {"links": {"self": "https://api.hipchat.com/v2/room/42/statistics"}},
    "links": {"self": "https://api.hipchat.com/v2/room/42", "webhooks": "https://api.hipchat.com/v2/room/42/webhook"},
}


def user_list(path: str) -> dict[str, Any]:
    item = {
        "id": 7,
        "name": "Ann Ops",
        "mention_name": "AnnOps",
        "version": "00000000",
        "links": {"self": "https://api.hipchat.com/v2/user/7"},
    }
    return {"items": [item], "startIndex": 5, "maxResults": 25, "links": {"self": f"https://api.hipchat.com/v2{path}"}}


def room_list(path: str) -> dict[str, Any]:
    item = {
        "id": 42,
        "name": ROOM,
        "privacy": "private",
        "is_archived": False,
        "version": "3Z0ZMPRQ",
        "links": {"self": "https://api.hipchat.com/v2/room/42", "webhooks": "https://api.hipchat.com/v2/room/42/webhook"},
    }
    return {"items": [item], "startIndex": 5, "maxResults": 25, "links": {"self": f"https://api.hipchat.com/v2{path}"}}


RATE_HEADERS = {"X-Ratelimit-Limit": "500", "X-Ratelimit-Remaining": "497", "X-Ratelimit-Reset": "1495289000"}
FLOOD_HEADERS = {"X-FloodControl-Limit": "30", "X-FloodControl-Remaining": "29", "X-FloodControl-Reset": "1495288660"}


CASES: list[Case] = [
    # P1 §1.1, R §5, SW /oauth/token: form body, client credentials as Basic, no bearer. The documented field is
    # redirect_url (R §5 also accepts redirect_uri; the catalog's notes choose redirect_url, followed here).
    Case(
        "getAccessToken",
        {
            "grantType": "authorization_code",
            "code": "d1f3a9c0e2",
            "redirectUri": "https://addon.example.com/oauth/callback?state=x y",
            "scope": "send_notification view_room",
            "userId": "7",
            "clientName": "Build Bot",
            "groupId": "1",
            "clientId": "addon-client-id",
            "clientSecret": "addon-client-secret",
        },
        "POST",
        "/v2/oauth/token",
        ok(
            {
                "access_token": "5c9bEr4LmIMaOx2RTlzjbM8Ywut2HnmcXiNeBVo7",
                "expires_in": 3599,
                "group_id": 1,
                "group_name": "Example Inc",
                "scope": "send_notification view_room",
                "token_type": "bearer",
                "refresh_token": "aYfzLWmy3xsovyrvl0y6PvjKqfQX2w2yp02fQ3oC",
            }
        ),
        authorization=basic("addon-client-id", "addon-client-secret"),
        body=Form(
            {
                "grant_type": ["authorization_code"],
                "code": ["d1f3a9c0e2"],
                "redirect_url": ["https://addon.example.com/oauth/callback?state=x y"],
                "scope": ["send_notification view_room"],
                "user_id": ["7"],
                "client_name": ["Build Bot"],
                "group_id": ["1"],
            }
        ),
    ),
    # P1 §1.2, R §7: no token needed.
    Case("getCapabilities", {}, "GET", "/v2/capabilities", ok(CAPABILITIES), authorization=None),
    # P1 §1.3, SW: draft in the query.
    Case(
        "getAddonCapabilitiesSchema",
        {"draft": "v4"},
        "GET",
        "/v2/capabilities/addon/schema",
        ok({"$schema": "http://json-schema.org/draft-04/schema#", "type": "object", "required": ["key", "name", "links"]}),
        query=(("draft", "v4"),),
        authorization=None,
    ),
    # P1 §1.4
    Case(
        "getEmoticon",
        {"authToken": TOKEN, "emoticonIdOrKey": "allthethings"},
        "GET",
        "/v2/emoticon/allthethings",
        ok(
            {
                "id": 1044,
                "shortcut": "allthethings",
                "url": "https://dujrsrsgsd3nh.cloudfront.net/img/emoticons/allthethings.png",
                "width": 30,
                "height": 30,
                "links": {"self": "https://api.hipchat.com/v2/emoticon/1044"},
            }
        ),
    ),
    # P1 §1.5: hyphenated paging names; Numbers given as strings.
    Case(
        "getAllEmoticons",
        {"authToken": TOKEN, "startIndex": "10", "maxResults": "50", "type": "group"},
        "GET",
        "/v2/emoticon",
        ok(
            {
                "items": [
                    {
                        "id": 1044,
                        "shortcut": "allthethings",
                        "url": "https://dujrsrsgsd3nh.cloudfront.net/img/emoticons/allthethings.png",
                        "links": {"self": "https://api.hipchat.com/v2/emoticon/1044"},
                    }
                ],
                "startIndex": 10,
                "maxResults": 50,
                "links": {"self": "https://api.hipchat.com/v2/emoticon"},
            },
            RATE_HEADERS,
        ),
        query=(("start-index", "10"), ("max-results", "50"), ("type", "group")),
    ),
    *extension_cases(),
    # P1 §1.24-1.28, SW /group/*
    Case(
        "getGroup",
        {"authToken": TOKEN, "groupId": "1"},
        "GET",
        "/v2/group/1",
        ok(
            {
                "id": 1,
                "name": "Example Inc",
                "created": "2014-01-01T00:00:00",
                "domain": None,
                "subdomain": "example",
                "avatar_url": None,
                "plan": {"id": 3, "type": "plus"},
                "owner": {"id": 7, "name": "Ann Ops", "mention_name": "AnnOps", "links": {"self": "https://api.hipchat.com/v2/user/7"}},
                "links": {"self": "https://api.hipchat.com/v2/group/1"},
            }
        ),
    ),
    Case(
        "getGroupAvatar",
        {"authToken": TOKEN, "groupId": "1"},
        "GET",
        "/v2/group/1/avatar",
        redirect("https://s3.amazonaws.com/uploads.hipchat.com/avatars/group/1/125.png"),
    ),
    # P1 §1.26: PUT JSON {"avatar": ...}; that it is base64 of the image is UNCONFIRMED there. The catalog marks the
    # File as encoding base64 (by analogy with update_photo), followed here. The File comes as a data: URI.
    Case(
        "updateGroupAvatar",
        {"authToken": TOKEN, "groupId": "1", "avatar": f"data:image/gif;name=logo.gif;base64,{b64(GIF)}"},
        "PUT",
        "/v2/group/1/avatar",
        no_content(),
        body=Json({"avatar": b64(GIF)}),
    ),
    Case("deleteGroupAvatar", {"authToken": TOKEN, "groupId": "1"}, "DELETE", "/v2/group/1/avatar", no_content()),
    Case(
        "getGroupStatistics",
        {"authToken": TOKEN, "groupId": "1"},
        "GET",
        "/v2/group/1/statistics",
        ok({"users": 48, "links": {"self": "https://api.hipchat.com/v2/group/1/statistics"}}),
    ),
    # R §4: GET /v2/addon/{id_or_key}/installable/{token}, no bearer; the seed typed both ids Number.
    Case(
        "getIntegrationInstallableData",
        {"token": 77310042, "integrationIdOrKey": "com.example.build-bot"},
        "GET",
        "/v2/addon/com.example.build-bot/installable/77310042",
        ok(
            {
                "capabilitiesUrl": "https://api.hipchat.com/v2/capabilities",
                "oauthId": "7f3d2c1b-aaaa-bbbb-cccc-0123456789ab",
                "oauthSecret": "s3cr3tS3cr3t",
                "groupId": 1,
                "roomId": 42,
            }
        ),
        authorization=None,
    ),
    # R §4: GET /v2/addon/link/{token}, no bearer, answered with a redirect.
    Case(
        "invokeIntegrationLink",
        {"token": "lnk_8Hq2"},
        "GET",
        "/v2/addon/link/lnk_8Hq2",
        redirect("https://addon.example.com/links/build/17"),
        authorization=None,
    ),
    Case("deleteIntegrationLink", {"authToken": TOKEN, "token": "lnk_8Hq2"}, "DELETE", "/v2/addon/link/lnk_8Hq2", no_content()),
    # P1 §1.32, SW /addon/link: POST {target, ttl} -> 200 (R §7: {token, url}).
    Case(
        "createIntegrationLink",
        {"authToken": TOKEN, "target": "https://addon.example.com/links/build/17", "ttl": "3600"},
        "POST",
        "/v2/addon/link",
        ok({"token": "lnk_8Hq2", "url": "https://api.hipchat.com/v2/addon/link/lnk_8Hq2"}),
        body=Json({"target": "https://addon.example.com/links/build/17", "ttl": 3600}),
    ),
    # P1 §1.33-1.36: POST /addon/ui[...] {"glance": [...]} -> 204; the seed's Number ids are strings on the wire.
    Case(
        "pushUIChangesToGroup",
        {"authToken": TOKEN, "glance": GLANCE_UPDATES},
        "POST",
        "/v2/addon/ui",
        no_content(),
        body=Json({"glance": GLANCE_UPDATES}),
    ),
    Case(
        "pushUIChangesToRoom",
        {"authToken": TOKEN, "roomIdOrName": 42, "glance": GLANCE_UPDATES},
        "POST",
        "/v2/addon/ui/room/42",
        no_content(),
        body=Json({"glance": GLANCE_UPDATES}),
    ),
    Case(
        "pushUIChangesToUserInRoom",
        {"authToken": TOKEN, "userIdOrEmail": EMAIL, "roomIdOrName": ROOM, "glance": GLANCE_UPDATES[:1]},
        "POST",
        f"/v2/addon/ui/room/{ROOM_RAW}/user/{EMAIL_RAW}",
        no_content(),
        body=Json({"glance": GLANCE_UPDATES[:1]}),
    ),
    Case(
        "pushUIChangesToUser",
        {"authToken": TOKEN, "userIdOrName": 7, "glance": GLANCE_UPDATES[1:]},
        "POST",
        "/v2/addon/ui/user/7",
        no_content(),
        body=Json({"glance": GLANCE_UPDATES[1:]}),
    ),
    # P1 §1.37, SW /invite/user: JSON body; R §7: 200 with a user object.
    Case(
        "inviteUserToGroup",
        {"authToken": TOKEN, "title": "Release manager", "email": "bo@example.com", "name": "Bo Release"},
        "POST",
        "/v2/invite/user",
        ok(
            {
                "id": 9,
                "name": "Bo Release",
                "email": "bo@example.com",
                "mention_name": "BoRelease",
                "links": {"self": "https://api.hipchat.com/v2/user/9"},
            }
        ),
        body=Json({"email": "bo@example.com", "name": "Bo Release", "title": "Release manager"}),
    ),
    # P1 §1.38
    Case(
        "getAutoJoinRooms",
        {"authToken": TOKEN, "idOrEmail": EMAIL, "startIndex": 5, "maxResults": "25"},
        "GET",
        f"/v2/user/{EMAIL_RAW}/preference/auto-join",
        ok(room_list(f"/user/{EMAIL_RAW}/preference/auto-join")),
        query=(("start-index", "5"), ("max-results", "25")),
    ),
    # P1 §1.39: include-guests / include-deleted are hyphenated on /user (SW "XXX Hyphen?"); Booleans from strings.
    Case(
        "getAllUsers",
        {"authToken": TOKEN, "startIndex": "5", "maxResults": 25, "includeGuests": "true", "includeDeleted": "FALSE"},
        "GET",
        "/v2/user",
        ok(user_list("/user"), RATE_HEADERS),
        query=(("start-index", "5"), ("max-results", "25"), ("include-guests", "true"), ("include-deleted", "false")),
    ),
    # P1 §1.40, OFF:create_user -> 201 {id, links.self, password?}.
    Case(
        "createUser",
        {
            "authToken": TOKEN,
            "name": "Bo Release",
            "roles": '["user"]',
            "title": "Release manager",
            "mentionName": "BoRelease",
            "isGroupAdmin": "false",
            "timezone": "Europe/Berlin",
            "password": "correct horse battery staple",
            "email": "bo@example.com",
        },
        "POST",
        "/v2/user",
        created({"id": 9, "links": {"self": "https://api.hipchat.com/v2/user/9"}}),
        body=Json(
            {
                "name": "Bo Release",
                "roles": ["user"],
                "title": "Release manager",
                "mention_name": "BoRelease",
                "is_group_admin": False,
                "timezone": "Europe/Berlin",
                "password": "correct horse battery staple",
                "email": "bo@example.com",
            }
        ),
    ),
    Case("getUser", {"authToken": TOKEN, "idOrEmail": EMAIL}, "GET", f"/v2/user/{EMAIL_RAW}", ok(USER)),
    # P1 §1.42: presence nested, roles a JSON array split from the seed's comma-separated string. Every field the
    # PUT replaces is given, so no completion GET is needed.
    Case(
        "updateUser",
        {
            "authToken": TOKEN,
            "idOrEmail": MENTION,
            "name": "Ann Ops",
            "roles": "admin,user",
            "title": "SRE lead",
            "presenceStatus": "on call until 18:00",
            "presenceShow": "dnd",
            "mentionName": "AnnOps",
            "isGroupAdmin": True,
            "timezone": "Europe/Berlin",
            "password": "n3w-passw0rd",
            "email": EMAIL,
        },
        "PUT",
        f"/v2/user/{MENTION_RAW}",
        no_content(),
        body=Json(
            {
                "name": "Ann Ops",
                "roles": ["admin", "user"],
                "title": "SRE lead",
                "presence": {"status": "on call until 18:00", "show": "dnd"},
                "mention_name": "AnnOps",
                "is_group_admin": True,
                "timezone": "Europe/Berlin",
                "password": "n3w-passw0rd",
                "email": EMAIL,
            }
        ),
    ),
    Case("deleteUser", {"authToken": TOKEN, "idOrEmail": MENTION}, "DELETE", f"/v2/user/{MENTION_RAW}", no_content()),
    # P1 §1.44: include_deleted with an underscore on history calls; R §6: the answer is wrapped in "message".
    Case(
        "getPrivatechatMessage",
        {"authToken": TOKEN, "messageId": MESSAGE_ID, "idOrName": EMAIL, "timezone": "Europe/Berlin", "includeDeleted": "true"},
        "GET",
        f"/v2/user/{EMAIL_RAW}/history/{MESSAGE_ID}",
        ok({"message": MESSAGE_ITEM}),
        query=(("timezone", "Europe/Berlin"), ("include_deleted", "true")),
    ),
    # P1 §1.45
    Case(
        "getPrivatechatHistory",
        {
            "authToken": TOKEN,
            "idOrEmail": "7",
            "maxResults": "100",
            "reverse": "false",
            "startIndex": "0",
            "includeDeleted": False,
            "date": "2017-05-20T18:00:00+02:00",
            "timezone": "Europe/Berlin",
            "endDate": "2017-05-19T00:00:00+02:00",
        },
        "GET",
        "/v2/user/7/history",
        ok(HISTORY),
        query=(
            ("max-results", "100"),
            ("reverse", "false"),
            ("start-index", "0"),
            ("include_deleted", "false"),
            ("date", "2017-05-20T18:00:00+02:00"),
            ("timezone", "Europe/Berlin"),
            ("end-date", "2017-05-19T00:00:00+02:00"),
        ),
    ),
    # P1 §1.46 (OFF:view_recent_privatechat_history)
    Case(
        "getRecentPrivatechatHistory",
        {"authToken": TOKEN, "idOrEmail": EMAIL, "maxResults": 75, "timezone": "UTC", "includeDeleted": "true", "notBefore": MESSAGE_ID},
        "GET",
        f"/v2/user/{EMAIL_RAW}/history/latest",
        ok({"items": [MESSAGE_ITEM], "maxResults": 75, "links": {"self": f"https://api.hipchat.com/v2/user/{EMAIL_RAW}/history/latest"}}),
        query=(("max-results", "75"), ("timezone", "UTC"), ("include_deleted", "true"), ("not-before", MESSAGE_ID)),
    ),
    # P1 §1.47: notify is a boolean on the wire (the seed typed it String).
    Case(
        "sendPrivateMessage",
        {"authToken": TOKEN, "idOrEmail": MENTION, "message": 'Deploy "v2.3" is <b>done</b>', "notify": "true", "messageFormat": "html"},
        "POST",
        f"/v2/user/{MENTION_RAW}/message",
        no_content(FLOOD_HEADERS),
        body=Json({"message": 'Deploy "v2.3" is <b>done</b>', "notify": True, "message_format": "html"}),
    ),
    # P2 §1: 302 to the image.
    Case(
        "getPhoto",
        {"authToken": TOKEN, "size": "big", "idOrEmail": EMAIL},
        "GET",
        f"/v2/user/{EMAIL_RAW}/photo/big",
        redirect("https://s3.amazonaws.com/uploads.hipchat.com/photos/7/big.png"),
    ),
    # P2 §2: {"photo": base64}. Whether HipChat also took a data: URI prefix is UNCONFIRMED; the catalog's correction
    # chooses the bare base64 of the bytes, followed here. The caller gives the seed's base64 inside a data: URI.
    Case(
        "updatePhoto",
        {"authToken": TOKEN, "idOrEmail": EMAIL, "photo": f"data:image/png;base64,{b64(PNG)}"},
        "PUT",
        f"/v2/user/{EMAIL_RAW}/photo",
        no_content(),
        body=Json({"photo": b64(PNG)}),
    ),
    Case("deletePhoto", {"authToken": TOKEN, "idOrEmail": EMAIL}, "DELETE", f"/v2/user/{EMAIL_RAW}/photo", no_content()),
    # P2 §4 (official share_file_with_user page): multipart/related, JSON part "metadata", then part "file".
    # The file is uploaded to the runtime as a multipart part of the call.
    Case(
        "shareFileWithUser",
        {"authToken": TOKEN, "idOrName": EMAIL, "message": "Signed contract, see page 2"},
        "POST",
        f"/v2/user/{EMAIL_RAW}/share/file",
        no_content(),
        body=Multipart(
            (
                Part("metadata", "application/json", json={"message": "Signed contract, see page 2"}),
                Part("file", "application/pdf", data=PDF, filename="contract.pdf"),
            )
        ),
        uploads={"file": Upload("contract.pdf", "application/pdf", PDF)},
    ),
    # P2 §5
    Case(
        "shareLinkWithUser",
        {"authToken": TOKEN, "idOrName": "7", "message": "Runbook", "link": "https://wiki.example.com/runbook?page=2"},
        "POST",
        "/v2/user/7/share/link",
        no_content(),
        body=Json({"link": "https://wiki.example.com/runbook?page=2", "message": "Runbook"}),
    ),
    # P2 §6-10
    Case("getRoom", {"authToken": TOKEN, "roomIdOrName": ROOM}, "GET", f"/v2/room/{ROOM_RAW}", ok(ROOM_DETAIL)),
    Case(
        "updateRoom",
        {
            "authToken": TOKEN,
            "roomIdOrName": ROOM,
            "name": "Ops Room (EU)",
            "privacy": "public",
            "isArchived": "false",
            "isGuestAccessible": True,
            "topic": "",  # an empty topic clears it
            "ownerId": EMAIL,
            "delegateAdminVisibility": "true",
        },
        "PUT",
        f"/v2/room/{ROOM_RAW}",
        no_content(),
        body=Json(
            {
                "name": "Ops Room (EU)",
                "privacy": "public",
                "is_archived": False,
                "is_guest_accessible": True,
                "topic": "",
                "owner": {"id": EMAIL},
                "delegate_admin_visibility": True,
            }
        ),
    ),
    Case("deleteRoom", {"authToken": TOKEN, "roomIdOrName": SLASH_ROOM}, "DELETE", f"/v2/room/{SLASH_ROOM_RAW}", no_content()),
    Case(
        "getAllRooms",
        {"authToken": TOKEN, "startIndex": 5, "maxResults": "25", "includePrivate": "true", "includeArchived": False},
        "GET",
        "/v2/room",
        ok(room_list("/room"), RATE_HEADERS),
        query=(("start-index", "5"), ("max-results", "25"), ("include-private", "true"), ("include-archived", "false")),
    ),
    Case(
        "createRoom",
        {
            "authToken": TOKEN,
            "name": "Ops Room",
            "privacy": "private",
            "delegateAdminVisibility": False,
            "topic": "Pager: Ann",
            "ownerUserId": MENTION,
            "guestAccess": "true",
        },
        "POST",
        "/v2/room",
        created({"id": 42, "links": {"self": "https://api.hipchat.com/v2/room/42"}}),
        body=Json(
            {
                "name": "Ops Room",
                "privacy": "private",
                "delegate_admin_visibility": False,
                "topic": "Pager: Ann",
                "owner_user_id": MENTION,
                "guest_access": True,
            }
        ),
    ),
    # P2 §29-31: history query names; include_deleted underscore.
    Case(
        "getRoomMessage",
        {"authToken": TOKEN, "messageId": MESSAGE_ID, "roomIdOrName": ROOM, "timezone": "UTC", "includeDeleted": "false"},
        "GET",
        f"/v2/room/{ROOM_RAW}/history/{MESSAGE_ID}",
        ok({"message": MESSAGE_ITEM}),
        query=(("timezone", "UTC"), ("include_deleted", "false")),
    ),
    Case(
        "getRoomHistory",
        {
            "authToken": TOKEN,
            "roomIdOrName": "42",
            "maxResults": 200,
            "reverse": True,
            "startIndex": "50",
            "includeDeleted": "true",
            "date": "recent",
            "timezone": "America/New_York",
            "endDate": "null",
        },
        "GET",
        "/v2/room/42/history",
        ok(HISTORY),
        query=(
            ("max-results", "200"),
            ("reverse", "true"),
            ("start-index", "50"),
            ("include_deleted", "true"),
            ("date", "recent"),
            ("timezone", "America/New_York"),
            ("end-date", "null"),
        ),
    ),
    Case(
        "getRecentRoomHistory",
        {"authToken": TOKEN, "roomIdOrName": ROOM, "maxResults": "10", "timezone": "UTC", "includeDeleted": False, "notBefore": MESSAGE_ID},
        "GET",
        f"/v2/room/{ROOM_RAW}/history/latest",
        ok({"items": [MESSAGE_ITEM], "maxResults": 10, "links": {"self": "https://api.hipchat.com/v2/room/42/history/latest"}}),
        query=(("max-results", "10"), ("timezone", "UTC"), ("include_deleted", "false"), ("not-before", MESSAGE_ID)),
    ),
    # P2 §32-35
    Case(
        "inviteUserToRoom",
        {"authToken": TOKEN, "userIdOrEmail": EMAIL, "roomIdOrName": ROOM, "reason": "You are on call this week"},
        "POST",
        f"/v2/room/{ROOM_RAW}/invite/{EMAIL_RAW}",
        no_content(),
        body=Json({"reason": "You are on call this week"}),
    ),
    Case(
        "addMemberToRoom",
        {"authToken": TOKEN, "userIdOrEmail": 7, "roomIdOrName": ROOM, "roomRoles": '["room_admin", "room_member"]'},
        "PUT",
        f"/v2/room/{ROOM_RAW}/member/7",
        no_content(),
        body=Json({"room_roles": ["room_admin", "room_member"]}),
    ),
    Case(
        "removeMemberFromRoom",
        {"authToken": TOKEN, "userIdOrEmail": MENTION, "roomIdOrName": ROOM},
        "DELETE",
        f"/v2/room/{ROOM_RAW}/member/{MENTION_RAW}",
        no_content(),
    ),
    Case(
        "getRoomAllMembers",
        {"authToken": TOKEN, "roomIdOrName": ROOM, "startIndex": "5", "maxResults": "25"},
        "GET",
        f"/v2/room/{ROOM_RAW}/member",
        ok(user_list(f"/room/{ROOM_RAW}/member")),
        query=(("start-index", "5"), ("max-results", "25")),
    ),
    # R §6: 201 {id, timestamp}.
    Case(
        "sendMessageToRoom",
        {"authToken": TOKEN, "roomIdOrName": ROOM, "message": "Rolling back v2.3 ✅"},
        "POST",
        f"/v2/room/{ROOM_RAW}/message",
        created({"id": "0b9c8a56-4f0e-4d2b-9e3a-1c2d3e4f5a6b", "timestamp": "2017-05-20T13:56:46.750428+00:00"}, FLOOD_HEADERS),
        body=Json({"message": "Rolling back v2.3 ✅"}),
    ),
    # P2 §37: flat card* arguments nest under card; *Url2x lands in "url@2x"; description is {value, format}.
    Case(
        "sendRoomNotification",
        {
            "authToken": TOKEN,
            "roomIdOrName": ROOM,
            "from": "Build Bot",
            "messageFormat": "text",
            "color": "green",
            "attachTo": MESSAGE_ID,
            "notify": "true",
            "message": "Build #17 passed",
            "cardStyle": "application",
            "cardDescriptionValue": "<b>17</b> tests passed",
            "cardDescriptionFormat": "html",
            "cardFormat": "medium",
            "cardUrl": "https://ci.example.com/builds/17",
            "cardTitle": "Build #17",
            "cardThumbnailUrl": "https://ci.example.com/t.png",
            "cardThumbnailWidth": "1193",
            "cardThumbnailUrl2x": "https://ci.example.com/t@2x.png",
            "cardThumbnailHeight": 564,
            "cardActivityHtml": "<b>Ann</b> started build #17",
            "cardActivityIconUrl": "https://ci.example.com/a.png",
            "cardActivityIconUrl2x": "https://ci.example.com/a@2x.png",
            "cardAttributes": [
                {
                    "label": "branch",
                    "value": {
                        "label": "main",
                        "url": "https://ci.example.com/branches/main",
                        "style": "lozenge-success",
                        "icon": {"url": "https://ci.example.com/b.png", "url@2x": "https://ci.example.com/b@2x.png"},
                    },
                }
            ],
            "cardId": "build-17",
            "cardIconUrl": "https://ci.example.com/icon.png",
            "cardIconUrl2x": "https://ci.example.com/icon@2x.png",
        },
        "POST",
        f"/v2/room/{ROOM_RAW}/notification",
        no_content(FLOOD_HEADERS),
        body=Json(
            {
                "from": "Build Bot",
                "message_format": "text",
                "color": "green",
                "attach_to": MESSAGE_ID,
                "notify": True,
                "message": "Build #17 passed",
                "card": {
                    "style": "application",
                    "description": {"value": "<b>17</b> tests passed", "format": "html"},
                    "format": "medium",
                    "url": "https://ci.example.com/builds/17",
                    "title": "Build #17",
                    "thumbnail": {
                        "url": "https://ci.example.com/t.png",
                        "url@2x": "https://ci.example.com/t@2x.png",
                        "width": 1193,
                        "height": 564,
                    },
                    "activity": {
                        "html": "<b>Ann</b> started build #17",
                        "icon": {"url": "https://ci.example.com/a.png", "url@2x": "https://ci.example.com/a@2x.png"},
                    },
                    "attributes": [
                        {
                            "label": "branch",
                            "value": {
                                "label": "main",
                                "url": "https://ci.example.com/branches/main",
                                "style": "lozenge-success",
                                "icon": {"url": "https://ci.example.com/b.png", "url@2x": "https://ci.example.com/b@2x.png"},
                            },
                        }
                    ],
                    "id": "build-17",
                    "icon": {"url": "https://ci.example.com/icon.png", "url@2x": "https://ci.example.com/icon@2x.png"},
                },
            }
        ),
    ),
    # P2 §38: include-offline (hyphen). SW types it string with boolean meaning; the catalog makes it a Boolean
    # (seed: String), followed here, so "true" goes out as true.
    Case(
        "getRoomtAllParticipants",
        {"authToken": TOKEN, "roomIdOrName": ROOM, "startIndex": 0, "includeOffline": "true", "maxResults": "100"},
        "GET",
        f"/v2/room/{ROOM_RAW}/participant",
        ok(user_list(f"/room/{ROOM_RAW}/participant")),
        query=(("start-index", "0"), ("include-offline", "true"), ("max-results", "100")),
    ),
    # P2 §39: parentMessageId is camelCase on the wire.
    Case(
        "replyToMessageInRoom",
        {"authToken": TOKEN, "roomIdOrName": ROOM, "parentMessageId": MESSAGE_ID, "message": "Looking into it"},
        "POST",
        f"/v2/room/{ROOM_RAW}/reply",
        no_content(),
        body=Json({"parentMessageId": MESSAGE_ID, "message": "Looking into it"}),
    ),
    # P2 §40 (hipchat-go TestRoomShareFile): multipart/related; the file comes as a data: URI with a name.
    Case(
        "shareFileWithRoom",
        {"authToken": TOKEN, "roomIdOrName": ROOM, "file": f"data:text/csv;name=q3.csv;base64,{b64(CSV)}", "message": "Q3 numbers"},
        "POST",
        f"/v2/room/{ROOM_RAW}/share/file",
        no_content(),
        body=Multipart(
            (
                Part("metadata", "application/json", json={"message": "Q3 numbers"}),
                Part("file", "text/csv", data=CSV, filename="q3.csv"),
            )
        ),
    ),
    Case(
        "shareLinkWithRoom",
        {"authToken": TOKEN, "roomIdOrName": ROOM, "message": "Postmortem", "link": "https://wiki.example.com/pm/17"},
        "POST",
        f"/v2/room/{ROOM_RAW}/share/link",
        no_content(),
        body=Json({"link": "https://wiki.example.com/pm/17", "message": "Postmortem"}),
    ),
    # P2 §42, R §7
    Case(
        "getRoomStatistics",
        {"authToken": TOKEN, "roomIdOrName": ROOM},
        "GET",
        f"/v2/room/{ROOM_RAW}/statistics",
        ok(
            {
                "messages_sent": 1200,
                "last_active": "2017-05-20T13:56:46+00:00",
                "links": {"self": "https://api.hipchat.com/v2/room/42/statistics"},
            }
        ),
    ),
    # P2 §43, R §6: PUT {"topic"} as application/json -> 204.
    Case(
        "setRoomTopic",
        {"authToken": TOKEN, "roomIdOrName": ROOM, "topic": "Pager: Bo (until Friday)"},
        "PUT",
        f"/v2/room/{ROOM_RAW}/topic",
        no_content(),
        body=Json({"topic": "Pager: Bo (until Friday)"}),
    ),
    # P2 §44: the legacy /webhook list.
    Case(
        "getRoomAllWebhooks",
        {"authToken": TOKEN, "roomIdOrName": ROOM, "startIndex": "0", "maxResults": 10},
        "GET",
        f"/v2/room/{ROOM_RAW}/webhook",
        ok(
            {
                "items": [
                    {
                        "id": 4173,
                        "key": "echo-hook",
                        "name": "Echo bot",
                        "event": "room_message",
                        "pattern": "^/echo",
                        "url": "https://addon.example.com/hook",
                        "links": {"self": "https://api.hipchat.com/v2/room/42/webhook/4173"},
                    }
                ],
                "startIndex": 0,
                "maxResults": 10,
                "links": {"self": "https://api.hipchat.com/v2/room/42/webhook"},
            }
        ),
        query=(("start-index", "0"), ("max-results", "10")),
    ),
    # P2 §45-46: the session's access token is a path segment; the caller's token stays in the header.
    Case(
        "getSession",
        {"authToken": TOKEN, "accessToken": "sessTok-9f8e7d"},
        "GET",
        "/v2/oauth/token/sessTok-9f8e7d",
        ok(
            {
                "access_token": "sessTok-9f8e7d",
                "expires_in": 3000,
                "scopes": ["send_notification"],
                "client": {"id": "addon-client-id", "name": "Build Bot"},
                "group": {"id": 1, "name": "Example Inc"},
            }
        ),
    ),
    Case("deleteSession", {"authToken": TOKEN, "accessToken": "sessTok-9f8e7d"}, "DELETE", "/v2/oauth/token/sessTok-9f8e7d", no_content()),
]


# Calls with only the required arguments: nothing the caller left out may appear on the wire, except what the
# references require (webPanel location, R §3). Function names repeat here, so these rows are kept apart from CASES.


MINIMAL_CASES: list[Case] = [
    # R §5: client_credentials needs Basic client credentials; scope is space-delimited.
    Case(
        "getAccessToken",
        {
            "grantType": "client_credentials",
            "clientId": "addon-client-id",
            "clientSecret": "addon-client-secret",
            "scope": "send_notification admin_room",
        },
        "POST",
        "/v2/oauth/token",
        ok(
            {
                "access_token": "tok",
                "expires_in": 28800,
                "group_id": 1,
                "group_name": "Example Inc",
                "scope": "send_notification admin_room",
                "token_type": "bearer",
            }
        ),
        authorization=basic("addon-client-id", "addon-client-secret"),
        body=Form({"grant_type": ["client_credentials"], "scope": ["send_notification admin_room"]}),
        label="client_credentials",
    ),
    # R §5: the password grant carries username and password in the form; Basic is not required for it.
    Case(
        "getAccessToken",
        {"grantType": "password", "username": "ann@example.com", "password": "hunter2 & co"},
        "POST",
        "/v2/oauth/token",
        ok(
            {
                "access_token": "tok",
                "expires_in": 3600,
                "group_id": 1,
                "group_name": "Example Inc",
                "scope": "send_message",
                "token_type": "bearer",
                "refresh_token": "r",
            }
        ),
        authorization=None,
        body=Form({"grant_type": ["password"], "username": ["ann@example.com"], "password": ["hunter2 & co"]}),
        label="password-with-spaces",
    ),
    Case(
        "getAccessToken",
        {"grantType": "password", "username": "ann@example.com", "password": "Tr0ub4dor&3"},
        "POST",
        "/v2/oauth/token",
        ok(
            {
                "access_token": "tok",
                "expires_in": 3600,
                "group_id": 1,
                "scope": "send_message",
                "token_type": "bearer",
                "refresh_token": "r",
            },
        ),
        authorization=None,
        body=Form({"grant_type": ["password"], "username": ["ann@example.com"], "password": ["Tr0ub4dor&3"]}),
        label="password",
    ),
    Case(
        "getAccessToken",
        {
            "grantType": "refresh_token",
            "refreshToken": "aYfzLWmy3xso",
            "clientId": "addon-client-id",
            "clientSecret": "addon-client-secret",
        },
        "POST",
        "/v2/oauth/token",
        ok(
            {
                "access_token": "tok2",
                "expires_in": 3600,
                "group_id": 1,
                "group_name": "Example Inc",
                "scope": "send_message",
                "token_type": "bearer",
            }
        ),
        authorization=basic("addon-client-id", "addon-client-secret"),
        body=Form({"grant_type": ["refresh_token"], "refresh_token": ["aYfzLWmy3xso"]}),
        label="refresh_token",
    ),
    Case(
        "createRoomAction",
        {
            "authToken": TOKEN,
            "roomIdOrName": ROOM,
            "key": "open",
            "targetKey": "tracker-dialog",
            "location": "hipchat.input.action",
            "nameValue": "Open",
        },
        "PUT",
        f"/v2/room/{ROOM_RAW}/extension/action/open",
        created({"id": "open", "links": {"self": "https://api.hipchat.com/v2/room/42/extension/action/open"}}),
        body=Json({"key": "open", "name": {"value": "Open"}, "target": {"key": "tracker-dialog"}, "location": "hipchat.input.action"}),
    ),
    Case(
        "createRoomDialog",
        {"authToken": TOKEN, "roomIdOrName": ROOM, "key": "link", "url": "https://addon.example.com/d", "titleValue": "Link"},
        "PUT",
        f"/v2/room/{ROOM_RAW}/extension/dialog/link",
        created({"id": "link", "links": {"self": "https://api.hipchat.com/v2/room/42/extension/dialog/link"}}),
        body=Json({"key": "link", "url": "https://addon.example.com/d", "title": {"value": "Link"}}),
    ),
    Case(
        "createRoomExternalPage",
        {"authToken": TOKEN, "roomIdOrName": ROOM, "key": "reports", "url": "https://addon.example.com/r"},
        "PUT",
        f"/v2/room/{ROOM_RAW}/extension/externalPage/reports",
        created({"id": "reports", "links": {"self": "https://api.hipchat.com/v2/room/42/extension/externalPage/reports"}}),
        body=Json({"key": "reports", "url": "https://addon.example.com/r"}),
    ),
    Case(
        "createRoomGlance",
        {
            "authToken": TOKEN,
            "roomIdOrName": ROOM,
            "key": "builds",
            "nameValue": "Builds",
            "iconUrl": "https://a.example.com/i.png",
            "iconUrl2x": "https://a.example.com/i2.png",
        },
        "PUT",
        f"/v2/room/{ROOM_RAW}/extension/glance/builds",
        created({"id": "builds", "links": {"self": "https://api.hipchat.com/v2/room/42/extension/glance/builds"}}),
        body=Json(
            {
                "key": "builds",
                "name": {"value": "Builds"},
                "icon": {"url": "https://a.example.com/i.png", "url@2x": "https://a.example.com/i2.png"},
            }
        ),
    ),
    # R §3: location is required and has the single value hipchat.sidebar.right, so it goes out even when not given.
    Case(
        "createRoomWebPanel",
        {"authToken": TOKEN, "roomIdOrName": ROOM, "key": "panel", "nameValue": "Panel", "url": "https://addon.example.com/p"},
        "PUT",
        f"/v2/room/{ROOM_RAW}/extension/webPanel/panel",
        created({"id": "panel", "links": {"self": "https://api.hipchat.com/v2/room/42/extension/webPanel/panel"}}),
        body=Json({"key": "panel", "name": {"value": "Panel"}, "url": "https://addon.example.com/p", "location": "hipchat.sidebar.right"}),
    ),
    # API-WH: authentication defaults to none on HipChat's side, so leaving it out must not send jwt.
    Case(
        "createRoomWebhook",
        {"authToken": TOKEN, "roomIdOrName": ROOM, "key": "hook", "url": "https://addon.example.com/h", "event": "room_enter"},
        "PUT",
        f"/v2/room/{ROOM_RAW}/extension/webhook/hook",
        created({"id": 4174, "links": {"self": "https://api.hipchat.com/v2/room/42/extension/webhook/hook"}}),
        body=Json({"key": "hook", "url": "https://addon.example.com/h", "event": "room_enter"}),
    ),
    Case(
        "sendRoomNotification",
        {"authToken": TOKEN, "roomIdOrName": ROOM, "message": "plain"},
        "POST",
        f"/v2/room/{ROOM_RAW}/notification",
        no_content(),
        body=Json({"message": "plain"}),
    ),
    Case(
        "createRoom",
        {"authToken": TOKEN, "name": "Ops Room"},
        "POST",
        "/v2/room",
        created({"id": 42, "links": {"self": "https://api.hipchat.com/v2/room/42"}}),
        body=Json({"name": "Ops Room"}),
    ),
    Case(
        "shareFileWithRoom",
        {"authToken": TOKEN, "roomIdOrName": ROOM, "file": "data:text/plain;name=hello.txt,hello%20world"},
        "POST",
        f"/v2/room/{ROOM_RAW}/share/file",
        no_content(),
        body=Multipart((Part("file", "text/plain", data=b"hello world", filename="hello.txt"),)),
    ),
    Case(
        "inviteUserToRoom",
        {"authToken": TOKEN, "userIdOrEmail": EMAIL, "roomIdOrName": ROOM},
        "POST",
        f"/v2/room/{ROOM_RAW}/invite/{EMAIL_RAW}",
        no_content(),
        body=Json({}),
    ),
    Case(
        "addMemberToRoom",
        {"authToken": TOKEN, "userIdOrEmail": EMAIL, "roomIdOrName": ROOM},
        "PUT",
        f"/v2/room/{ROOM_RAW}/member/{EMAIL_RAW}",
        no_content(),
        body=Json({}),
    ),
]


@dataclass(frozen=True)
class CompletionCase:
    """A partial whole-object update: a GET of the current object, then the PUT with the untouched fields filled in."""

    function: str
    args: dict[str, Any]
    path: str
    current: dict[str, Any]
    put_body: dict[str, Any]


# P1 §1.42 (SW: name, mention_name, email required) and P2 §7 (SW: all six room fields required): PUT replaces the
# record, so the fields the caller did not change must carry their current values (P1 calls this UNCONFIRMED; the
# catalog's notes choose to complete them from a fresh GET, followed here).
COMPLETION_CASES = [
    CompletionCase(
        "updateRoom",
        {"authToken": TOKEN, "roomIdOrName": ROOM, "topic": "Pager: Bo"},
        f"/v2/room/{ROOM_RAW}",
        ROOM_DETAIL,
        {"name": ROOM, "privacy": "private", "is_archived": False, "is_guest_accessible": False, "topic": "Pager: Bo", "owner": {"id": 7}},
    ),
    CompletionCase(
        "updateUser",
        {"authToken": TOKEN, "idOrEmail": EMAIL, "title": "SRE lead", "presenceShow": "away"},
        f"/v2/user/{EMAIL_RAW}",
        USER,
        {
            "name": "Ann Ops",
            "mention_name": "AnnOps",
            "email": EMAIL,
            "title": "SRE lead",
            "timezone": "Europe/Berlin",
            "is_group_admin": False,
            "presence": {"status": "on call", "show": "away"},
        },
    ),
]
