"""Where a request ends, as common.framing reads it from the bytes so far: the same end gunicorn's parser finds."""

from __future__ import annotations

import pytest
from gunicorn.config import Config
from gunicorn.http.parser import RequestParser

from common.framing import Arrival, Progress

HEAD_MAX = 1024 * 1024
BODY_MAX = 1024


def progress_at_each_byte(data: bytes) -> list[Progress]:
    """The progress an Arrival reports after each byte of data arrives, one at a time."""
    arrival = Arrival(b"", HEAD_MAX, BODY_MAX)
    return [arrival.add(data[i : i + 1]) for i in range(len(data))]


def bytes_after_gunicorn_read(data: bytes) -> bytes:
    """What gunicorn's own parser leaves unread after the first request in data and all of its body."""
    parser = RequestParser(Config(), iter([data]), ("127.0.0.1", 1))
    request = next(parser)
    request.body.read()
    return parser.unreader.buf.getvalue()


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n0\r\n\r\nabc\r\n\r\n",
        # Chunk data that looks like framing, an extension with a quoted ';', upper-case hex, a trailer field.
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'5;name="a;b"\r\n0\r\n\r\n\r\nA\r\n\r\n0\r\n\r\nxyz\r\n0\r\nChecksum: 1\r\n\r\n',
        b"\r\nPOST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n3 ;x\r\nabc\r\n0\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    ],
    ids=["length", "chunked", "chunked-lean", "no-body"],
)
def test_a_request_is_whole_exactly_at_its_last_byte(request_bytes: bytes):
    """Fed a byte at a time, then followed by a pipelined request: more is needed until the last byte, and the
    request is whole from there on, pipelined bytes or not."""
    pipelined = b"GET /next HTTP/1.1\r\nHost: x\r\n\r\n"
    assert bytes_after_gunicorn_read(request_bytes + pipelined) == pipelined  # the end gunicorn finds, too
    steps = progress_at_each_byte(request_bytes + pipelined)
    whole_from = steps.index(Progress.WHOLE)
    assert whole_from == len(request_bytes) - 1
    assert set(steps[:whole_from]) == {Progress.MORE}
    assert set(steps[whole_from:]) == {Progress.WHOLE}


@pytest.mark.parametrize(
    "head",
    [
        b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
        b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"POST / HTTP/1.1\r\nExpect: something-else\r\nContent-Length: 3\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 1025\r\n\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + b"400\r\n" + b"a" * 1024 + b"\r\n1\r\n",
    ],
    ids=[
        "two-lengths",
        "signed-length",
        "gzip",
        "chunked-twice",
        "chunked-and-length",
        "chunked-http10",
        "other-expectation",
        "length-over-the-cap",
        "bad-chunk-size",
        "chunk-without-crlf",
        "chunked-over-the-cap",
    ],
)
def test_framing_not_followed_here_goes_to_a_thread_as_it_stands(head: bytes):
    """Framing gunicorn refuses, or a body over the cap: the thread gets the request with what is here."""
    assert Arrival(head, HEAD_MAX, BODY_MAX).progress() is Progress.HEAD


def test_a_head_past_its_limit_without_an_end_is_oversized():
    assert Arrival(b"GET / HTTP/1.1\r\nX: " + b"a" * 100, 64, BODY_MAX).progress() is Progress.OVERSIZED


@pytest.mark.parametrize(("version", "expects"), [(b"HTTP/1.1", True), (b"HTTP/1.0", False)])
def test_100_continue_is_expected_in_http_1_1_only(version: bytes, expects: bool):
    """gunicorn ignores Expect: 100-continue in HTTP/1.0 (RFC 9110 section 10.1.1); so does the event loop."""
    arrival = Arrival(b"POST / " + version + b"\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n", HEAD_MAX, BODY_MAX)
    assert arrival.progress() is Progress.MORE
    assert arrival.framing.expects_continue is expects
