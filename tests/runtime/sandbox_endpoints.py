"""The sandbox endpoint each catalog function calls, to hold the catalog's access against the scope table the sandbox enforces.

Only the sandbox's ENDPOINTS and ALL_SCOPES are read; `sandbox_access()` finds them where the module lives now or
where it is moving (sandbox/security/access.py).
"""

from __future__ import annotations

import importlib
from types import ModuleType

GLOBAL_KINDS = ("GlobalAction", "GlobalDialog", "GlobalExternalPage", "GlobalGlance", "GlobalWebPanel", "GlobalWebhook")
ROOM_KINDS = ("RoomAction", "RoomDialog", "RoomExternalPage", "RoomGlance", "RoomWebPanel", "RoomWebhook")


def sandbox_access() -> ModuleType:
    for name in ("sandbox.security.access", "sandbox.access"):
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name not in (name, name.rsplit(".", 1)[0]):
                raise
    raise ModuleNotFoundError("the sandbox's access table is neither at sandbox/security/access.py nor at sandbox/access.py")


# function -> the sandbox route it reaches (blueprint.view), as the catalog's method and path meet the sandbox's routes
FUNCTION_ENDPOINTS: dict[str, str] = {
    "getAccessToken": "oauth.generate_token",
    "getCapabilities": "capabilities.capabilities",
    "getAddonCapabilitiesSchema": "capabilities.addon_schema",
    "getEmoticon": "emoticons.get_emoticon",
    "getAllEmoticons": "emoticons.list_emoticons",
    **{f"get{kind}": "extensions.get_global" for kind in GLOBAL_KINDS},
    **{f"create{kind}": "extensions.put_global" for kind in GLOBAL_KINDS},
    **{f"delete{kind}": "extensions.delete_global" for kind in GLOBAL_KINDS},
    **{f"get{kind}": "extensions.get_room_extension" for kind in ROOM_KINDS},
    **{f"create{kind}": "extensions.put_room_extension" for kind in ROOM_KINDS},
    **{f"delete{kind}": "extensions.delete_room_extension" for kind in ROOM_KINDS},
    "getGroup": "groups.get_group",
    "getGroupAvatar": "groups.get_avatar",
    "updateGroupAvatar": "groups.update_avatar",
    "deleteGroupAvatar": "groups.delete_avatar",
    "getGroupStatistics": "groups.statistics",
    "getIntegrationInstallableData": "addon.installable",
    "invokeIntegrationLink": "addon.invoke_link",
    "deleteIntegrationLink": "addon.delete_link",
    "createIntegrationLink": "addon.create_link",
    "pushUIChangesToGroup": "addon.ui_group",
    "pushUIChangesToRoom": "addon.ui_room",
    "pushUIChangesToUserInRoom": "addon.ui_room_user",
    "pushUIChangesToUser": "addon.ui_user",
    "inviteUserToGroup": "users.invite_to_group",
    "getAutoJoinRooms": "users.auto_join",
    "getAllUsers": "users.list_users",
    "createUser": "users.create_user",
    "getUser": "users.get_user",
    "updateUser": "users.update_user",
    "deleteUser": "users.delete_user",
    "getPrivatechatMessage": "privatechat.message",
    "getPrivatechatHistory": "privatechat.history",
    "getRecentPrivatechatHistory": "privatechat.latest",
    "sendPrivateMessage": "privatechat.send",
    "getPhoto": "media.get_photo",
    "updatePhoto": "media.update_photo",
    "deletePhoto": "media.delete_photo",
    "shareFileWithUser": "privatechat.share_file",
    "shareLinkWithUser": "privatechat.share_link",
    "getRoom": "rooms.get_room",
    "updateRoom": "rooms.update_room",
    "deleteRoom": "rooms.delete_room",
    "getAllRooms": "rooms.list_rooms",
    "createRoom": "rooms.create_room",
    "getRoomMessage": "roomchat.message",
    "getRoomHistory": "roomchat.history",
    "getRecentRoomHistory": "roomchat.latest",
    "inviteUserToRoom": "members.invite",
    "addMemberToRoom": "members.add_member",
    "removeMemberFromRoom": "members.remove_member",
    "getRoomAllMembers": "members.list_members",
    "sendMessageToRoom": "roomchat.send_message",
    "sendRoomNotification": "roomchat.send_notification",
    "getRoomtAllParticipants": "members.participants",
    "replyToMessageInRoom": "roomchat.reply",
    "shareFileWithRoom": "roomchat.share_file",
    "shareLinkWithRoom": "roomchat.share_link",
    "getRoomStatistics": "rooms.statistics",
    "setRoomTopic": "rooms.set_topic",
    "getRoomAllWebhooks": "extensions.list_room_webhooks",
    "getSession": "oauth.get_session",
    "deleteSession": "oauth.delete_session",
}
