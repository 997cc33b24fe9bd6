"""The web page's routes: the listing at /, a page per function, escaping of the catalog's texts."""

from __future__ import annotations

import copy
import json
from collections import Counter

import pytest
from bs4 import BeautifulSoup

from runtime.app import create_app
from runtime.config import ROOT, Settings

CATALOG = json.loads((ROOT / "metadata.json").read_text(encoding="utf-8"))


def page(client, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "text/html"
    return BeautifulSoup(response.data, "html.parser")


def field(soup: BeautifulSoup, name: str):
    return soup.select_one(f'.field[data-arg="{name}"]')


def test_listing_links_every_function_once(client):
    soup = page(client, "/")
    links = [a["href"] for a in soup.select(".card a")]
    assert Counter(links) == Counter(f"/functions/{block['name']}" for block in CATALOG["blocks"])
    assert len(links) == 93


def test_listing_puts_each_function_under_its_group(client):
    soup = page(client, "/")
    placed = {}
    for section in soup.select("section.group"):
        heading = section.h2.contents[0].strip()
        for card in section.select(".card"):
            placed[card["data-function"]] = heading
    assert placed == {block["name"]: block["group"] for block in CATALOG["blocks"]}


def test_listing_shows_the_package_fields(client):
    soup = page(client, "/")
    hero = soup.select_one(".hero")
    assert hero.h1.get_text() == CATALOG["package"]
    assert hero.select_one(".tagline").get_text() == CATALOG["tagline"]
    assert hero.select_one(".description").get_text() == CATALOG["description"]
    assert hero.select_one(".logo img")["src"] == "/" + CATALOG["image"]


def test_the_logo_and_the_example_icon_are_files_of_the_runtime(client):
    """Nothing loads from a third-party server: the logo and the card example's icon are served by the runtime."""
    assert CATALOG["image"] == "web/static/logo.svg"
    icons = json.dumps(CATALOG).count("/web/static/example-icon.svg")
    assert icons == 2, "the card attribute example's url and url@2x"
    for name in ("logo.svg", "example-icon.svg"):
        response = client.get(f"/web/static/{name}")
        assert (response.status_code, response.mimetype) == (200, "image/svg+xml")


def test_listing_cards_carry_search_text(client):
    soup = page(client, "/")
    card = soup.select_one('.card[data-function="getRoomtAllParticipants"]')
    text = card["data-search"]
    assert "getroomallparticipants" in text  # the alias finds the misspelt seed name
    assert "room members" in text


def test_listing_cards_show_the_clean_description_and_who_may_call(client):
    soup = page(client, "/")
    card = soup.select_one('.card[data-function="deleteSession"]')
    assert card.select_one(".card-description").get_text() == "Deletes the OAuth session via its associated access_token."
    assert card.select_one(".card-access").get_text() == "Token: group client, room client or user; no scope needed."
    private_message = soup.select_one('.card[data-function="sendPrivateMessage"]')
    assert private_message.select_one(".card-access").get_text() == "Token: user; scope: send_message."
    assert "send_message" in private_message["data-search"]  # a scope finds the functions that need it


def test_function_page_says_who_may_call_and_what_the_terms_mean(client):
    soup = page(client, "/functions/getRoom")
    assert soup.select_one(".access").get_text(" ", strip=True) == (
        "Access: Token: group client, room client or user; scope: view_group or view_room (unconfirmed)."
    )
    terms = [item.get_text(" ", strip=True) for item in soup.select(".access-terms li")]
    assert terms[0] == "group client token: " + CATALOG["access"]["tokens"]["group"]["info"]
    assert terms[-1] == "view_room : " + CATALOG["access"]["scopes"]["view_room"]
    assert len(terms) == 5


def test_function_page_of_a_token_free_function_has_no_terms_to_explain(client):
    soup = page(client, "/functions/getCapabilities")
    assert soup.select_one(".access").get_text(" ", strip=True) == "Access: No token needed."
    assert soup.select_one(".access-terms") is None


def test_function_page_shows_the_clean_description(client):
    soup = page(client, "/functions/deleteGlobalDialog")
    assert soup.select_one(".function-header .description").get_text() == "Delete a global dialog."


def test_pages_answer_with_a_content_security_policy(client):
    for path in ("/", "/functions/getRoom"):
        policy = client.get(path).headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "connect-src 'self'" in policy


def test_function_page_has_a_row_per_argument(client):
    block = next(b for b in CATALOG["blocks"] if b["name"] == "sendRoomNotification")
    soup = page(client, "/functions/sendRoomNotification")
    rows = soup.select("table.args tbody tr")
    assert [row.select_one(".arg-name").get_text() for row in rows] == [a["name"] for a in block["args"]]
    by_name = {row.select_one(".arg-name").get_text(): row for row in rows}
    for arg in block["args"]:
        row = by_name[arg["name"]]
        assert row.select_one(".type").get_text() == arg["type"]
        assert bool(row.select_one(".required")) == arg["required"]


def test_function_page_shows_options_bounds_and_corrections(client):
    soup = page(client, "/functions/sendRoomNotification")
    color = soup.select_one("#arg-row-color")
    assert [code.get_text() for code in color.select(".options code")] == ["yellow", "green", "red", "purple", "gray", "random"]
    assert "1 to 10000 characters" in soup.select_one("#arg-row-message").get_text()
    correction = soup.select_one("#arg-row-notify .correction").get_text()
    assert "The seed types notify as String" in correction


def test_function_page_marks_arguments_the_seed_lacks(client):
    soup = page(client, "/functions/getAccessToken")
    assert soup.select_one("#arg-row-grantType .addition")
    assert not soup.select_one("#arg-row-scope .addition")


def test_function_page_shows_conditional_requirements(client):
    soup = page(client, "/functions/getAccessToken")
    text = soup.select_one(".requirements").get_text(" ", strip=True)
    assert 'When grantType is "password" : username , password are required.' in text


@pytest.mark.parametrize(
    ("function", "arg", "selector"),
    [
        ("sendRoomNotification", "authToken", 'input[type="password"]'),
        ("sendRoomNotification", "roomIdOrName", 'input[type="text"]'),
        ("sendRoomNotification", "message", "textarea"),
        ("sendRoomNotification", "notify", '.tristate input[type="checkbox"]'),
        ("sendRoomNotification", "cardStyle", "select"),
        ("sendRoomNotification", "cardThumbnailWidth", 'input[type="number"][step="1"][min="0"]'),
        ("sendRoomNotification", "cardAttributes", "textarea.json-editor"),
        ("updatePhoto", "photo", 'input[type="file"]'),
        ("createUser", "password", 'input[type="password"]'),
    ],
)
def test_form_input_fits_the_argument_type(client, function, arg, selector):
    soup = page(client, f"/functions/{function}")
    assert field(soup, arg).select_one(selector) is not None


def test_select_offers_not_sent_then_the_options(client):
    soup = page(client, "/functions/sendRoomNotification")
    values = [option["value"] for option in field(soup, "messageFormat").select("option")]
    assert values == ["", "html", "text"]


def test_json_editor_hints_the_catalog_example(client):
    soup = page(client, "/functions/sendRoomNotification")
    editor = field(soup, "cardAttributes").select_one("textarea")
    example = next(a for a in CATALOG["blocks"] if a["name"] == "sendRoomNotification")["args"]
    wanted = next(a["example"] for a in example if a["name"] == "cardAttributes")
    assert json.loads(editor["placeholder"]) == wanted
    assert editor.get_text() == ""  # a hint, not a value that would be sent


def test_export_panel_has_a_tab_per_language(client):
    soup = page(client, "/functions/getRoom")
    tabs = [tab["data-language"] for tab in soup.select('[role="tab"]')]
    assert tabs == ["curl", "python", "javascript", "node", "php", "ruby", "go", "java", "csharp"]
    assert soup.select_one("#snippet")["data-snippet-url"] == "/api/HipChat/getRoom/snippet/"
    assert "HIPCHAT_TOKEN" in soup.select_one(".export .hint").get_text()


def test_function_page_calls_its_own_runtime_route(client):
    soup = page(client, "/functions/getRoom")
    assert soup.select_one("#try")["data-call-url"] == "/api/HipChat/getRoom"


def test_alias_opens_the_function_it_names(client):
    soup = page(client, "/functions/getRoomAllParticipants")
    assert soup.h1.get_text() == "getRoomtAllParticipants"


def test_unknown_function_is_an_html_404(client):
    response = client.get("/functions/noSuchThing")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "noSuchThing" in response.get_data(as_text=True)


def test_a_misspelt_function_s_404_links_the_closest_names(client):
    response = client.get("/functions/sendRoomNotifcation")
    assert response.status_code == 404
    soup = BeautifulSoup(response.data, "html.parser")
    links = [(a.get_text(), a["href"]) for a in soup.select(".not-found a.suggestion")]
    assert links[0] == ("sendRoomNotification", "/functions/sendRoomNotification")
    assert "Did you mean sendRoomNotification" in " ".join(soup.select_one(".not-found").get_text().split())


def test_a_name_like_no_function_gets_no_suggestion(client):
    soup = BeautifulSoup(client.get("/functions/zzzzqqqq").data, "html.parser")
    assert soup.select(".not-found a.suggestion") == []
    assert "Did you mean" not in soup.get_text()


def test_static_assets_are_served(client):
    for name in ("app.css", "listing.js", "function.js"):
        assert client.get(f"/web/static/{name}").status_code == 200


def test_example_html_is_shown_as_text(client):
    html = client.get("/functions/sendRoomNotification").get_data(as_text=True)
    assert "&lt;b&gt;Alice&lt;/b&gt; deployed build 128" in html
    assert "<b>Alice</b>" not in html


def test_catalog_texts_are_escaped_everywhere(tmp_path):
    hostile = "<script>alert(1)</script>"
    document = copy.deepcopy(CATALOG)
    block = next(b for b in document["blocks"] if b["name"] == "getRoom")
    block["description"] = hostile
    block["group"] = hostile
    block["notes"] = [hostile]
    block["args"][0]["info"] = hostile
    block["args"][0]["correction"] = hostile
    document["tagline"] = hostile
    document["access"]["scopes"]["view_room"] = hostile
    catalog_path = tmp_path / "catalog.json"
    catalog_path.write_text(json.dumps(document), encoding="utf-8")
    client = create_app(Settings(catalog_path=str(catalog_path))).test_client()
    for path in ("/", "/functions/getRoom"):
        html = client.get(path).get_data(as_text=True)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert hostile not in html
