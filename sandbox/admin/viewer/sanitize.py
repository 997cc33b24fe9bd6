"""Message HTML reduced to what HipChat renders: its allowed tags, safe URLs, a few inline styles. Never raw."""

from __future__ import annotations

import nh3

# HipChat's html message format: a, b, i, strong, em, br, img, pre, code, lists, tables; span keeps its colour.
TAGS = {"a", "b", "i", "strong", "em", "br", "img", "pre", "code", "p", "span"}
TAGS |= {"ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "span": {"style"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
STYLE_PROPERTIES = {"color", "background-color", "font-weight", "font-style", "text-decoration"}
URL_SCHEMES = {"http", "https", "mailto"}

_cleaner = nh3.Cleaner(
    tags=TAGS,
    attributes=ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    filter_style_properties=STYLE_PROPERTIES,
    link_rel="noopener noreferrer nofollow",
    clean_content_tags={"script", "style"},
)


def clean_html(html: str) -> str:
    """Safe HTML for innerHTML: unknown tags stripped (their text kept), scripts and handlers dropped."""
    return _cleaner.clean(html)
