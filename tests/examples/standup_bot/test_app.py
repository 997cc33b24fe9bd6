"""The Standup bot's routes: descriptor, installation and uninstallation, the /standup command and its card and glance."""

from __future__ import annotations

import pytest

from tests.examples.standup_bot.conftest import PUBLIC_URL, Installed, deliver, event, install, sign


def test_healthz_answers(bot):
    assert bot.get("/healthz").get_json() == {"ok": True}


def test_an_installation_is_kept_once_its_credentials_get_a_token(bot, runtime):
    installed = install(bot)
    (granted,) = runtime.named("getAccessToken")
    assert granted == {
        "grantType": "client_credentials",
        "clientId": installed.oauth_id,
        "clientSecret": installed.secret,
        "scope": "send_notification",
    }
    (pushed,) = runtime.named("pushUIChangesToRoom")
    assert pushed["roomIdOrName"] == "7" and pushed["glance"][0]["content"]["label"]["value"] == "<b>0</b> notes"
    assert deliver(bot, event("/standup hi"), sign(installed)).status_code == 204


def test_an_installation_from_another_hipchat_is_refused(bot, runtime):
    body = {"oauthId": "x", "oauthSecret": "y", "capabilitiesUrl": "http://elsewhere.test/v2/capabilities", "groupId": 1}
    response = bot.post("/installable", json=body)
    assert response.status_code == 400 and "does not talk to" in response.get_json()["error"]
    assert runtime.named("getAccessToken") == []


def test_credentials_that_get_no_token_are_refused_and_forgotten(bot, runtime):
    runtime.failing.add("getAccessToken")
    forged = Installed("forged", "a-secret-nobody-issued-of-some-length-x", 7)
    body = {
        "oauthId": forged.oauth_id,
        "oauthSecret": forged.secret,
        "capabilitiesUrl": "http://hipchat.test/v2/capabilities",
        "groupId": 1,
    }
    assert bot.post("/installable", json=body).status_code == 400
    runtime.failing.clear()
    assert deliver(bot, event("/standup hi"), sign(forged)).status_code == 401


@pytest.mark.parametrize("missing", ["oauthId", "oauthSecret", "capabilitiesUrl", "groupId"])
def test_an_installation_missing_a_field_is_a_400(bot, missing):
    body = {"oauthId": "a", "oauthSecret": "b", "capabilitiesUrl": "http://hipchat.test/v2/capabilities", "groupId": 1}
    del body[missing]
    assert bot.post("/installable", json=body).status_code == 400


def test_standup_records_the_note_sends_a_card_and_updates_the_glance(bot, runtime):
    installed = install(bot)
    response = deliver(bot, event("/standup shipped the parser", oauth_id=installed.oauth_id), sign(installed))
    assert response.status_code == 204
    (card,) = runtime.named("sendRoomNotification")
    assert card["authToken"].startswith("token-")
    assert (card["roomIdOrName"], card["cardStyle"], card["cardTitle"], card["cardDescriptionValue"]) == (
        "7",
        "application",
        "Standup · Bob Builder",
        "shipped the parser",
    )
    assert card["cardAttributes"] == [{"label": "notes", "value": {"label": "1", "style": "lozenge-current"}}]
    deliver(bot, event("/standup reviewing PRs"), sign(installed))
    glance = runtime.named("pushUIChangesToRoom")[-1]["glance"][0]
    assert (glance["key"], glance["content"]["label"]["value"]) == ("standup-notes", "<b>2</b> notes")


def test_a_retried_delivery_keeps_one_note(bot, runtime):
    installed = install(bot)
    payload = event("/standup once", message_id="same-message")
    deliver(bot, payload, sign(installed))
    deliver(bot, payload, sign(installed))  # HipChat retries with a fresh JWT
    assert [c["cardAttributes"][0]["value"]["label"] for c in runtime.named("sendRoomNotification")] == ["1", "1"]


def test_standup_without_text_answers_the_usage_as_a_reply(bot, runtime):
    installed = install(bot)
    response = deliver(bot, event("/standup   "), sign(installed))
    assert response.status_code == 200 and response.get_json()["message"].startswith("Usage: /standup")
    assert runtime.named("sendRoomNotification") == []


