"""End to end: all 93 functions through the runtime (gunicorn) into the sandbox (gunicorn), then what the writes changed.

One scenario creates first what each call needs (rooms, users, messages, an add-on token), calls every function once
or more, and records each envelope; the tests below read the record and the sandbox's state back.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from runtime.catalog.loading import load_catalog
from runtime.config import ROOT

PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
NOTES = b"E2E release notes\n"
GLANCE = [
    {
        "key": "e2e-glance",
        "content": {
            "label": {"type": "html", "value": "<b>3</b> builds"},
            "status": {"type": "lozenge", "value": {"type": "success", "label": "green"}},
        },
    }
]
CARD = {
    "cardStyle": "application",
    "cardId": "e2e-build-7",
    "cardTitle": "Build 7 passed",
    "cardFormat": "medium",
    "cardUrl": "https://ci.example.com/builds/7",
    "cardDescriptionValue": "All <b>412</b> tests passed",
    "cardDescriptionFormat": "html",
    "cardAttributes": [{"label": "branch", "value": {"label": "main", "style": "lozenge-success"}}],
    "cardIconUrl": "https://ci.example.com/icon.png",
    "cardIconUrl2x": "https://ci.example.com/icon@2x.png",
    "cardThumbnailUrl": "https://ci.example.com/thumb.png",
    "cardThumbnailWidth": 64,
    "cardThumbnailHeight": 64,
    "cardActivityHtml": "<b>CI</b> finished build 7",
}


@dataclass
class Scenario:
    runtime_url: str
    sandbox_url: str
    token: str
    calls: dict[str, list[tuple[int, dict]]] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def post(self, function: str, args: dict[str, Any]) -> tuple[int, dict]:
        """POST a call through the runtime; authToken is the stack's token unless given (None: no token at all)."""
        args.setdefault("authToken", self.token)
        if args["authToken"] is None:
            del args["authToken"]
        response = requests.post(f"{self.runtime_url}/api/HipChat/{function}", json={"args": args}, timeout=30)
        return response.status_code, response.json()

    def call(self, function: str, **args: Any) -> Any:
        """Call a function and return contextWrites.to; a non-success envelope stops the scenario."""
        status, envelope = self.post(function, args)
        self.calls.setdefault(function, []).append((status, envelope))
        assert (status, envelope["callback"]) == (200, "success"), f"{function}: {status} {envelope}"
        return envelope["contextWrites"]["to"]

    def fails(self, function: str, **args: Any) -> dict:
        """A call that must fail (e.g. reading what was deleted): its error payload."""
        status, envelope = self.post(function, args)
        assert envelope["callback"] == "error", f"{function} should have failed: {envelope}"
        return {"http_status": status, **envelope["contextWrites"]["to"]}


