"""Requests to add-ons (descriptor, installation POST, DELETE): bounded in size and time, redirected within one origin only."""

from __future__ import annotations

import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from sandbox.delivery import outbound
from sandbox.delivery.outbound import AddonUnreachable
from tests.sandbox.conftest import make_app, stop
from tests.sandbox.delivery.receivers import drip_head


def test_a_descriptor_redirected_within_its_origin_is_followed(httpserver):
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_json({"key": "moved"})
    assert outbound.get_json(httpserver.url_for("/old"), 2.0) == {"key": "moved"}


def test_a_redirect_to_its_origin_written_another_way_is_followed(httpserver):
    """127.0.0.1:port and 127.1:port are one place as the connection reads them; the hop goes to the address pinned."""
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": f"http://127.1:{httpserver.port}/new"})
    httpserver.expect_request("/new").respond_with_json({"key": "moved"})
    assert outbound.get_json(f"http://127.0.0.1:{httpserver.port}/old", 2.0) == {"key": "moved"}


def test_a_redirect_to_another_origin_is_refused():
    elsewhere = HTTPServer()
    elsewhere.start()
    first = HTTPServer()
    first.start()
    try:
        elsewhere.expect_request("/d.json").respond_with_json({"key": "elsewhere"})
        first.expect_request("/d.json").respond_with_data("", status=302, headers={"Location": elsewhere.url_for("/d.json")})
        with pytest.raises(AddonUnreachable, match="another origin"):
            outbound.get_json(first.url_for("/d.json"), 2.0)
        assert elsewhere.log == []
    finally:
        first.stop()
        elsewhere.stop()


def test_endless_redirects_stop(httpserver):
    httpserver.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    with pytest.raises(AddonUnreachable, match="redirects"):
        outbound.get_json(httpserver.url_for("/loop"), 2.0)


def test_a_descriptor_over_the_size_bound_is_refused(httpserver):
    httpserver.expect_request("/big").respond_with_data(b'{"pad": "' + b"x" * outbound.MAX_DESCRIPTOR_BYTES + b'"}')
    with pytest.raises(AddonUnreachable, match="larger than"):
        outbound.get_json(httpserver.url_for("/big"), 2.0)


def test_a_descriptor_that_is_not_json_is_refused(httpserver):
    httpserver.expect_request("/html").respond_with_data("<html>hi</html>", content_type="text/html")
    with pytest.raises(AddonUnreachable, match="not JSON"):
        outbound.get_json(httpserver.url_for("/html"), 2.0)


def test_an_answer_that_trickles_past_the_deadline_is_cut_off(httpserver):
    def trickle(_request):
        def chunks():
            for _ in range(20):
                time.sleep(0.1)
                yield b" "

        return Response(chunks(), content_type="application/json")

    httpserver.expect_request("/slow").respond_with_handler(trickle)
    started = time.monotonic()
    with pytest.raises(AddonUnreachable, match=r"no answer within 0\.5 s"):
        outbound.get_json(httpserver.url_for("/slow"), 0.5)
    assert time.monotonic() - started < 1.5


def test_a_descriptor_whose_status_line_and_headers_drip_is_cut_off_at_the_deadline(receiver):
    dripping = receiver(drip_head(every=0.3))  # every byte within the 1 s timeout; the head alone would take 25 s
    started = time.monotonic()
    with pytest.raises(AddonUnreachable) as refused:
        outbound.get_json(dripping.url("/capabilities.json"), 1.0)
    assert time.monotonic() - started < 1.0 + 5  # the deadline and generous slack: a bound, not a benchmark
    assert str(refused.value) == "no answer within 1 s"


def test_a_post_is_never_redirected_and_its_answer_is_cut(sandbox_app, httpserver):
    with sandbox_app.app_context():
        post_twice(httpserver)


def post_twice(httpserver) -> None:
    httpserver.expect_request("/installed", method="POST").respond_with_data("", status=307, headers={"Location": "/other"})
    answer = outbound.send("POST", httpserver.url_for("/installed"), 2.0, {"oauthId": "x"})
    assert (answer.status, answer.ok) == (307, False)
    assert [request.path for request, _ in httpserver.log] == ["/installed"]
    httpserver.expect_request("/long", method="POST").respond_with_data("y" * (outbound.MAX_ANSWER_BYTES * 2), status=500)
    assert len(outbound.send("POST", httpserver.url_for("/long"), 2.0, {}).body) == outbound.MAX_ANSWER_BYTES


def test_a_post_the_target_rules_refuse_sends_nothing(httpserver):
    app = make_app(webhook_allowed_hosts="hooks.example.com")
    try:
        httpserver.expect_request("/installed", method="POST").respond_with_data("", status=204)
        with app.app_context(), pytest.raises(AddonUnreachable, match="refused: localhost is not one of the hosts"):
            outbound.send("POST", httpserver.url_for("/installed"), 2.0, {"oauthSecret": "s"})
        assert httpserver.log == []
    finally:
        stop(app)
