"""Emoticons: the built-in global set and the group's own, by id or shortcut."""

from __future__ import annotations


def test_the_list_is_paged_and_filtered_by_type(api):
    everything = api.get("/v2/emoticon?max-results=1000").get_json()["items"]
    group = api.get("/v2/emoticon?type=group").get_json()["items"]
    global_ = api.get("/v2/emoticon?type=global&max-results=1000").get_json()["items"]
    assert [e["shortcut"] for e in group] == ["sandbox"]
    assert len(everything) == len(global_) + 1
    assert set(everything[0]) == {"id", "links", "shortcut", "url"}


def test_an_emoticon_by_shortcut_and_by_id(api):
    by_shortcut = api.get("/v2/emoticon/coffee").get_json()
    assert (by_shortcut["type"], by_shortcut["width"], by_shortcut["height"]) == ("global", 30, 30)
    assert api.get(f"/v2/emoticon/{by_shortcut['id']}").get_json()["shortcut"] == "coffee"
    image = api.get(by_shortcut["url"].replace("http://sandbox.test", ""))
    assert image.mimetype == "image/png"


def test_an_unknown_emoticon_is_a_404(api):
    assert api.get("/v2/emoticon/nosuchthing").status_code == 404


def test_a_bad_type_is_a_400(api):
    assert api.get("/v2/emoticon?type=mine").status_code == 400