def run(s: Scenario, stack) -> None:
    unique = uuid.uuid4().hex[:8]
    v = s.values

    # Capabilities and OAuth
    v["capabilities"] = s.call("getCapabilities", authToken=None)
    v["schema"] = s.call("getAddonCapabilitiesSchema", authToken=None, draft="v4")
    grant = s.call(
        "getAccessToken",
        authToken=None,
        grantType="client_credentials",
        clientId=stack.oauth_client_id,
        clientSecret=stack.oauth_client_secret,
        scope="send_notification view_group view_room admin_room",
    )
    addon_token = v["addon_token"] = grant["access_token"]
    v["group_id"] = grant["group_id"]
    v["session"] = s.call("getSession", accessToken=addon_token)

    # Emoticons and the group
    emoticons = s.call("getAllEmoticons", maxResults=5, type="all")
    v["emoticon"] = s.call("getEmoticon", emoticonIdOrKey=emoticons["items"][0]["shortcut"])
    v["group"] = s.call("getGroup", groupId=v["group_id"])
    v["group_statistics"] = s.call("getGroupStatistics", groupId=v["group_id"])
    s.call("updateGroupAvatar", groupId=v["group_id"], avatar=PNG)
    v["group_avatar_url"] = s.call("getGroupAvatar", groupId=v["group_id"])
    v["group_avatar"] = requests.get(v["group_avatar_url"], timeout=10).content
    s.call("deleteGroupAvatar", groupId=v["group_id"])

    # Rooms
    room_name = v["room_name"] = f"E2E Room/{unique} #1"
    v["room_id"] = room = s.call("createRoom", name=room_name, privacy="public", topic="created by e2e")["id"]
    v["room_by_name"] = s.call("getRoom", roomIdOrName=room_name)
    s.call("updateRoom", roomIdOrName=room, topic="updated by updateRoom", isGuestAccessible=True)
    v["room_after_update"] = s.call("getRoom", roomIdOrName=room)
    s.call("setRoomTopic", roomIdOrName=room, topic="set by setRoomTopic")
    v["room_after_topic"] = s.call("getRoom", roomIdOrName=room)
    v["all_rooms"] = s.call("getAllRooms", maxResults=1000, includePrivate=True)

    # Room messages
    v["message"] = s.call("sendMessageToRoom", roomIdOrName=room, message=f"hello @bob from e2e {unique}")
    s.call(
        "sendRoomNotification",
        roomIdOrName=room,
        message="Build 7 passed",
        color="green",
        notify=True,
        messageFormat="text",
        **{"from": "CI"},
        **CARD,
    )
    s.call("replyToMessageInRoom", roomIdOrName=room, parentMessageId=v["message"]["id"], message="a reply from e2e")
    s.call("shareLinkWithRoom", roomIdOrName=room, link="https://example.com/e2e", message="a link from e2e")
    file_uri = "data:text/plain;name=e2e-notes.txt;base64," + base64.b64encode(NOTES).decode()
    s.call("shareFileWithRoom", roomIdOrName=room, file=file_uri, message="a file from e2e")
    v["room_message"] = s.call("getRoomMessage", roomIdOrName=room, messageId=v["message"]["id"])
    v["history"] = s.call("getRoomHistory", roomIdOrName=room, maxResults=50, reverse=True)
    v["recent"] = s.call("getRecentRoomHistory", roomIdOrName=room, maxResults=3)
    v["room_statistics"] = s.call("getRoomStatistics", roomIdOrName=room)

    # Members and participants
    private = v["private_id"] = s.call("createRoom", name=f"E2E Private {unique}", privacy="private")["id"]
    s.call("addMemberToRoom", roomIdOrName=private, userIdOrEmail="bob@sandbox.local", roomRoles=["room_member"])
    v["members_after_add"] = s.call("getRoomAllMembers", roomIdOrName=private, maxResults=100)
    s.call("removeMemberFromRoom", roomIdOrName=private, userIdOrEmail="bob@sandbox.local")
    v["members_after_remove"] = s.call("getRoomAllMembers", roomIdOrName=private, maxResults=100)
    s.call("inviteUserToRoom", roomIdOrName=room, userIdOrEmail="@carol", reason="join the e2e room")
    v["participants"] = s.call("getRoomtAllParticipants", roomIdOrName="General", includeOffline=True, maxResults=100)

    # Room extensions, each created, read and deleted
    extension = {"roomIdOrName": room}
    s.call(
        "createRoomAction",
        **extension,
        key="e2e-action",
        nameValue="Deploy",
        targetKey="e2e-dialog",
        location="hipchat.message.action",
        weight=10,
    )
    v["room_action"] = s.call("getRoomAction", **extension, key="e2e-action")
    s.call(
        "createRoomDialog",
        **extension,
        key="e2e-dialog",
        url="https://bot.example.com/dialog",
        titleValue="Deploy",
        optionsStyle="warning",
        optionsPrimaryActionNameValue="Go",
        optionsPrimaryActionEnabled=True,
        optionsSizeWidth="600px",
        optionsSizeHeight="50%",
    )
    v["room_dialog"] = s.call("getRoomDialog", **extension, key="e2e-dialog")
    s.call("createRoomExternalPage", **extension, key="e2e-page", url="https://bot.example.com/page", nameValue="Docs")
    v["room_page"] = s.call("getRoomExternalPage", **extension, key="e2e-page")
    s.call(
        "createRoomGlance",
        **extension,
        key="e2e-glance",
        nameValue="Builds",
        queryUrl="https://bot.example.com/glance",
        iconUrl="https://bot.example.com/i.png",
        iconUrl2x="https://bot.example.com/i@2x.png",
        targetKey="e2e-panel",
    )
    v["room_glance"] = s.call("getRoomGlance", **extension, key="e2e-glance")
    s.call("createRoomWebPanel", **extension, key="e2e-panel", nameValue="Panel", url="https://bot.example.com/panel")
    v["room_panel"] = s.call("getRoomWebPanel", **extension, key="e2e-panel")
    s.call(
        "createRoomWebhook",
        **extension,
        key="e2e-hook",
        url="https://bot.example.com/hook",
        event="room_message",
        pattern="^/e2e",
        name="e2e hook",
    )
    v["room_webhook"] = s.call("getRoomWebhook", **extension, key="e2e-hook")
    v["room_webhooks"] = s.call("getRoomAllWebhooks", **extension, maxResults=10)
    for kind, key in [
        ("Action", "e2e-action"),
        ("Dialog", "e2e-dialog"),
        ("ExternalPage", "e2e-page"),
        ("Glance", "e2e-glance"),
        ("WebPanel", "e2e-panel"),
        ("Webhook", "e2e-hook"),
    ]:
        s.call(f"deleteRoom{kind}", **extension, key=key)
    v["deleted_room_action"] = s.fails("getRoomAction", **extension, key="e2e-action")

    # Global extensions
    g = f"e2e-{unique}"
    s.call("createGlobalAction", key=g, nameValue="Deploy", targetKey=g, location="hipchat.input.action")
    v["global_action"] = s.call("getGlobalAction", key=g)
    s.call("createGlobalDialog", key=g, url="https://bot.example.com/dialog", titleValue="Deploy", optionsHintValue="Pick a build")
    v["global_dialog"] = s.call("getGlobalDialog", key=g)
    s.call("createGlobalExternalPage", key=g, url="https://bot.example.com/page", nameValue="Docs")
    v["global_page"] = s.call("getGlobalExternalPage", key=g)
    s.call(
        "createGlobalGlance",
        key=g,
        nameValue="Builds",
        iconUrl="https://bot.example.com/i.png",
        iconUrl2x="https://bot.example.com/i@2x.png",
        conditions=[{"condition": "room_is_public", "invert": False}],
    )
    v["global_glance"] = s.call("getGlobalGlance", key=g)
    s.call("createGlobalWebPanel", key=g, nameValue="Panel", url="https://bot.example.com/panel")
    v["global_panel"] = s.call("getGlobalWebPanel", key=g)
    s.call("createGlobalWebhook", key=g, url="https://bot.example.com/hook", event="room_created", name="e2e global hook")
    v["global_webhook"] = s.call("getGlobalWebhook", key=g)
    for kind in ("Action", "Dialog", "ExternalPage", "Glance", "WebPanel", "Webhook"):
        s.call(f"deleteGlobal{kind}", key=g)

    # Add-on UI pushes, integration links, installable data
    s.call("pushUIChangesToGroup", authToken=addon_token, glance=GLANCE)
    s.call("pushUIChangesToRoom", authToken=addon_token, roomIdOrName=room, glance=GLANCE)
    s.call("pushUIChangesToUserInRoom", authToken=addon_token, roomIdOrName=room, userIdOrEmail="bob@sandbox.local", glance=GLANCE)
    s.call("pushUIChangesToUser", authToken=addon_token, userIdOrName="@bob", glance=GLANCE)
    link = v["link"] = s.call("createIntegrationLink", target="https://bot.example.com/linked", ttl=600)
    v["link_target"] = s.call("invokeIntegrationLink", authToken=None, token=link["token"])
    s.call("deleteIntegrationLink", token=link["token"])
    admin = {"Authorization": f"Bearer {stack.token}"}
    addons_url = f"{stack.sandbox_url}/_sandbox/api/addons"
    installed = requests.post(addons_url, json={"key": f"e2e-addon-{unique}"}, headers=admin, timeout=10).json()
    *_, addon_key, _, install_token = urlsplit(installed["installable_url"]).path.split("/")
    v["installable"] = s.call("getIntegrationInstallableData", authToken=None, token=install_token, integrationIdOrKey=addon_key)
    v["installable_again"] = s.fails("getIntegrationInstallableData", authToken=None, token=install_token, integrationIdOrKey=addon_key)

    # Users
    email = v["user_email"] = f"e2e-{unique}@example.com"
    s.call("inviteUserToGroup", email=f"invited-{unique}@example.com", name="Invited E2E", title="Guest speaker")
    created = v["created_user"] = s.call(
        "createUser",
        name="E2E User",
        email=email,
        mentionName=f"e2e{unique}",
        title="Tester",
        roles=["user"],
        timezone="Europe/Paris",
        password="a long password",
    )
    user = created["id"]
    s.call("updateUser", idOrEmail=email, title="Release tester", presenceStatus="Testing")
    v["user_after_update"] = s.call("getUser", idOrEmail=user)
    s.call("updatePhoto", idOrEmail=email, photo=PNG)
    v["photo_url"] = s.call("getPhoto", idOrEmail=email, size="big")
    s.call("deletePhoto", idOrEmail=email)
    v["auto_join"] = s.call("getAutoJoinRooms", idOrEmail="admin@sandbox.local", maxResults=10)
    v["all_users"] = s.call("getAllUsers", maxResults=1000, includeGuests=True)
    s.call("deleteUser", idOrEmail=user)
    v["deleted_user"] = s.call("getUser", idOrEmail=user)  # HipChat keeps deleted users, marked

    # Private chat with Bob
    s.call("sendPrivateMessage", idOrEmail="@bob", message=f"private hello {unique}", notify=True, messageFormat="text")
    s.call("shareLinkWithUser", idOrName="@bob", link="https://example.com/private", message="a private link")
    s.call("shareFileWithUser", idOrName="bob@sandbox.local", file=file_uri, message="a private file")
    v["private_history"] = s.call("getPrivatechatHistory", idOrEmail="@bob", maxResults=20, reverse=False)
    newest = v["private_history"]["items"][-1]
    v["private_message"] = s.call("getPrivatechatMessage", idOrName="@bob", messageId=newest["id"])
    v["private_recent"] = s.call("getRecentPrivatechatHistory", idOrEmail="@bob", maxResults=5)

    # Tear down what the scenario made
    s.call("deleteRoom", roomIdOrName=private)
    v["deleted_room"] = s.fails("getRoom", roomIdOrName=private)
    s.call("deleteSession", accessToken=addon_token)
    v["deleted_session"] = s.fails("getRoom", authToken=addon_token, roomIdOrName=room)


