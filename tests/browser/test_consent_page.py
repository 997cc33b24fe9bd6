"""The consent page of /users/authorize in Chromium: a user signs in with @mention and password, sees the add-on and
its scopes, approves, and the browser lands on the add-on's registered redirect URL with a code that is worth that
user's token; a denial lands there with error=access_denied. The page keeps the viewer's strict policy."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from playwright.sync_api import expect
from pytest_httpserver import HTTPServer

from tests.helpers import free_port
from tests.sandbox.conftest import CLIENT_ID, CLIENT_SECRET, Server, server_env


@pytest.fixture
def addon() -> Iterator[HTTPServer]:
    """The add-on's redirect target: a plain page on another loopback origin."""
    server = HTTPServer(host="127.0.0.1", port=free_port())
    server.expect_request("/oauth/done").respond_with_data(
        "<!doctype html><title>Add-on</title><p>back at the add-on</p>", content_type="text/html"
    )
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def consent_sandbox(tmp_path, addon) -> Iterator[Server]:
    """The sandbox under gunicorn, the add-on's redirect URL registered for its seeded client."""
    url = f"http://127.0.0.1:{free_port()}"
    env = {**server_env(tmp_path, url), "SANDBOX_OAUTH_REDIRECT_URIS": addon.url_for("/oauth/done")}
    server = Server(url, tmp_path / "sandbox.db", env, tmp_path / "sandbox.log", workers=1)
    yield server.start()
    server.stop()


def authorize_url(sandbox, addon, state: str) -> str:
    query = {"client_id": CLIENT_ID, "redirect_uri": addon.url_for("/oauth/done"), "scope": "view_messages send_message", "state": state}
    return f"{sandbox.url}/users/authorize?{urlencode(query)}"


def test_a_user_signs_in_approves_and_the_add_on_gets_their_token(page, shot, consent_sandbox, addon):
    response = page.goto(authorize_url(consent_sandbox, addon, "s-approve"))
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert f"form-action 'self' http://127.0.0.1:{addon.port}" in policy
    expect(page.locator("#consent-title")).to_contain_text("Sandbox Add-on")
    expect(page.locator('#consent-scopes li[data-scope="view_messages"]')).to_be_visible()
    expect(page.locator('#consent-scopes li[data-scope="send_message"]')).to_be_visible()
    expect(page.locator("#consent-approve")).to_have_count(0)
    shot("sign-in")

    page.fill("#consent-username", "@bob")
    page.fill("#consent-password", "wrong")
    page.click("#consent-sign-in button")
    expect(page.locator("#consent-error")).to_contain_text("Wrong email")
    page.fill("#consent-username", "@bob")
    page.fill("#consent-password", "demo-password")
    page.click("#consent-sign-in button")
    expect(page.locator("#consent-user")).to_have_text("Bob Builder")
    shot("approve")

    page.click("#consent-approve")
    page.wait_for_url(f"{addon.url_for('/oauth/done')}?**")
    expect(page.locator("p")).to_have_text("back at the add-on")
    query = parse_qs(urlsplit(page.url).query)
    assert query["state"] == ["s-approve"]
    form = {"grant_type": "authorization_code", "code": query["code"][0], "redirect_uri": addon.url_for("/oauth/done")}
    token = requests.post(f"{consent_sandbox.url}/v2/oauth/token", data=form, auth=(CLIENT_ID, CLIENT_SECRET), timeout=10).json()
    session = consent_sandbox.session().get(f"{consent_sandbox.url}/v2/oauth/token/{token['access_token']}", timeout=10).json()
    assert session["owner"]["mention_name"] == "bob" and session["scopes"] == ["view_messages", "send_message"]


def test_a_user_who_denies_is_sent_back_with_access_denied_and_no_code(page, consent_sandbox, addon):
    page.goto(authorize_url(consent_sandbox, addon, "s-deny"))
    page.fill("#consent-username", "carol@sandbox.local")
    page.fill("#consent-password", "demo-password")
    page.click("#consent-sign-in button")
    page.click("#consent-deny")
    page.wait_for_url(f"{addon.url_for('/oauth/done')}?**")
    assert parse_qs(urlsplit(page.url).query) == {"error": ["access_denied"], "state": ["s-deny"]}


def test_an_unregistered_redirect_shows_an_error_and_goes_nowhere(page, consent_sandbox, addon):
    url = authorize_url(consent_sandbox, addon, "s").replace("oauth%2Fdone", "oauth%2Felsewhere")
    response = page.goto(url)
    assert response.status == 400
    expect(page.locator("#consent-error")).to_contain_text("not one this client registered")
    assert page.url == url
    assert [r for r, _ in addon.log] == []
