"""One JSON Schema per request body, from the HipChat references (field names, required fields, enums, lengths).

Extension schemas follow the add-on descriptor's capability objects (research §3); GET /v2/capabilities/addon/schema
is assembled from the same definitions.
"""

from __future__ import annotations

from typing import Any

KEY = {"type": "string", "minLength": 1, "maxLength": 40, "pattern": r"^[a-zA-Z0-9_\-\.]+$"}
URL = {"type": "string", "minLength": 1, "pattern": r"^https?://\S+$"}
NAME = {
    "type": "object",
    "required": ["value"],
    "properties": {
        "value": {"type": "string", "minLength": 1, "maxLength": 100},
        "i18n": {"type": "string", "minLength": 1, "maxLength": 40},
    },
}
ICON_PAIR = {"type": "object", "required": ["url", "url@2x"], "properties": {"url": {"type": "string"}, "url@2x": {"type": "string"}}}
ICON = {"type": "object", "required": ["url"], "properties": {"url": {"type": "string"}, "url@2x": {"type": "string"}}}
CONDITION = {
    "type": "object",
    "properties": {
        "condition": {"type": "string", "minLength": 1},
        "params": {"type": "object"},
        "invert": {"type": "boolean"},
        "type": {"enum": ["and", "or", "AND", "OR"]},
        "conditions": {"type": "array", "items": {"$ref": "#/$defs/condition"}},
    },
    "anyOf": [{"required": ["condition"]}, {"required": ["conditions"]}],
}
CONDITIONS = {"type": "array", "items": {"$ref": "#/$defs/condition"}}
TARGET = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "object", "required": ["key"], "properties": {"key": KEY, "options": {"type": "object"}}},
    ]
}
AUTHENTICATION = {"enum": ["jwt", "none"]}
BOOLISH = {"anyOf": [{"type": "boolean"}, {"enum": ["true", "false", "True", "False"]}]}
WEBHOOK_EVENTS = [
    "room_archived",
    "room_created",
    "room_deleted",
    "room_enter",
    "room_exit",
    "room_file_upload",
    "room_message",
    "room_notification",
    "room_topic_change",
    "room_unarchived",
]
COLORS = ["yellow", "green", "red", "purple", "gray", "random"]
DEFS = {"condition": CONDITION}


def obj(required: list[str], properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties, "$defs": DEFS, **extra}


EXTENSIONS: dict[str, dict[str, Any]] = {
    "action": obj(
        ["name", "location", "key", "target"],
        {
            "key": KEY,
            "name": NAME,
            "target": TARGET,
            "location": {"enum": ["hipchat.message.action", "hipchat.input.action"]},
            "weight": {"type": "integer"},
            "conditions": CONDITIONS,
        },
    ),
    "dialog": obj(
        ["url", "key", "title"],
        {
            "key": KEY,
            "title": NAME,
            "url": URL,
            "authentication": AUTHENTICATION,
            "options": {
                "type": "object",
                "properties": {
                    "style": {"enum": ["normal", "warning"]},
                    "size": {
                        "anyOf": [
                            {"enum": ["small", "medium", "large", "xlarge"]},
                            {
                                "type": "object",
                                "required": ["width", "height"],
                                "properties": {"width": {"type": "string"}, "height": {"type": "string"}},
                            },
                        ]
                    },
                    "hint": NAME,
                    "filter": {"type": "object", "properties": {"placeholder": NAME}},
                    "primaryAction": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {"name": NAME, "key": {"type": "string"}, "enabled": {"type": "boolean"}},
                    },
                    "secondaryActions": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name"],
                            "properties": {"name": NAME, "key": {"type": "string"}, "enabled": {"type": "boolean"}},
                        },
                    },
                },
            },
        },
    ),
    "externalPage": obj(["url", "key"], {"key": KEY, "name": NAME, "url": URL}),
    "glance": obj(
        ["name", "key", "icon"],
        {
            "key": KEY,
            "name": NAME,
            "icon": ICON_PAIR,
            "queryUrl": URL,
            "target": TARGET,
            "weight": {"type": "integer"},
            "conditions": CONDITIONS,
        },
    ),
    "webPanel": obj(
        ["name", "url", "location", "key"],
        {
            "key": KEY,
            "name": NAME,
            "url": URL,
            "location": {"enum": ["hipchat.sidebar.right"]},
            "icon": ICON_PAIR,
            "weight": {"type": "integer"},
            "authentication": AUTHENTICATION,
            "conditions": CONDITIONS,
        },
    ),
    "webhook": obj(
        ["url", "event"],
        {
            "key": KEY,
            "name": {"type": "string", "maxLength": 100},
            "url": URL,
            "event": {"enum": WEBHOOK_EVENTS},
            "pattern": {"type": "string", "maxLength": 512},
            "authentication": AUTHENTICATION,
        },
    ),
}

