"""Where a request ends, read from the bytes a client has sent so far: the blank line that ends its head, then the end
of a body framed by Content-Length or by chunked transfer coding. common.headfirst's event loop feeds a connection's
bytes to an Arrival as they come and hands the request to a thread when it says so.

Only framing read exactly as gunicorn reads it is followed here; anything else (two Content-Lengths, a transfer
coding other than a lone "chunked", chunked with a Content-Length or in HTTP/1.0, an Expect other than 100-continue)
goes to a thread at the end of the head, as before: gunicorn refuses nearly all of it before reading a byte of body.
A chunked body whose framing turns out wrong is handed over where it goes wrong, for gunicorn to refuse. A head that
gunicorn refuses for another reason (a folded line, a blank before a colon) may be read either way: gunicorn answers
400 and closes the connection. So for a request gunicorn serves, the event loop never waits for more bytes than
gunicorn's parser reads; handing over earlier would only leave the rest to the thread.

Pure: no sockets, no clocks. The searches resume where the previous one stopped, so a body dripped a byte at a time
costs a constant amount of scanning per read, not a rescan of everything buffered."""

from __future__ import annotations

import enum
import re
from typing import NamedTuple

HEAD_END = b"\r\n\r\n"
CRLF = b"\r\n"
HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")
CHUNK_LINE_MAX = 8190  # gunicorn's own bound on a chunk-size line (its limit_request_field_size default)


class Framing(NamedTuple):
    """How the body after a head is framed: length bytes (0: no body), or chunked; expects_continue when the client
    may wait for "100 Continue" before sending it."""

    length: int | None
    chunked: bool
    expects_continue: bool


UNREAD = Framing(None, False, False)  # a framing not followed here: a thread gets the request at the end of its head
NO_BODY = Framing(0, False, False)
# The framing fields as gunicorn reads them: a name (any case) at the start of a line and right before its colon. A
# line of another shape is a field gunicorn refuses (it answers 400 and closes), or another field altogether.
FRAMING_LINE = re.compile(rb"\n(content-length|transfer-encoding|expect):([^\r\n]*)", re.IGNORECASE)


def read_framing(head: bytes | bytearray) -> Framing:
    """The framing a complete head (up to its blank line) declares, or UNREAD."""
    fields = FRAMING_LINE.findall(head)
    if not fields:
        return NO_BODY
    length: int | None = None
    codings: list[bytes] = []
    expects_continue = False
    for name, value in fields:
        name, value = name.lower(), value.strip(b" \t").lower()
        if name == b"content-length":
            if length is not None or not value.isdigit():
                return UNREAD
            length = int(value)
        elif name == b"transfer-encoding":
            codings.append(value)
        elif value == b"100-continue":
            expects_continue = True
        else:
            return UNREAD  # gunicorn answers 417
    if codings or expects_continue:
        start = 2 if head.startswith(CRLF) else 0  # RFC 9112 section 2.2: one empty line may come first
        http11 = head.find(b" HTTP/1.1\r\n", start, head.find(CRLF, start) + 2) >= 0
        expects_continue = expects_continue and http11  # gunicorn ignores it in HTTP/1.0, as RFC 9110 says
        if codings:
            if codings != [b"chunked"] or length is not None or not http11:
                return UNREAD
            return Framing(None, True, expects_continue)
    return Framing(length or 0, False, expects_continue)


class ChunkedEnd:
    """The end of a chunked body, looked for a chunk at a time as its bytes arrive. `reached` says whether the buffer
    holds all of the body (its trailer section included), and raises ValueError where the framing is not what
    gunicorn's ChunkedReader accepts."""

    def __init__(self, start: int) -> None:
        self.next = start  # where the next chunk-size line (or the trailer section) starts
        self.in_trailers = False
        self.searched = start  # where the search for the trailer section's end resumes

    def reached(self, buffer: bytearray) -> bool:
        while not self.in_trailers:
            line_end = buffer.find(CRLF, self.next, self.next + CHUNK_LINE_MAX + 2)
            if line_end < 0:
                if len(buffer) - self.next > CHUNK_LINE_MAX:
                    raise ValueError("chunk-size line too long")
                return False
            size = chunk_size(bytes(buffer[self.next : line_end]))
            if size == 0:
                self.in_trailers = True
                self.next = self.searched = line_end + 2
                break
            data_end = line_end + 2 + size
            if len(buffer) < data_end + 2:
                return False
            if buffer[data_end : data_end + 2] != CRLF:
                raise ValueError("chunk data not followed by CRLF")
            self.next = data_end + 2
        if len(buffer) < self.next + 2:
            return False
        if buffer[self.next : self.next + 2] == CRLF:  # no trailer fields
            return True
        if buffer.find(HEAD_END, self.searched) >= 0:
            return True
        self.searched = max(self.next, len(buffer) - 3)
        return False


def chunk_size(line: bytes) -> int:
    """The size a chunk-size line gives, as gunicorn reads it; ValueError when gunicorn would refuse its digits."""
    digits, semicolon, _extensions = line.partition(b";")
    if semicolon:  # whitespace before an extension only (RFC 9112 section 7.1.1: BWS)
        digits = digits.rstrip(b" \t")
    if not digits or not HEX_DIGITS.issuperset(digits):
        raise ValueError("bad chunk size")
    return int(digits, 16)


class Progress(enum.Enum):
    MORE = "more"  # keep reading
    WHOLE = "whole"  # the head and all of its body are here: a thread may have the request
    HEAD = "head"  # a thread gets the request now and reads the rest of its body itself
    OVERSIZED = "oversized"  # a head past its size limit with no end in sight: close


class Arrival:
    """One request's bytes as they arrive, and what they say: read on, hand over, or close. Bytes after the request
    (pipelined ones) stay in the buffer, for the thread's parser to find after it."""

    def __init__(self, data: bytes, head_max: int, body_max: int) -> None:
        self.buffer = bytearray(data)
        self.head_max = head_max
        self.body_max = body_max
        self.searched = 0  # where the search for the head's end resumes
        self.body_start = -1  # past the head's blank line, once it is here
        self.framing = UNREAD
        self.chunks: ChunkedEnd | None = None

    @property
    def in_body(self) -> bool:
        """Whether the head is here and its body is being collected."""
        return self.body_start >= 0

    @property
    def body_begun(self) -> bool:
        return self.in_body and len(self.buffer) > self.body_start

    def add(self, data: bytes) -> Progress:
        self.buffer += data
        return self.progress()

    def progress(self) -> Progress:
        if not self.in_body:
            found = self.buffer.find(HEAD_END, self.searched)
            if found < 0:
                self.searched = max(0, len(self.buffer) - 3)
                return Progress.OVERSIZED if len(self.buffer) > self.head_max else Progress.MORE
            self.body_start = found + 4
            self.framing = read_framing(self.buffer[: self.body_start])
            if self.framing.chunked:
                self.chunks = ChunkedEnd(self.body_start)
        if self.chunks is not None:
            try:
                if self.chunks.reached(self.buffer):
                    return Progress.WHOLE
            except ValueError:
                return Progress.HEAD  # for gunicorn to refuse where it goes wrong
            return Progress.HEAD if len(self.buffer) - self.body_start > self.body_max else Progress.MORE
        length = self.framing.length
        if length is None or length > self.body_max:
            return Progress.HEAD
        return Progress.WHOLE if len(self.buffer) - self.body_start >= length else Progress.MORE
