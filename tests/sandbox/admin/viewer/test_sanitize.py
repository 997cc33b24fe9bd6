"""Message HTML as the room viewer may show it: HipChat's tags kept, everything that could run or restyle the page gone."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.admin.viewer import sanitize
from sandbox.admin.viewer.sanitize import PALETTE, clean_html


@pytest.mark.parametrize(
    "html",
    [
        "<b>bold</b> <i>it</i> <strong>s</strong> <em>e</em>",
        "line<br>break",
        "<pre>x = 1</pre> <code>y</code>",
        "<ul><li>one</li></ul><ol><li>two</li></ol>",
        "<table><tbody><tr><th>h</th><td>d</td></tr></tbody></table>",
    ],
)
def test_hipchat_tags_are_kept(html):
    assert clean_html(html) == html


def test_scripts_and_styles_are_removed_with_their_content():
    assert clean_html("a<script>alert(1)</script>b<style>body{display:none}</style>c") == "abc"


def test_event_handlers_are_dropped():
    assert clean_html('<img src="https://x.example/a.png" onerror="alert(1)">') == '<img src="https://x.example/a.png">'


def test_javascript_urls_are_dropped():
    assert clean_html('<a href="javascript:alert(1)">x</a>') == '<a rel="noopener noreferrer nofollow">x</a>'


def test_links_keep_their_http_target():
    assert clean_html('<a href="https://example.com/">x</a>') == '<a href="https://example.com/" rel="noopener noreferrer nofollow">x</a>'


def test_unknown_tags_leave_their_text():
    assert clean_html("<div><iframe src='https://x.example'></iframe><h1>title</h1></div>") == "title"


def test_a_span_colour_becomes_a_palette_class_and_the_rest_of_its_style_goes():
    assert clean_html('<span style="color: red; position: fixed; top: 0">r</span>') == '<span class="hc-color-red">r</span>'


@pytest.mark.parametrize(
    ("style", "classes"),
    [
        ("color: RED", "hc-color-red"),
        ("color: #00f", "hc-color-blue"),
        ("color: #d04437", "hc-color-red"),  # HipChat's red: the nearest of the palette
        ("color: rgb(0, 128, 0)", "hc-color-green"),
        ("color: hsl(240, 100%, 25%)", "hc-color-navy"),
        ("color: darkorange", "hc-color-orange"),
        ("color: red !important", "hc-color-red"),
        ("background-color: yellow", "hc-bg-yellow"),
        ("font-weight: bold; font-style: italic", "hc-bold hc-italic"),
        ("font-weight: 700", "hc-bold"),
        ("text-decoration: underline line-through", "hc-underline hc-strike"),
        ("color: red; color: blue", "hc-color-red hc-color-blue"),
    ],
)
def test_kept_styles_become_classes(style, classes):
    assert clean_html(f'<span style="{style}">x</span>') == f'<span class="{classes}">x</span>'


@pytest.mark.parametrize(
    "style",
    [
        "color: transparent",
        "color: rgba(255, 0, 0, 0)",
        "color: currentColor",
        "color: expression(alert(1))",
        "color: url(x)",
        "font-weight: normal",
    ],
)
def test_styles_that_show_nothing_leave_a_bare_span(style):
    assert clean_html(f'<span style="{style}">x</span>') == "<span>x</span>"


def test_a_class_cannot_be_given_directly():
    assert clean_html('<span class="hc-bg-red sign-in-error">x</span>') == "<span>x</span>"


def test_every_palette_class_has_its_rule_in_the_viewers_stylesheet():
    css = (Path(sanitize.__file__).parent / "static" / "viewer.css").read_text()
    for name, (red, green, blue) in PALETTE.items():
        hex_value = f"#{red:02x}{green:02x}{blue:02x}"
        assert f".hc-color-{name} {{ color: {hex_value}; }}" in css
        assert f".hc-bg-{name} {{ background-color: {hex_value}; }}" in css
    for name in ("hc-bold", "hc-italic", "hc-underline", "hc-strike"):
        assert f".{name} {{" in css


def test_other_attributes_are_dropped():
    assert clean_html('<b class="x" id="y" style="color:red">b</b>') == "<b>b</b>"
