"""Who may call what: the scope table for every /v2 endpoint, in one place, and the permission rule of each.

Scopes per HipChat's scope descriptions (DAC hipchat-rest-api-scopes) and the per-method notes in the references;
where a method lists several, any one of them is enough. `users_only` marks methods HipChat offers to users and
not to add-on tokens (send_message and share_file: "accessible by users"). `who` names the rule of the permission
table (`permissions.py`: which callers holding the scope HipChat let do it); every row names one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.security.permissions import (
    ANYONE,
    GLOBAL_ADDON_OWNED,
    ROOM_ADDON_OWNED,
    ROOM_MANAGERS,
    ROOM_READERS,
    Who,
)

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
    who: Who  # the permission rule: which callers with the scope may
    scopes: tuple[str, ...] = ()  # any one of these; () = any valid token
    public: bool = False  # no token needed
    users_only: bool = False

    def to(self, who: Who) -> Access:
        """The same scopes, for another rule."""
        return Access(who, self.scopes, self.public, self.users_only)


# Methods of the group: the scope decides.
PUBLIC = Access(ANYONE, public=True)
ANY_TOKEN = Access(ANYONE)
VIEW_GROUP = Access(ANYONE, ("view_group",))
ADMIN_GROUP = Access(ANYONE, ("admin_group",))
# Methods of one room: its readers, or its managers.
VIEW_ROOM = Access(ROOM_READERS, ("view_group", "view_room"))
ADMIN_ROOM = Access(ROOM_MANAGERS, ("admin_room",))
VIEW_MESSAGES = Access(ROOM_READERS, ("view_messages",))
SEND_MESSAGE = Access(ROOM_READERS, ("send_message",), users_only=True)
# Private chat is between users, not in a room.
PRIVATE_MESSAGES = VIEW_MESSAGES.to(ANYONE)
PRIVATE_SEND = SEND_MESSAGE.to(ANYONE)
# Extensions and webhooks an add-on made: that add-on (or a group admin); see permissions.py.
ADDON_OWNED_IN_ROOM = ADMIN_ROOM.to(ROOM_ADDON_OWNED)
ADDON_OWNED_GLOBAL = ADMIN_GROUP.to(GLOBAL_ADDON_OWNED)

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
    # A glance update lands in the caller's own rows (ui_updates by client), so no add-on changes another's glance here.
    "addon.ui_room": ANY_TOKEN.to(ROOM_READERS),
    "addon.ui_room_user": ANY_TOKEN.to(ROOM_READERS),
    "addon.ui_user": ANY_TOKEN,
    "extensions.get_global": VIEW_GROUP,
    # PUT on a key another add-on made replaces it: only that add-on or a group admin ([WEBHOOKS] in permissions.py).
    "extensions.put_global": ADDON_OWNED_GLOBAL,
    "extensions.delete_global": ADDON_OWNED_GLOBAL,
    "extensions.get_room_extension": VIEW_ROOM,
    # In a room: installing an integration is the room managers' ([ROLES]); changing one an add-on made, that add-on's.
    "extensions.put_room_extension": ADDON_OWNED_IN_ROOM,
    "extensions.delete_room_extension": ADDON_OWNED_IN_ROOM,
    # Reading a room's webhooks needs admin_room (the scope), then only seeing the room; deleting one is its maker's.
    "extensions.list_room_webhooks": ADMIN_ROOM.to(ROOM_READERS),
    "extensions.create_room_webhook": ADMIN_ROOM,
    "extensions.get_room_webhook": ADMIN_ROOM.to(ROOM_READERS),
    "extensions.delete_room_webhook": ADDON_OWNED_IN_ROOM,
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
    # A room's avatar is the room's managers' to change ([ROLES]: the owner manages the room's settings).
    "media.get_room_avatar": VIEW_ROOM,
    "media.update_room_avatar": ADMIN_ROOM,
    "media.delete_room_avatar": ADMIN_ROOM,
    # Private chat: the caller's own chats with the user named; no room, so the scope decides.
    "privatechat.history": PRIVATE_MESSAGES,
    "privatechat.latest": PRIVATE_MESSAGES,
    "privatechat.message": PRIVATE_MESSAGES,
    "privatechat.send": PRIVATE_SEND,
    "privatechat.share_file": PRIVATE_SEND,
    "privatechat.share_link": PRIVATE_SEND,
    "rooms.list_rooms": VIEW_ROOM.to(ANYONE),
    "rooms.create_room": Access(ANYONE, ("manage_rooms",)),
    "rooms.get_room": VIEW_ROOM,
    # [ROLES]: rename, privacy, archive, guest access, delete are the owner's (and room admins' [DC], group admins').
    "rooms.update_room": Access(ROOM_MANAGERS, ("admin_room", "manage_rooms")),
    "rooms.delete_room": Access(ROOM_MANAGERS, ("manage_rooms",)),
    "rooms.statistics": VIEW_ROOM,
    # Anyone in the room sets the topic in HipChat's apps (/topic): decided readers, with the admin_room scope.
    "rooms.set_topic": ADMIN_ROOM.to(ROOM_READERS),
    "members.list_members": VIEW_ROOM,
    # [ROLES]: "invite or remove users (if the room is private)" is the owner's; an invitation to a public room is
    # anyone's ("invite other users to join").
    "members.add_member": ADMIN_ROOM,
    "members.remove_member": ADMIN_ROOM,
    "members.participants": VIEW_ROOM,
    "members.invite": ADMIN_ROOM.to(ROOM_READERS),
    "roomchat.history": VIEW_MESSAGES,
    "roomchat.latest": VIEW_MESSAGES,
    "roomchat.message": VIEW_MESSAGES,
    "roomchat.send_message": SEND_MESSAGE,
    "roomchat.send_notification": Access(ROOM_READERS, ("send_notification",)),
    "roomchat.reply": SEND_MESSAGE,
    "roomchat.share_file": SEND_MESSAGE,
    "roomchat.share_link": SEND_MESSAGE,
}
