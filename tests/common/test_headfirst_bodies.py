"""Slow request bodies cannot starve a server either: the head-first worker's event loop collects small bodies as it
collects heads, and a thread reading a large one does so within a whole deadline. Against a real gunicorn with one
worker of 2 threads serving an app that answers the body it read; bodies must reach it byte for byte."""

from __future__ import annotations

import itertools
import json
import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from common import serving
from common.headfirst import WORKER_CLASS
from tests.fixtures.headfirst_quick import QuickDeadlines, SmallBuffers
from tests.helpers import free_port, wait_http

ECHO_APP = "tests.fixtures.echo_app:app"
QUICK = f"{QuickDeadlines.__module__}.{QuickDeadlines.__name__}"
SMALL = f"{SmallBuffers.__module__}.{SmallBuffers.__name__}"
THREADS = 2
ANSWER_WITHIN = 10.0  # a whole bound, not a timing: generous for a loaded 2-core machine
SLACK = 10.0  # how late past its deadline a loaded machine may close a connection
DRIP_EVERY = 0.5  # well under every deadline: a timeout that restarted at each byte would never fire


@contextmanager
def echo_server(tmp_path: Path, worker_class: str = WORKER_CLASS) -> Iterator[int]:
    """The echo app under gunicorn, 1 worker of THREADS threads: its port."""
    port = free_port()
    server = serving.start_gunicorn(
        ECHO_APP, port, {}, workers=1, threads=THREADS, worker_class=worker_class, log_path=tmp_path / "server.log", new_session=True
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/", processes=[server])
        yield port
    finally:
        serving.stop_server(server)


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=ANSWER_WITHIN)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # each send its own segment
    return sock


def post_head(length: int, *fields: str) -> bytes:
    lines = ["POST / HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {length}", *fields, "", ""]
    return "\r\n".join(lines).encode()


def post(body: bytes) -> bytes:
    return post_head(len(body)) + body


def read_answers(sock: socket.socket, count: int, within: float = ANSWER_WITHIN) -> list[tuple[int, bytes]]:
    """The next count answers on sock, interim (1xx) ones included, as (status, body): all within one deadline."""
    deadline = time.monotonic() + within
    data, answers = b"", []
    while len(answers) < count:
        end = data.find(b"\r\n\r\n")
        if end >= 0:
            head = data[:end].decode("latin-1")
            status = int(head.split()[1])
            found = re.search(r"(?im)^content-length:\s*(\d+)", head)
            length = int(found.group(1)) if found and status >= 200 else 0
            if len(data) >= end + 4 + length:
                answers.append((status, data[end + 4 : end + 4 + length]))
                data = data[end + 4 + length :]
                continue
        left = deadline - time.monotonic()
        assert left > 0, f"{len(answers)} of {count} answers within {within:.0f} s"
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            chunk = None
        assert chunk is not None, f"{len(answers)} of {count} answers within {within:.0f} s"
        assert chunk, f"the server closed the connection after {len(answers)} of {count} answers"
        data += chunk
    assert not data, f"bytes after the answers: {data[:80]!r}"
    return answers


def answered(port: int, request: bytes) -> tuple[int, bytes]:
    """The answer to request sent on a fresh connection."""
    with connect(port) as sock:
        sock.sendall(request)
        return read_answers(sock, 1)[0]


def closed(sock: socket.socket) -> bool:
    """Whether the server has closed sock (end of stream or reset), without waiting; any answer bytes are skipped."""
    sock.setblocking(False)
    try:
        while sock.recv(65536):
            pass
        return True
    except BlockingIOError:
        return False
    except OSError:
        return True


def drip_until_closed(socks: list[socket.socket], within: float) -> float:
    """Send a byte on each of socks every DRIP_EVERY seconds until the server has closed them all: the seconds it
    took. AssertionError when some are still open after within seconds."""
    started = time.monotonic()
    open_socks = list(socks)
    while open_socks:
        assert time.monotonic() - started < within, f"{len(open_socks)} dripping connections still open after {within:.0f} s"
        time.sleep(DRIP_EVERY)
        for sock in list(open_socks):
            if closed(sock):
                open_socks.remove(sock)
                continue
            try:
                sock.send(b"x")
            except OSError:
                open_socks.remove(sock)
    return time.monotonic() - started


