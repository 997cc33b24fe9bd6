"""Who may call what: the scope table for every /v2 endpoint, in one place.

Scopes per HipChat's scope descriptions (DAC hipchat-rest-api-scopes) and the per-method notes in the references;
where a method lists several, any one of them is enough. `users_only` marks methods HipChat offers to users and
not to add-on tokens (send_message and share_file: "accessible by users").
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_SCOPES = (
    "admin_group",
    "admin_room",
    "import_data",
    "manage_rooms",
    "send_message",
    "send_notification",
    "view_group",
    "view_messages",
    "view_room",
)

# What each scope lets a token do, as HipChat's consent screen listed it (DAC hipchat-rest-api-scopes' descriptions).
SCOPE_DESCRIPTIONS = {
    "admin_group": "Perform group administrative tasks",
    "admin_room": "Perform room administrative tasks",
    "import_data": "Import users, rooms, and chat history",
    "manage_rooms": "Create, update, and remove rooms",
    "send_message": "Send private one-on-one messages",
    "send_notification": "Send room notifications",
    "view_group": "View users, rooms, and other group information",
    "view_messages": "View messages from chat rooms and private chats you have access to",
    "view_room": "View room information and participants, but not history",
}


@dataclass(frozen=True)
class Access:
    scopes: tuple[str, ...] = ()  # any one of these; () = any valid token
    public: bool = False  # no token needed
    users_only: bool = False


PUBLIC = Access(public=True)
ANY_TOKEN = Access()
VIEW_GROUP = Access(("view_group",))
ADMIN_GROUP = Access(("admin_group",))
VIEW_ROOM = Access(("view_group", "view_room"))
ADMIN_ROOM = Access(("admin_room",))
VIEW_MESSAGES = Access(("view_messages",))
SEND_MESSAGE = Access(("send_message",), users_only=True)

ENDPOINTS: dict[str, Access] = {
    "capabilities.capabilities": PUBLIC,
    "capabilities.addon_schema": PUBLIC,
    "oauth.generate_token": PUBLIC,
    "oauth.get_session": ANY_TOKEN,
    "oauth.delete_session": ANY_TOKEN,
    "oauth.get_client": VIEW_GROUP,
    "emoticons.list_emoticons": VIEW_GROUP,
    "emoticons.get_emoticon": VIEW_GROUP,
    "groups.get_group": VIEW_GROUP,
    "groups.get_avatar": VIEW_GROUP,
    "groups.update_avatar": ADMIN_GROUP,
    "groups.delete_avatar": ADMIN_GROUP,
    "groups.statistics": VIEW_GROUP,
    "addon.installable": PUBLIC,
    "addon.invoke_link": PUBLIC,
    "addon.create_link": ANY_TOKEN,
    "addon.delete_link": ANY_TOKEN,
    "addon.ui_group": ANY_TOKEN,
    "addon.ui_room": ANY_TOKEN,
    "addon.ui_room_user": ANY_TOKEN,
    "addon.ui_user": ANY_TOKEN,
    "extensions.get_global": VIEW_GROUP,
    "extensions.put_global": ADMIN_GROUP,
    "extensions.delete_global": ADMIN_GROUP,
    "extensions.get_room_extension": VIEW_ROOM,
    "extensions.put_room_extension": ADMIN_ROOM,
    "extensions.delete_room_extension": ADMIN_ROOM,
    "extensions.list_room_webhooks": ADMIN_ROOM,
    "extensions.create_room_webhook": ADMIN_ROOM,
    "extensions.get_room_webhook": ADMIN_ROOM,
    "extensions.delete_room_webhook": ADMIN_ROOM,
    "users.invite_to_group": ADMIN_GROUP,
    "users.list_users": VIEW_GROUP,
    "users.create_user": ADMIN_GROUP,
    "users.get_user": VIEW_GROUP,
    "users.update_user": ADMIN_GROUP,
    "users.delete_user": ADMIN_GROUP,
    "users.auto_join": VIEW_GROUP,
    "media.get_photo": VIEW_GROUP,
    "media.update_photo": ADMIN_GROUP,
    "media.delete_photo": ADMIN_GROUP,
    "media.get_room_avatar": VIEW_ROOM,
    "media.update_room_avatar": ADMIN_ROOM,
    "media.delete_room_avatar": ADMIN_ROOM,
    "privatechat.history": VIEW_MESSAGES,
    "privatechat.latest": VIEW_MESSAGES,
    "privatechat.message": VIEW_MESSAGES,
    "privatechat.send": SEND_MESSAGE,
    "privatechat.share_file": SEND_MESSAGE,
    "privatechat.share_link": SEND_MESSAGE,
    "rooms.list_rooms": VIEW_ROOM,
    "rooms.create_room": Access(("manage_rooms",)),
    "rooms.get_room": VIEW_ROOM,
    "rooms.update_room": Access(("admin_room", "manage_rooms")),
    "rooms.delete_room": Access(("manage_rooms",)),
    "rooms.statistics": VIEW_ROOM,
    "rooms.set_topic": ADMIN_ROOM,
    "members.list_members": VIEW_ROOM,
    "members.add_member": ADMIN_ROOM,
    "members.remove_member": ADMIN_ROOM,
    "members.participants": VIEW_ROOM,
    "members.invite": ADMIN_ROOM,
    "roomchat.history": VIEW_MESSAGES,
    "roomchat.latest": VIEW_MESSAGES,
    "roomchat.message": VIEW_MESSAGES,
    "roomchat.send_message": SEND_MESSAGE,
    "roomchat.send_notification": Access(("send_notification",)),
    "roomchat.reply": SEND_MESSAGE,
    "roomchat.share_file": SEND_MESSAGE,
    "roomchat.share_link": SEND_MESSAGE,
}
