"""Message HTML as the room viewer may show it: HipChat's tags kept, everything that could run or restyle the page gone."""

from __future__ import annotations

import pytest

from sandbox.admin.viewer.sanitize import clean_html


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


def test_span_keeps_only_harmless_styles():
    assert clean_html('<span style="color: red; position: fixed; top: 0">r</span>') == '<span style="color:red">r</span>'


def test_other_attributes_are_dropped():
    assert clean_html('<b class="x" id="y" style="color:red">b</b>') == "<b>b</b>"