@pytest.fixture(scope="module")
def scenario(live_stack) -> Scenario:
    s = Scenario(live_stack.runtime_url, live_stack.sandbox_url, live_stack.token)
    run(s, live_stack)
    return s


def test_every_function_answers_success_through_the_runtime(scenario):
    catalog = load_catalog(ROOT / "metadata.json")
    assert sorted(scenario.calls) == sorted(catalog.functions)
    for function, calls in scenario.calls.items():
        assert all(status == 200 and envelope["callback"] == "success" for status, envelope in calls), function


def test_room_writes_are_read_back(scenario):
    v = scenario.values
    assert v["room_by_name"]["id"] == v["room_id"]
    assert v["room_by_name"]["name"] == v["room_name"]
    assert v["room_after_update"]["topic"] == "updated by updateRoom"
    assert v["room_after_update"]["is_guest_accessible"] is True
    assert v["room_after_update"]["privacy"] == "public", "updateRoom must keep what the caller left out"
    assert v["room_after_topic"]["topic"] == "set by setRoomTopic"
    assert v["room_id"] in [room["id"] for room in v["all_rooms"]["items"]]


def test_messages_of_every_kind_appear_in_the_history(scenario):
    v = scenario.values
    items = v["history"]["items"]
    by_text = {item["message"]: item for item in items}
    assert by_text[v["room_message"]["message"]["message"]]["id"] == v["message"]["id"]
    notification = by_text["Build 7 passed"]
    assert (notification["type"], notification["color"], notification["from"]) == ("notification", "green", "CI")
    assert notification["card"]["title"] == "Build 7 passed"
    assert notification["card"]["thumbnail"]["url"] == "https://ci.example.com/thumb.png"
    assert "a reply from e2e" in by_text
    assert any(link["url"] == "https://example.com/e2e" for link in by_text["a link from e2e"].get("message_links", []))
    shared = by_text["a file from e2e"]["file"]
    assert shared["name"] == "e2e-notes.txt"
    assert requests.get(shared["url"], timeout=10).content == NOTES
    assert [item["message"] for item in v["recent"]["items"]][-1] == "a file from e2e"
    assert v["room_statistics"]["messages_sent"] >= 5