CARD = {
    "type": "object",
    "required": ["style", "id", "title"],
    "properties": {
        "style": {"enum": ["file", "image", "application", "link", "media"]},
        "id": {"type": "string", "minLength": 1},
        "title": {"type": "string", "minLength": 1, "maxLength": 500},
        "description": {
            "anyOf": [
                {"type": "string", "maxLength": 1000},
                {
                    "type": "object",
                    "required": ["value", "format"],
                    "properties": {"value": {"type": "string", "minLength": 1, "maxLength": 1000}, "format": {"enum": ["html", "text"]}},
                },
            ]
        },
        "format": {"enum": ["compact", "medium"]},
        "url": {"type": "string"},
        "thumbnail": {
            "type": "object",
            "required": ["url"],
            "properties": {
                "url": {"type": "string", "minLength": 1, "maxLength": 250},
                "url@2x": {"type": "string", "maxLength": 250},
                "width": {"type": "integer", "minimum": 0},
                "height": {"type": "integer", "minimum": 0},
            },
        },
        "activity": {"type": "object", "required": ["html"], "properties": {"html": {"type": "string"}, "icon": ICON}},
        "attributes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["value"],
                "properties": {
                    "label": {"type": "string", "maxLength": 50},
                    "value": {
                        "type": "object",
                        "required": ["label"],
                        "properties": {
                            "label": {"type": "string"},
                            "url": {"type": "string"},
                            "style": {
                                "enum": [
                                    "lozenge",
                                    "lozenge-success",
                                    "lozenge-error",
                                    "lozenge-current",
                                    "lozenge-complete",
                                    "lozenge-moved",
                                ]
                            },
                            "icon": ICON,
                        },
                    },
                },
            },
        },
        "icon": ICON,
    },
}

NOTIFICATION = obj(
    ["message"],
    {
        "message": {"type": "string", "minLength": 1, "maxLength": 10000},
        "color": {"enum": COLORS},
        "notify": BOOLISH,
        "message_format": {"enum": ["html", "text"]},
        "from": {"type": "string", "maxLength": 64},
        "attach_to": {"type": "string"},
        "card": CARD,
    },
)

GLANCE_UPDATE = {
    "type": "object",
    "required": ["key", "content"],
    "properties": {
        "key": KEY,
        "content": {
            "type": "object",
            "required": ["label"],
            "properties": {
                "label": {
                    "type": "object",
                    "required": ["type", "value"],
                    "properties": {"type": {"enum": ["html"]}, "value": {"type": "string"}},
                },
                "status": {
                    "anyOf": [
                        {
                            "type": "object",
                            "required": ["type", "value"],
                            "properties": {
                                "type": {"const": "lozenge"},
                                "value": {
                                    "type": "object",
                                    "required": ["label", "type"],
                                    "properties": {
                                        "label": {"type": "string"},
                                        "type": {"enum": ["default", "success", "error", "current", "new", "complete", "moved"]},
                                    },
                                },
                            },
                        },
                        {"type": "object", "required": ["type", "value"], "properties": {"type": {"const": "icon"}, "value": ICON_PAIR}},
                    ]
                },
                "metadata": {"type": "object"},
            },
        },
    },
}

USER_FIELDS = {
    "name": {"type": "string", "minLength": 1, "maxLength": 50},
    "email": {"type": "string", "minLength": 3, "maxLength": 255, "pattern": r"^[^@\s]+@[^@\s]+$"},
    "mention_name": {"type": "string", "minLength": 1, "maxLength": 50, "pattern": r"^[^\s@]+$"},
    "title": {"type": "string", "maxLength": 50},
    "roles": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 50}},
    "is_group_admin": {"type": "boolean"},
    "timezone": {"type": "string", "minLength": 1},
    "password": {"type": "string", "minLength": 1, "maxLength": 200},
}

