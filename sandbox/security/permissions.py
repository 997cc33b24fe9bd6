"""Who may do what to a room and to what add-ons made: the permission table, one rule per endpoint family.

The scope table (`access.py`) says which scope a method needs; each of its rows also names one rule here (`who`), and
a rule gives the answer HipChat gave to each kind of caller that holds the scope. `standing.py` finds which kind a
caller is for the room or extension a request names, and the gate refuses a "forbidden" answer with a 403 before the
method runs (an `auth_test=true` call gets the same answer, as HipChat's "has access to use this method" check).

Sources, and the decisions where HipChat's words stop:
- [ROLES] HipChat Server "Roles and Permissions" (confluence.atlassian.com/hcserver13/roles-and-permissions-827337736):
  "Room owners can manage the rooms they've created: rename, delete, archive or unarchive, set the room to private or
  public, enable a guest access URL, invite or remove users (if the room is private), install, configure, or remove
  room-specific integrations"; administrators manage the whole group.
- [DC] Hipchat Data Center "Roles and permissions" (ja.confluence.atlassian.com/hipchatdc3/...-915147492): "room
  administrator" is a role next to the owner's (the add_member body's `room_roles: room_admin`); "guest" is a
  non-role: a guest reaches only the rooms opened to guests.
- [ROOMS] "Chat in rooms" (hipchatdc3/chat-in-rooms-966656060): "Only people who have been invited to a private room
  can see that room. (Well, one exception is admins.)"
- [WEBHOOKS] developer.atlassian.com/server/hipchat/webhooks: add-ons register webhooks (descriptor or REST, scope
  admin_room, in the context of a room). That only the add-on that made a webhook, glance or other extension may
  change or delete it is the issue's rule (#13); HipChat's pages do not say more, so: the add-on that made it, and
  group admins with a user token (they administer every integration [ROLES]); room owners and room admins remove an
  add-on by uninstalling it, not by deleting its pieces one by one.
- Unconfirmed, decided here: the refusal messages (HipChat's exact words for these 403s are not in the sources); a
  private room a caller may not see answers 403 (the sandbox's earlier answer, kept), not 404.
"""

from __future__ import annotations

from dataclasses import dataclass

ALLOW = "allowed"
FORBID = "forbidden"

# The kinds of caller, the columns of the table. A room's "member": in a private room, listed as a member; in a public
# room, every user of the group (an open room has no member list). For a method that names no room, a user who is no
# group admin counts as a room member. "room notification token": a room_notification grant, for its own room.
GROUP_ADMIN = "group admin"
ROOM_OWNER = "room owner"
ROOM_ADMIN = "room admin"
MEMBER = "room member"
NON_MEMBER = "non-member"
GUEST = "guest"
ADDON = "add-on"  # an add-on token (client_credentials); for an extension: the add-on that made it
OTHER_ADDON = "another add-on"  # an add-on token, for an extension another add-on made
ROOM_TOKEN = "room notification token"
CALLERS = (GROUP_ADMIN, ROOM_OWNER, ROOM_ADMIN, MEMBER, NON_MEMBER, GUEST, ADDON, OTHER_ADDON, ROOM_TOKEN)


@dataclass(frozen=True, eq=False)
class Who:
    """One rule: the answer for each kind of caller, and what a refused caller is told ({room}: the room as named)."""

    name: str
    answers: dict[str, str]
    refusal: str = ""
    # For a rule about something an add-on made: the rule that applies when no add-on made it (a new key, or an
    # extension a user made).
    unowned: Who | None = None

    def answer(self, caller: str) -> str:
        return self.answers[caller]

    @property
    def restricts(self) -> bool:
        """Whether some caller holding the scope is refused (else the scope table alone decides)."""
        return self.unowned is not None or FORBID in self.answers.values()


def answers(allowed: tuple[str, ...]) -> dict[str, str]:
    return {caller: ALLOW if caller in allowed else FORBID for caller in CALLERS}


# Methods of the group, not of one room (users, emoticons, sessions, private chat, capabilities): the scope decides.
ANYONE = Who("anyone with the scope", answers(CALLERS))

# Reading a room and taking part in it (history, messages, notifications, members, topic, glances pushed to it).
# [ROOMS]: a private room is seen by its members and admins only; [DC]: a guest only in a room opened to guests.
# Add-ons see every room of their installation (a room installation only its room: the token check in standing.py).
# The topic: anyone in the room may set it in HipChat's apps (/topic), so set_topic is a reader's method here.
ROOM_READERS = Who(
    "the room's readers",
    answers((GROUP_ADMIN, ROOM_OWNER, ROOM_ADMIN, MEMBER, ADDON, OTHER_ADDON, ROOM_TOKEN)),
    "Access denied to the private room {room}",
)

# Changing the room itself: rename, privacy, archive, guest access, transfer, delete, avatar, members of a private
# room, installing integrations (webhooks, extensions) in it. [ROLES]: the room's owner and the group's admins; [DC]:
# room admins manage the room as its owner does. Add-on tokens with the scope (admin_room, manage_rooms) act for the
# group that installed them. A room notification token only sends notifications.
ROOM_MANAGERS = Who(
    "the room's managers",
    answers((GROUP_ADMIN, ROOM_OWNER, ROOM_ADMIN, ADDON, OTHER_ADDON)),
    "Only the room's owner, its room admins or a group admin may do this in room {room}",
)

# Changing or deleting a webhook, glance or other extension an add-on made [WEBHOOKS]: that add-on, or a group admin
# with a user token. Unowned (a new key, or one a user made): the room's managers.
ROOM_ADDON_OWNED = Who(
    "the add-on that made it",
    answers((GROUP_ADMIN, ADDON)),
    "Only the add-on that created this extension (or a group admin) may change or delete it",
    unowned=ROOM_MANAGERS,
)
GLOBAL_ADDON_OWNED = Who(
    "the add-on that made it (global)",
    answers((GROUP_ADMIN, ADDON)),
    "Only the add-on that created this extension (or a group admin) may change or delete it",
    unowned=ANYONE,  # a global key no add-on made: the scope (admin_group: group admins and add-ons) decides
)

RULES = (ANYONE, ROOM_READERS, ROOM_MANAGERS, ROOM_ADDON_OWNED, GLOBAL_ADDON_OWNED)