def test_clients_dripping_small_bodies_hold_no_thread(tmp_path: Path):
    """Three times as many clients as threads send a whole head and drip their 1000-byte body: a GET and a small
    POST on fresh connections are still answered. Before, each dripping body held a thread."""
    with echo_server(tmp_path) as port:
        drippers = [connect(port) for _ in range(3 * THREADS)]
        try:
            for sock in drippers:
                sock.sendall(post_head(1000) + b"x")
            time.sleep(DRIP_EVERY)
            for sock in drippers:
                sock.sendall(b"x")
            assert answered(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") == (200, b"")
            assert answered(port, post(b'{"ok": true}')) == (200, b'{"ok": true}')
            assert not any(closed(sock) for sock in drippers)
        finally:
            for sock in drippers:
                sock.close()


def test_a_dripping_small_body_is_closed_at_the_request_deadline(tmp_path: Path):
    """A body dripped a byte every half second, each byte within any per-read timeout, is cut when the request's
    whole deadline passes: closed, unanswered."""
    with echo_server(tmp_path, QUICK) as port:
        opened = time.monotonic()  # before the server's accept, where the deadline starts
        with connect(port) as sock:
            sock.sendall(post_head(1000))
            drip_until_closed([sock], QuickDeadlines.request_deadline + SLACK)
        assert time.monotonic() - opened >= QuickDeadlines.request_deadline, "closed before its deadline"


def test_a_json_post_reaches_the_app_byte_identical(tmp_path: Path):
    body = json.dumps({"args": {"message": "hé\r\n\r\n0\r\n" * 300, "notify": True}}).encode()
    with echo_server(tmp_path) as port:
        session = requests.Session()
        session.trust_env = False
        answer = session.post(f"http://127.0.0.1:{port}/", data=body, headers={"Content-Type": "application/json"}, timeout=ANSWER_WITHIN)
        assert (answer.status_code, answer.content) == (200, body)


def test_a_request_sent_in_pieces_with_pauses_reaches_the_app_whole(tmp_path: Path):
    """Head and body in several TCP writes, split inside the head, at its end and inside the body."""
    body = json.dumps({"args": {"text": "x" * 5000}}).encode()
    request = post(body)
    head_length = len(post_head(len(body)))
    cuts = [0, 10, head_length - 2, head_length, head_length + 3, head_length + 4000, len(request)]
    with echo_server(tmp_path) as port, connect(port) as sock:
        for start, end in itertools.pairwise(cuts):
            sock.sendall(request[start:end])
            time.sleep(0.2)
        assert read_answers(sock, 1) == [(200, body)]


def test_requests_pipelined_after_a_body_are_all_answered(tmp_path: Path):
    """Four requests in one write (bodies framed by length and chunked, one without a body), then two more whose
    second head starts in the same write as the first's body ends: each answered, in order, with its own body."""
    chunked = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    get = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with echo_server(tmp_path) as port, connect(port) as sock:
        sock.sendall(post(b"first") + get + chunked + post(b"fourth"))
        assert read_answers(sock, 4) == [(200, b"first"), (200, b""), (200, b"abc"), (200, b"fourth")]
        later = post(b"fifth") + post(b"sixth")
        split = later.index(b"sixth") - 10
        sock.sendall(later[:split])
        time.sleep(0.3)
        sock.sendall(later[split:])
        assert read_answers(sock, 2) == [(200, b"fifth"), (200, b"sixth")]


def test_a_pipelined_head_dripping_after_a_request_holds_no_thread(tmp_path: Path):
    """Clients that send a whole request and the start of the next head, then drip it: the next head is collected
    by the event loop, not by a thread, so a fresh GET is still answered. Before, the bytes read ahead sent the
    connection straight back to a thread, which blocked on the rest of the head."""
    get = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with echo_server(tmp_path) as port:
        drippers = [connect(port) for _ in range(3 * THREADS)]
        try:
            for sock in drippers:
                sock.sendall(get + b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            for sock in drippers:
                assert read_answers(sock, 1) == [(200, b"")]
                sock.sendall(b"X-Slow: a\r\n")
            assert answered(port, get) == (200, b"")
        finally:
            for sock in drippers:
                sock.close()


def test_a_client_waiting_for_100_continue_gets_it_once_then_its_answer(tmp_path: Path):
    """A client that sends its body only after "100 Continue" (as curl does) is told to continue while the body is
    awaited, and is not told twice."""
    body = b'{"args": {}}' * 200
    with echo_server(tmp_path) as port, connect(port) as sock:
        sock.sendall(post_head(len(body), "Expect: 100-continue"))
        assert read_answers(sock, 1) == [(100, b"")]
        sock.sendall(body)
        assert read_answers(sock, 1) == [(200, body)]


def test_a_chunked_post_reaches_the_app_byte_identical(tmp_path: Path):
    """A chunked body with an extension, a trailer, and data that looks like framing, written in pieces that cut
    through its framing: the app reads the data, byte for byte."""
    pieces = [b"\r\n0\r\n\r\n", "é".encode() * 2000, b"last"]
    framed = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\nX-Check: 1\r\n\r\n"
    request = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" + framed
    with echo_server(tmp_path) as port, connect(port) as sock:
        for start in range(0, len(request), 997):
            sock.sendall(request[start : start + 997])
            time.sleep(0.05)
        assert read_answers(sock, 1) == [(200, b"".join(pieces))]


@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_a_body_over_the_cap_reaches_the_app_byte_identical(framing: str, tmp_path: Path):
    """A body larger than the event loop collects (64 KiB here): the thread reads the rest of it."""
    body = bytes(range(256)) * 800
    if framing == "length":
        request = post(body)
    else:
        request = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        request += b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:70000], body[70000:])) + b"0\r\n\r\n"
    assert len(body) > SmallBuffers.body_buffer_max
    with echo_server(tmp_path, SMALL) as port, connect(port) as sock:
        sock.sendall(request[:1000])
        time.sleep(0.2)
        sock.sendall(request[1000:])
        assert read_answers(sock, 1) == [(200, body)]


