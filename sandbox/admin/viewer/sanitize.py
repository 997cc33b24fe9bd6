"""Message HTML reduced to what HipChat renders: its allowed tags, safe URLs, a few styles. Never raw.

The viewer's Content-Security-Policy allows no inline style (style-src 'self'), so a span's style attribute would
never show. The styles HipChat kept become classes of viewer.css instead: a colour or background colour the nearest
of a fixed palette (PALETTE), bold, italic, underline and strike-through as such; anything else is dropped.
"""

from __future__ import annotations

import html
import re

import nh3
import tinycss2
import tinycss2.color3

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

# The colours a message can show: CSS's seventeen basic colours (viewer.css has a hc-color-* and a hc-bg-* rule each).
PALETTE: dict[str, tuple[int, int, int]] = {
    "black": (0x00, 0x00, 0x00),
    "silver": (0xC0, 0xC0, 0xC0),
    "gray": (0x80, 0x80, 0x80),
    "white": (0xFF, 0xFF, 0xFF),
    "maroon": (0x80, 0x00, 0x00),
    "red": (0xFF, 0x00, 0x00),
    "purple": (0x80, 0x00, 0x80),
    "fuchsia": (0xFF, 0x00, 0xFF),
    "green": (0x00, 0x80, 0x00),
    "lime": (0x00, 0xFF, 0x00),
    "olive": (0x80, 0x80, 0x00),
    "yellow": (0xFF, 0xFF, 0x00),
    "navy": (0x00, 0x00, 0x80),
    "blue": (0x00, 0x00, 0xFF),
    "teal": (0x00, 0x80, 0x80),
    "aqua": (0x00, 0xFF, 0xFF),
    "orange": (0xFF, 0xA5, 0x00),
}
COLOR_CLASSES = {"color": "hc-color-", "background-color": "hc-bg-"}
BOLD_WEIGHTS = {"bold", "bolder", "600", "700", "800", "900"}
DECORATIONS = {"underline": "hc-underline", "line-through": "hc-strike"}
# nh3 writes each kept span as <span style="..."> (the only attribute it keeps there), with quotes escaped.
STYLED_SPAN = re.compile(r'<span style="([^"]*)">')

_cleaner = nh3.Cleaner(
    tags=TAGS,
    attributes=ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    filter_style_properties=STYLE_PROPERTIES,
    link_rel="noopener noreferrer nofollow",
    clean_content_tags={"script", "style"},
)


def nearest(rgb: tuple[int, int, int]) -> str:
    """The palette colour closest to rgb ("redmean" distance: close to what the eye sees, cheap)."""

    def distance(other: tuple[int, int, int]) -> float:
        mean_red = (rgb[0] + other[0]) / 2
        dr, dg, db = rgb[0] - other[0], rgb[1] - other[1], rgb[2] - other[2]
        return (2 + mean_red / 256) * dr * dr + 4 * dg * dg + (2 + (255 - mean_red) / 256) * db * db

    return min(PALETTE, key=lambda name: distance(PALETTE[name]))


def color_name(value: str) -> str | None:
    """The palette name for a CSS colour value, or None for one that paints nothing (transparent, currentColor, invalid)."""
    parsed = tinycss2.color3.parse_color(value)
    if not isinstance(parsed, tinycss2.color3.RGBA) or parsed.alpha == 0:
        return None
    return nearest((round(parsed.red * 255), round(parsed.green * 255), round(parsed.blue * 255)))


def style_classes(style: str) -> list[str]:
    """The viewer.css classes that show a (sanitized) style attribute."""
    classes: list[str] = []
    for declaration in tinycss2.parse_blocks_contents(style, skip_comments=True, skip_whitespace=True):
        if declaration.type != "declaration":
            continue
        name = declaration.lower_name
        value = tinycss2.serialize(declaration.value).strip()
        words = value.lower().split()
        if name in COLOR_CLASSES and (found := color_name(value)) is not None:
            classes.append(COLOR_CLASSES[name] + found)
        elif name == "font-weight" and words and words[0] in BOLD_WEIGHTS:
            classes.append("hc-bold")
        elif name == "font-style" and words and words[0] in ("italic", "oblique"):
            classes.append("hc-italic")
        elif name == "text-decoration":
            classes += [DECORATIONS[word] for word in words if word in DECORATIONS]
    return list(dict.fromkeys(classes))


def _span(match: re.Match[str]) -> str:
    classes = style_classes(html.unescape(match.group(1)))
    return f'<span class="{" ".join(classes)}">' if classes else "<span>"


def clean_html(text: str) -> str:
    """Safe HTML for innerHTML: unknown tags stripped (their text kept), scripts and handlers dropped, styles as classes."""
    return STYLED_SPAN.sub(_span, _cleaner.clean(text))
