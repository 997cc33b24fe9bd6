"""A world with one caller of every kind the permission table names, around one private room, made over HTTP.

"Perm Room" is private and owned by @bob; @rita is its room admin, @carol a member; @nina is in the group but not in
the room; @dave is a guest. The group admin is the seeded admin (not the room's owner). The seeded add-on made a
webhook and a glance in the room and a global glance; a second add-on is installed next to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from sandbox.admin.demo import DEMO_PASSWORD
from sandbox.security import permissions
from sandbox.security.access import ALL_SCOPES
from tests.sandbox.conftest import ADMIN_TOKEN, Api, basic, client_token, create_room, make_app, stop, user_token

ROOM = "Perm Room"
WEBHOOK_KEY = "addon-hook"
GLANCE_KEY = "addon-glance"
WEBHOOK = {"url": "https://addon.example/hook", "event": "room_message", "name": "hook"}
ICON = {"url": "https://addon.example/i.png", "url@2x": "https://addon.example/i@2x.png"}
GLANCE = {"name": {"value": "Status"}, "queryUrl": "https://addon.example/glance", "icon": ICON, "target": "panel"}
WITHOUT_SCOPE = "add-on without the scope"
NON_ADMIN_SCOPES = tuple(s for s in ALL_SCOPES if s not in ("admin_group", "import_data"))


@dataclass
class World:
    api: Api
    room_id: int
    webhook_id: int
    tokens: dict[str, str] = field(default_factory=dict)  # caller kind -> token
    scopes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # caller kind -> what its token holds
    other_addon: str = ""

    def as_(self, caller: str) -> Api:
        return self.api.with_token(self.tokens[caller])


def new_user(api: Api, name: str, mention: str) -> None:
    body = {"name": name, "mention_name": mention, "email": f"{mention}@sandbox.local", "password": DEMO_PASSWORD}
    assert api.post("/v2/user", body).status_code == 201


def second_addon(api: Api) -> tuple[str, str]:
    """Installed by the admin; its secret read once from its installable URL, as an add-on reads it."""
    made = api.post("/_sandbox/api/addons", {"key": "other-addon", "name": "Other add-on"})
    assert made.status_code == 201, made.get_json()
    installable = made.get_json()["installable_url"].replace("http://sandbox.test", "")
    data = api.with_token(None).get(installable).get_json()
    return data["oauthId"], data["oauthSecret"]


def build_world(api: Api) -> World:
    new_user(api, "Rita Roomadmin", "rita")
    new_user(api, "Nina Outside", "nina")
    room_id = create_room(api, ROOM, privacy="private", owner_user_id="@bob")
    assert api.put(f"/v2/room/{room_id}/member/@rita", {"room_roles": ["room_admin"]}).status_code == 204
    assert api.put(f"/v2/room/{room_id}/member/@carol").status_code == 204
    addon = api.with_token(client_token(api))
    assert addon.put(f"/v2/room/{room_id}/extension/webhook/{WEBHOOK_KEY}", WEBHOOK).status_code == 201
    assert addon.put(f"/v2/room/{room_id}/extension/glance/{GLANCE_KEY}", GLANCE).status_code == 201
    assert addon.put(f"/v2/extension/glance/{GLANCE_KEY}", GLANCE).status_code == 201
    webhook_id = addon.get(f"/v2/room/{room_id}/extension/webhook/{WEBHOOK_KEY}").get_json()["id"]
    other_id, other_secret = second_addon(api)
    room_token = api.client.post(
        "/v2/oauth/token", data={"grant_type": "room_notification", "room_id": str(room_id)}, headers=basic()
    ).get_json()["access_token"]
    world = World(api, room_id, webhook_id, other_addon=other_id)
    users = {
        permissions.ROOM_OWNER: "bob",
        permissions.ROOM_ADMIN: "rita",
        permissions.MEMBER: "carol",
        permissions.NON_MEMBER: "nina",
        permissions.GUEST: "dave",
    }
    for caller, mention in users.items():
        world.tokens[caller] = user_token(api, f"@{mention}", DEMO_PASSWORD)
        world.scopes[caller] = NON_ADMIN_SCOPES
    world.tokens[permissions.GROUP_ADMIN] = ADMIN_TOKEN
    world.scopes[permissions.GROUP_ADMIN] = ALL_SCOPES
    world.tokens[permissions.ADDON] = client_token(api)
    world.scopes[permissions.ADDON] = ALL_SCOPES
    world.tokens[permissions.OTHER_ADDON] = other_client_token(api, other_id, other_secret)
    world.scopes[permissions.OTHER_ADDON] = ALL_SCOPES
    world.tokens[permissions.ROOM_TOKEN] = room_token
    world.scopes[permissions.ROOM_TOKEN] = ("send_notification",)
    return world


def other_client_token(api: Api, client_id: str, secret: str) -> str:
    response = api.client.post("/v2/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(client_id, secret))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["access_token"]


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    app = make_app()
    try:
        yield build_world(Api(app.test_client()))
    finally:
        stop(app)


@pytest.fixture
def fresh_world() -> Iterator[World]:
    """The same world for a test that changes it."""
    app = make_app()
    try:
        yield build_world(Api(app.test_client()))
    finally:
        stop(app)