def test_dripping_bodies_over_the_cap_are_cut_at_their_whole_deadline(tmp_path: Path):
    """As many clients as threads claim a 2 MiB body and drip it: the threads reading them give up at the body's
    whole deadline, the connections close, and the threads serve again."""
    with echo_server(tmp_path, QUICK) as port:
        drippers = [connect(port) for _ in range(THREADS)]
        try:
            for sock in drippers:
                sock.sendall(post_head(2 * 1024 * 1024) + b"x")
            drip_until_closed(drippers, QuickDeadlines.body_deadline + SLACK)
            assert answered(port, post(b"after")) == (200, b"after")
        finally:
            for sock in drippers:
                sock.close()


def unread_by_server(port: int, sock: socket.socket) -> int:
    """Bytes sent on sock that the server has not read from its end of the connection yet (Linux: /proc/net/tcp)."""
    local = f"0100007F:{port:04X}"
    remote = f"0100007F:{sock.getsockname()[1]:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local and fields[2] == remote:
            return int(fields[4].split(":")[1], 16)
    raise AssertionError("the server's end of the connection is gone")


def test_a_body_that_does_not_fit_the_workers_budget_waits_for_room(tmp_path: Path):
    """With the worker's 256 KiB of body buffers full of bodies that never end, a further body is not read from its
    socket: it waits (it is not refused) and is answered once some of them are closed at their deadline."""
    with echo_server(tmp_path, SMALL) as port:
        body_length = SmallBuffers.body_buffer_max
        fillers = [connect(port) for _ in range(5)]
        try:
            for sock in fillers:
                sock.sendall(post_head(body_length) + b"f" * (body_length - 1))
            deadline = time.monotonic() + ANSWER_WITHIN
            sent = len(post_head(body_length)) + body_length - 1
            while sum(sent - unread_by_server(port, sock) for sock in fillers) < SmallBuffers.body_buffer_total:
                assert time.monotonic() < deadline, "the server did not read the bodies"
                time.sleep(0.05)
            time.sleep(1.0)  # the waiting body's own deadline well after the fillers'
            with connect(port) as sock:
                sock.sendall(post_head(5))
                deadline = time.monotonic() + ANSWER_WITHIN
                while unread_by_server(port, sock):  # the head is read: heads are not held back
                    assert time.monotonic() < deadline, "the head was not read"
                    time.sleep(0.05)
                sock.sendall(b"waits")
                assert read_answers(sock, 1, SmallBuffers.request_deadline + SLACK) == [(200, b"waits")]
                # Room came from fillers closed at their deadline (the others follow within milliseconds).
                assert any(closed(filler) for filler in fillers), "answered while the budget was still full"
        finally:
            for sock in fillers:
                sock.close()


def test_a_kept_alive_connection_s_next_request_has_its_own_deadline_not_the_last_one_s(tmp_path: Path):
    """The second request of a connection starts 2 s after the first and is still coming when the first's deadline
    passes: it is answered, since its own deadline counts from its first byte. A slow head opened before it keeps an
    earlier deadline ahead of the first request's in the worker's queue of deadlines."""
    deadline = SmallBuffers.request_deadline
    with echo_server(tmp_path, SMALL) as port, connect(port) as slow, connect(port) as sock:
        slow.sendall(b"POST / HTTP/1.1\r\n")  # never finished: closed at its deadline
        started = time.monotonic()
        sock.sendall(post(b"first"))
        assert read_answers(sock, 1) == [(200, b"first")]
        time.sleep(max(0.0, started + deadline / 2 - time.monotonic()))
        second = post(b"second")
        sock.sendall(second[:10])
        time.sleep(max(0.0, started + deadline + 1 - time.monotonic()))  # past the first request's deadline
        sock.sendall(second[10:])
        assert read_answers(sock, 1) == [(200, b"second")]