def test_members_and_participants_follow_the_changes(scenario):
    v = scenario.values
    assert "bob" in [m["mention_name"] for m in v["members_after_add"]["items"]]
    assert "bob" not in [m["mention_name"] for m in v["members_after_remove"]["items"]]
    assert v["participants"]["items"], "General has participants in the demo data"


def test_extensions_are_stored_as_sent_and_gone_after_delete(scenario):
    v = scenario.values
    assert v["room_action"]["name"]["value"] == "Deploy"
    assert v["room_action"]["target"]["key"] == "e2e-dialog"
    assert v["room_dialog"]["options"]["size"] == {"width": "600px", "height": "50%"}
    assert v["room_dialog"]["options"]["primaryAction"]["name"]["value"] == "Go"
    assert v["room_glance"]["icon"]["url@2x"] == "https://bot.example.com/i@2x.png"
    assert v["room_panel"]["location"] == "hipchat.sidebar.right"
    assert v["room_webhook"]["pattern"] == "^/e2e"
    assert "e2e-hook" in [hook.get("key") for hook in v["room_webhooks"]["items"]]
    assert v["deleted_room_action"]["upstream_status"] == 404
    assert v["global_dialog"]["options"]["hint"]["value"] == "Pick a build"
    assert v["global_glance"]["conditions"] == [{"condition": "room_is_public", "invert": False}]


