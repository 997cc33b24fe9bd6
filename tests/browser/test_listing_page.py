"""The listing page (/) in Chromium: at a phone's width nothing is wider than the screen, the count and the search
box's placeholder show whole; and the page, like a function's page, asks nothing of any origin but its own.
Screenshots land in test-artifacts/test_listing_page/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

PHONE = 390

# The placeholder's text against the room inside the search box, measured in the box's own font.
PLACEHOLDER_FITS = """() => {
  const box = document.getElementById("search");
  const style = getComputedStyle(box);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return { text: context.measureText(box.placeholder).width, room };
}"""


def test_on_a_phone_the_listing_fits_the_screen_with_its_count_and_placeholder_whole(page, shot, recorded_runtime):
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.goto(f"{recorded_runtime}/")
    expect(page.locator("#search-count")).to_have_text("93 functions")
    shot("listing-390px")
    shot("listing-390px-whole", full_page=True)

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    count = page.locator("#search-count").bounding_box()
    assert count["x"] >= 0 and count["x"] + count["width"] <= PHONE, count
    assert page.evaluate("() => { const c = document.getElementById('search-count'); return c.scrollWidth <= c.clientWidth; }")
    fits = page.evaluate(PLACEHOLDER_FITS)
    assert fits["text"] <= fits["room"], fits


@pytest.mark.parametrize("path", ["/", "/functions/sendRoomNotification", "/functions/sendRoomNotifcation"])
def test_the_page_asks_nothing_of_another_origin(page, recorded_runtime, path):
    """Every request the page makes (its logo included) goes to the runtime that served it: it works offline and
    tells no third party who opened it."""
    requested: list[str] = []

    def record(route) -> None:
        requested.append(route.request.url)
        if route.request.url.startswith(f"{recorded_runtime}/"):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", record)
    page.goto(f"{recorded_runtime}{path}")
    page.wait_for_load_state("networkidle")
    if path == "/":
        expect(page.locator(".logo img")).to_have_js_property("complete", True)
        assert page.evaluate("document.querySelector('.logo img').naturalWidth") > 0, "the logo loaded"
    assert requested, "the recording saw the page's requests"
    assert [url for url in requested if not url.startswith(f"{recorded_runtime}/")] == []