# POST /_sandbox/api/faults (sandbox.model.faults): what a fault matches and what it does instead of the answer.
FAULT = obj(
    [],
    {
        "method": {"type": "string", "pattern": r"^(\*|[A-Za-z]+)$"},
        "path": {"type": "string", "minLength": 1, "maxLength": 512, "pattern": r"^/"},
        "pattern": {"type": "string", "minLength": 1, "maxLength": 512},
        "token_kind": {"enum": ["personal", "user", "client", "room"]},
        "addon": {"type": "string", "minLength": 1, "maxLength": 200},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "message": {"type": "string", "minLength": 1, "maxLength": 1000},
        "headers": {
            "type": "object",
            "maxProperties": 32,
            # \$, not $, in the set: fastjsonschema (the fast check) writes every unescaped $ as \Z, which a set cannot hold.
            "propertyNames": {"pattern": r"^[!#\$%&'*+.^_`|~0-9A-Za-z-]{1,100}$"},
            "additionalProperties": {"type": "string", "maxLength": 1000, "pattern": r"^[^\r\n\x00]*$"},
        },
        "reset_s": {"type": "integer", "minimum": 0, "maximum": 86400},
        "delay_ms": {"type": "integer", "minimum": 0, "maximum": 60000},
        "close": {"type": "boolean"},
        "times": {"type": ["integer", "null"], "minimum": 1},
    },
    additionalProperties=False,
)


SCHEMAS: dict[str, dict[str, Any]] = {
    "fault": FAULT,
    "create_room": obj(
        ["name"],
        {
            "name": {"type": "string", "minLength": 1, "maxLength": 50},
            "privacy": {"enum": ["public", "private"]},
            "delegate_admin_visibility": {"type": ["boolean", "null"]},
            "topic": {"type": ["string", "null"], "maxLength": 250},
            "owner_user_id": {"type": ["string", "integer"]},
            "guest_access": {"type": "boolean"},
        },
    ),
    "update_room": obj(
        ["name", "privacy", "is_archived", "is_guest_accessible", "topic", "owner"],
        {
            "name": {"type": "string", "minLength": 1, "maxLength": 50},
            "privacy": {"enum": ["public", "private"]},
            "is_archived": {"type": "boolean"},
            "is_guest_accessible": {"type": "boolean"},
            "topic": {"type": "string", "maxLength": 250},
            "owner": {"type": "object", "required": ["id"], "properties": {"id": {"type": ["string", "integer"]}}},
            "delegate_admin_visibility": {"type": ["boolean", "null"]},
        },
    ),
    "set_topic": obj(["topic"], {"topic": {"type": "string", "maxLength": 250}}),
    # send_message takes 1-1000 characters (hipchat.com/docs/apiv2/method/send_message, as quoted in Seldaek/monolog#629),
    # a tenth of send_room_notification's and private_message_user's 1-10000.
    "send_message": obj(["message"], {"message": {"type": "string", "minLength": 1, "maxLength": 1000}}),
    "send_notification": NOTIFICATION,
    "reply": obj(
        ["parentMessageId", "message"],
        {"parentMessageId": {"type": "string", "minLength": 1}, "message": {"type": "string", "minLength": 1, "maxLength": 1000}},
    ),
    "share_link": obj(["link"], {"link": URL, "message": {"type": "string", "maxLength": 1000}}),
    "share_file_metadata": obj([], {"message": {"type": "string", "maxLength": 1000}}),
    "private_message": obj(
        ["message"],
        {
            "message": {"type": "string", "minLength": 1, "maxLength": 10000},
            "notify": BOOLISH,
            "message_format": {"enum": ["html", "text"]},
        },
    ),
    "invite_to_room": obj([], {"reason": {"type": "string", "maxLength": 250}}),
    "add_member": obj([], {"room_roles": {"type": "array", "items": {"enum": ["room_admin", "room_member"]}}}),
    "create_user": obj(["name", "email"], USER_FIELDS),
    "update_user": obj(
        ["name", "mention_name", "email"],
        {
            **USER_FIELDS,
            "presence": {
                "type": "object",
                "properties": {
                    "status": {"type": ["string", "null"], "maxLength": 100},
                    "show": {"enum": ["away", "chat", "dnd", "xa", None]},
                },
            },
        },
    ),
    "photo": obj(["photo"], {"photo": {"type": "string", "minLength": 1}}),
    "avatar": obj(["avatar"], {"avatar": {"type": "string", "minLength": 1}}),
    "invite_user": obj(["email", "name"], {"email": USER_FIELDS["email"], "name": USER_FIELDS["name"], "title": USER_FIELDS["title"]}),
    "create_link": obj(["target", "ttl"], {"target": URL, "ttl": {"type": "integer", "minimum": 1, "maximum": 31_536_000}}),
    "ui_update": obj(["glance"], {"glance": {"type": "array", "items": GLANCE_UPDATE}}),
    "legacy_webhook": obj(
        ["url", "event"],
        {"name": {"type": "string", "maxLength": 100}, "url": URL, "event": {"enum": WEBHOOK_EVENTS}, "pattern": {"type": "string"}},
    ),
    "webhook_reply": NOTIFICATION,
    **{f"extension_{kind}": schema for kind, schema in EXTENSIONS.items()},
}