def test_a_runtime_failure_is_a_502_so_hipchat_retries(bot, runtime):
    installed = install(bot)
    runtime.failing.add("sendRoomNotification")
    assert deliver(bot, event("/standup later"), sign(installed)).status_code == 502


def test_an_event_for_another_room_or_installation_is_refused(bot):
    installed = install(bot)
    assert deliver(bot, event("/standup hi", room_id=8), sign(installed, room_id=7)).status_code == 401
    assert deliver(bot, event("/standup hi", room_id=8), sign(installed, room_id=8)).status_code == 403
    assert deliver(bot, event("/standup hi", oauth_id="someone-else"), sign(installed)).status_code == 401


def test_an_uninstall_after_hipchat_revoked_the_client_forgets_the_installation(bot, runtime):
    installed = install(bot)
    runtime.revoked.add(installed.oauth_id)
    assert bot.delete(f"/installable/{installed.oauth_id}").status_code == 204
    assert runtime.named("getAccessToken")[-1]["clientId"] == installed.oauth_id, "asked HipChat, not its kept token"
    assert deliver(bot, event("/standup hi"), sign(installed)).status_code == 401


def test_an_uninstall_while_the_credentials_still_work_is_refused_and_keeps_the_installation(bot, runtime):
    installed = install(bot)
    response = bot.delete(f"/installable/{installed.oauth_id}")
    assert response.status_code == 403 and "still work" in response.get_json()["error"]
    assert deliver(bot, event("/standup hi"), sign(installed)).status_code == 204


def test_an_uninstall_is_kept_off_when_hipchat_cannot_be_asked(bot, runtime):
    installed = install(bot)
    runtime.failing.add("getAccessToken")  # a 401 here would mean revoked: fail another way
    runtime.failing_status = 502
    response = bot.delete(f"/installable/{installed.oauth_id}")
    assert response.status_code == 503
    runtime.failing.clear()
    assert deliver(bot, event("/standup hi"), sign(installed)).status_code == 204


def test_an_install_with_a_known_oauth_id_and_another_secret_never_replaces_it(bot, runtime):
    installed = install(bot)
    runtime.secrets[installed.oauth_id] = installed.secret
    body = {"oauthId": installed.oauth_id, "oauthSecret": "a-wrong-secret-of-a-plausible-length-xyz", "groupId": 1}
    response = bot.post("/installable", json={**body, "capabilitiesUrl": "http://hipchat.test/v2/capabilities"})
    assert response.status_code == 409
    assert deliver(bot, event("/standup still here"), sign(installed)).status_code == 204
    assert [args["clientSecret"] for args in runtime.named("getAccessToken")] == [installed.secret], "the kept token still serves"


def test_the_same_installation_posted_again_changes_nothing(bot, runtime):
    installed = install(bot)
    install(bot, oauth_id=installed.oauth_id, secret=installed.secret)
    assert len(runtime.named("getAccessToken")) == 1
    assert deliver(bot, event("/standup hi"), sign(installed)).status_code == 204


@pytest.mark.parametrize("field, value", [("groupId", "abc"), ("groupId", True), ("groupId", 1.5), ("roomId", "seven")])
def test_a_non_numeric_group_or_room_id_is_a_400_naming_it(bot, runtime, field, value):
    body = {"oauthId": "o", "oauthSecret": "s", "capabilitiesUrl": "http://hipchat.test/v2/capabilities", "groupId": 1, field: value}
    response = bot.post("/installable", json=body)
    assert response.status_code == 400 and field in response.get_json()["error"]
    assert runtime.named("getAccessToken") == []


def test_a_global_installation_answers_in_any_room(bot, runtime):
    installed = install(bot, room_id=None)
    assert runtime.named("pushUIChangesToRoom") == [], "no room to show a count in yet"
    assert deliver(bot, event("/standup hi", room_id=12), sign(installed, room_id=12)).status_code == 204
    assert runtime.named("sendRoomNotification")[0]["roomIdOrName"] == "12"


def test_the_descriptor_lives_under_the_public_url(bot):
    document = bot.get("/capabilities.json").get_json()
    assert document["links"]["self"] == f"{PUBLIC_URL}/capabilities.json"
    assert document["capabilities"]["installable"]["callbackUrl"] == f"{PUBLIC_URL}/installable"
    assert bot.get("/icon.svg").mimetype == "image/svg+xml"