def test_users_writes_are_read_back(scenario):
    v = scenario.values
    user = v["user_after_update"]
    assert (user["email"], user["title"], user["timezone"]) == (v["user_email"], "Release tester", "Europe/Paris")
    assert user["presence"]["status"] == "Testing"
    assert v["created_user"]["id"] in [u["id"] for u in v["all_users"]["items"]]
    assert v["deleted_user"]["is_deleted"] is True
    assert v["photo_url"].startswith(scenario.sandbox_url)
    assert v["auto_join"]["items"]


def test_group_avatar_round_trips(scenario):
    v = scenario.values
    assert v["group_avatar"] == base64.b64decode(PNG.split(",", 1)[1])
    assert v["group"]["id"] == v["group_id"]
    assert v["group_statistics"]["users"] >= 1


def test_private_chat_holds_message_link_and_file(scenario):
    v = scenario.values
    texts = [item["message"] for item in v["private_history"]["items"]]
    assert any(text.startswith("private hello") for text in texts)
    assert "a private link" in texts
    assert v["private_message"]["message"]["id"] == v["private_history"]["items"][-1]["id"]
    assert v["private_recent"]["items"]


def test_oauth_integration_and_addon_flows(scenario):
    v = scenario.values
    assert v["session"]["access_token"] == v["addon_token"]
    assert v["link_target"] == "https://bot.example.com/linked"
    assert {"oauthId", "oauthSecret", "capabilitiesUrl"} <= set(v["installable"])
    assert v["installable_again"]["upstream_status"] in (403, 404)
    assert v["deleted_session"]["upstream_status"] == 401
    assert v["deleted_room"]["upstream_status"] == 404
    assert json.dumps(v["capabilities"]).count("oauth2Provider") == 1
