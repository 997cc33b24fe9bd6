"""Webhook receivers (and add-ons serving a descriptor) on loopback sockets that misbehave on purpose (drip, answer
too much, take their time), and count what happened: connections open at once, bytes sent, whether the sandbox hung up
before the answer was done."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from tests.helpers import RawHandler, read_request_head


@dataclass
class Connection:
    """One connection a receiver took: the request's body, and how its answer went."""

    body: bytes = b""
    received_at: float = 0.0  # time.monotonic() when the request had been read
    sent: int = 0  # answer body bytes sent
    hung_up_at: float | None = None  # when a send failed: the sandbox closed the connection before the answer ended
    done: bool = False
    released: bool = False  # no longer counted as open


# Writes the answer but for its last bytes, which it returns: the receiver stops counting the connection as open,
# then sends them.
Answer = Callable[[socket.socket, Connection], bytes]


class Receiver:
    """An HTTP receiver on 127.0.0.1 (a tests.helpers.raw_http_server): reads each request (Content-Length bodies),
    then `answer` writes the answer. Its connections are shut down when the server's block ends."""

    def __init__(self, start: Callable[[RawHandler], int], answer: Answer) -> None:
        self.answer = answer
        self.connections: list[Connection] = []
        self.open_now = 0
        self.most_open = 0
        self._lock = threading.Lock()
        self.port = start(self._serve)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requests(self) -> list[Connection]:
        with self._lock:
            return [c for c in self.connections if c.received_at]

    def _serve(self, conn: socket.socket, stopping: threading.Event) -> None:
        record = Connection()
        with self._lock:
            self.connections.append(record)
            self.open_now += 1
            self.most_open = max(self.most_open, self.open_now)
        try:
            head, _, body = read_request_head(conn).partition(b"\r\n\r\n")
            length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
            while len(body) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                body += chunk
            record.body, record.received_at = body, time.monotonic()
            last = self.answer(conn, record)
            self._release(record)  # before the last bytes: once they are sent, the sandbox may connect again at once
            conn.sendall(last)
            record.done = True
        except OSError:
            record.hung_up_at = time.monotonic()
        finally:
            self._release(record)

    def _release(self, record: Connection) -> None:
        with self._lock:
            if not record.released:
                record.released = True
                self.open_now -= 1


def head(status: str = "200 OK", length: int = 0, content_type: str = "application/json") -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n".encode()


def no_content(conn: socket.socket, record: Connection) -> bytes:
    return head("204 No Content")


def after(seconds: float) -> Answer:
    """204 after a while (long enough for concurrent deliveries to overlap)."""

    def answer(conn: socket.socket, record: Connection) -> bytes:
        time.sleep(seconds)
        return head("204 No Content")

    return answer


def drip(every: float, length: int = 1000) -> Answer:
    """200 with Content-Length: length, then one byte every `every` seconds: each read gets a byte well within any
    per-read timeout, and the whole answer would take length * every seconds."""

    def answer(conn: socket.socket, record: Connection) -> bytes:
        conn.sendall(head(length=length, content_type="text/plain"))
        for _ in range(length - 1):
            time.sleep(every)
            conn.sendall(b"x")
            record.sent += 1
        time.sleep(every)
        return b"x"

    return answer


def drip_head(every: float) -> Answer:
    """A 200 whose status line and headers come one byte every `every` seconds (then a JSON body, {}): each read of the
    head gets a byte well within any per-read timeout, and the head alone would take about 90 * every seconds."""

    def answer(conn: socket.socket, record: Connection) -> bytes:
        for byte in head(length=2):
            time.sleep(every)
            conn.sendall(bytes([byte]))
        return b"{}"

    return answer


def flood(length: int, chunk: int = 64 * 1024) -> Answer:
    """200 with a JSON Content-Type and a body of length bytes, sent as fast as the sandbox reads it."""

    def answer(conn: socket.socket, record: Connection) -> bytes:
        conn.sendall(head(length=length))
        block = b" " * chunk
        while record.sent < length:
            record.sent += conn.send(block[: length - record.sent])
        return b""

    return answer
