"""A call's body: the content types that carry a call, how big each part may be, and the one shape it must have.

- application/json (also no Content-Type, or a +json type): {"args": {...}}; the body at most RUNTIME_MAX_BODY_BYTES.
- application/x-www-form-urlencoded: a field args holding the arguments as JSON text; the body at most
  RUNTIME_MAX_BODY_BYTES.
- multipart/form-data: the args field as JSON text (at most RUNTIME_MAX_BODY_BYTES) and one part per File argument,
  named after it (each at most FILE_MAX_BYTES); at most MAX_FORM_PARTS parts.

Every limit holds while the body streams in, a chunked body without Content-Length included: an oversize part is
refused with REQUEST_TOO_LARGE before it is parsed.

The arguments travel only inside "args". A body without it is refused with a message that says so. It used to be
read as a call without arguments ("fill in required fields: authToken" to a caller who had sent a token), and it is
not read as the arguments themselves either: two accepted shapes would make the wrapper optional for some callers and
not others, a body mixing both ({"args": {...}, "message": ...}) would be ambiguous, and other top-level keys, which
the runtime ignores as before, would turn into arguments. The same goes for JSON sent as text/plain (refused, 415):
a browser sends a text/plain POST to any origin without a CORS preflight, so accepting it would open calls to pages
the runtime's CORS setting does not name.
"""

from __future__ import annotations

import json
from tempfile import SpooledTemporaryFile
from typing import Any
from urllib.parse import parse_qsl

from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

from runtime.catalog import jsontext
from runtime.catalog.arguments import too_deep
from runtime.catalog.envelope import CallError, caller_error
from runtime.catalog.suggest import did_you_mean
from runtime.catalog.wellformed import may_hold_escaped_surrogates, printable, refuse_lone_surrogates
from runtime.config import Settings
from runtime.pipeline.files import FileValue, default_filename, safe_filename

JSON_TYPES = ("application/json", "")
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
# The args field, one part per File argument (a function has at most one) and room for a client's extra fields.
MAX_FORM_PARTS = 16
SPOOL_BYTES = 500 * 1024  # werkzeug's default: a smaller upload stays in memory, a larger one goes to a temporary file
MAX_NAMES_SHOWN = 5
WRAPPER = '{"args": {...}}'

Body = tuple[Any, dict[str, FileValue]]


def read_call(request: Request, settings: Settings) -> Body:
    """The call's args (not yet validated) and its uploaded files, from a JSON, form-encoded or multipart body."""
    mimetype = request.mimetype
    if mimetype == MULTIPART:
        return _multipart(request, settings)
    if mimetype == FORM:
        return _form(request, settings), {}
    if mimetype in JSON_TYPES or mimetype.endswith("+json"):
        return _json(request, settings), {}
    raise _unsupported(request, mimetype)


def _json(request: Request, settings: Settings) -> Any:
    return json_body_args(_read_bounded(request, settings.max_body_bytes), settings)


def json_body_args(data: bytes, settings: Settings) -> Any:
    """The args of a JSON body. The hot path of a call: one decode, one parse, and a one-character search for a
    backslash that a valid call seldom has (only then a search for a \\uD800-\\uDFFF escape)."""
    if not data.strip():
        return {}
    text, lossy = _decode(data)
    document = _loads(text, "The request body", settings.max_json_depth, wrapped=True)
    if lossy or may_hold_escaped_surrogates(text):
        _refuse_bad_text(document)
    if not isinstance(document, dict):
        raise caller_error("JSON_VALIDATION", f"The request body must be a JSON object: {WRAPPER}.", ["args"])
    if "args" in document:
        return document["args"]
    if not document:
        return {}
    raise _unwrapped(list(document))


def _form(request: Request, settings: Settings) -> Any:
    data = _read_bounded(request, settings.max_body_bytes)
    text, _ = _decode(data)
    if text.lstrip().startswith("{"):
        raise _json_sent_as(FORM)
    try:
        # Percent-escaped bytes that are not UTF-8 become lone surrogates, named by the args check below.
        fields = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FORM_PARTS, errors="surrogateescape")
    except ValueError:
        raise _too_large(f"The form body has more than {MAX_FORM_PARTS} fields.") from None
    args_text = next((value for name, value in fields if name == "args"), None)
    if args_text is None:
        if fields:
            raise _no_args_field("A form-encoded body", [name for name, _ in fields])
        return {}
    return _args_field(args_text, settings)


def _multipart(request: Request, settings: Settings) -> Body:
    request.max_content_length = settings.file_max_bytes + settings.max_body_bytes
    file_limit = settings.file_max_bytes

    def capped_file(
        total_content_length: int | None, content_type: str | None, filename: str | None, content_length: int | None = None
    ) -> _CappedFile:
        return _CappedFile(file_limit)

    parser = FormDataParser(capped_file, max_form_memory_size=settings.max_body_bytes, max_form_parts=MAX_FORM_PARTS, silent=False)
    try:
        _, form, files = parser.parse(request.stream, MULTIPART, request.content_length, request.mimetype_params)
    except RequestEntityTooLarge as exc:
        limits = (
            f"the args field at most {settings.max_body_bytes} bytes (RUNTIME_MAX_BODY_BYTES), each file at most "
            f"{file_limit} bytes (FILE_MAX_BYTES), at most {MAX_FORM_PARTS} parts"
        )
        raise _too_large(exc.description if isinstance(exc, _FilePartTooLarge) else f"The multipart body is too large: {limits}.") from None
    except ValueError as exc:
        raise caller_error("JSON_VALIDATION", f"The multipart body could not be read ({exc}).", ["args"]) from None
    uploads = {}
    for name, storage in files.items():
        content_type = storage.mimetype or "application/octet-stream"
        filename = safe_filename(storage.filename or "") or default_filename(content_type)
        uploads[name] = FileValue(filename, content_type, storage.read())
    args_text = form.get("args")
    if args_text is None:
        if form:
            raise _no_args_field("A multipart body", list(form))
        return {}, uploads
    return _args_field(args_text, settings), uploads


class _FilePartTooLarge(RequestEntityTooLarge):
    pass


class _CappedFile(SpooledTemporaryFile):
    """Where a multipart file part is written while it streams in; writing past the limit refuses the call."""

    def __init__(self, limit: int) -> None:
        super().__init__(max_size=SPOOL_BYTES, mode="rb+")
        self._limit, self._written = limit, 0

    def write(self, data: Any) -> int:
        self._written += len(data)
        if self._written > self._limit:
            raise _FilePartTooLarge(f"A file part is larger than {self._limit} bytes (FILE_MAX_BYTES).")
        return super().write(data)


def _read_bounded(request: Request, limit: int) -> bytes:
    """The whole body, refused unread when its Content-Length is over limit and cut off at limit when it is chunked."""
    # One byte over the limit: werkzeug refuses a read past max_content_length even when the body ends exactly there.
    request.max_content_length = limit + 1
    chunks, size = [], 0
    try:
        stream = request.stream
        while chunk := stream.read(64 * 1024):
            size += len(chunk)
            if size > limit:
                raise RequestEntityTooLarge()
            chunks.append(chunk)
    except RequestEntityTooLarge:
        raise _too_large(f"The request body is larger than {limit} bytes (RUNTIME_MAX_BODY_BYTES).") from None
    return b"".join(chunks)


def _decode(data: bytes) -> tuple[str, bool]:
    """The body as text, and whether it was not valid UTF-8: then its bad bytes become lone surrogates, named later."""
    try:
        return data.decode(json.detect_encoding(data)), False
    except UnicodeDecodeError:
        return data.decode("utf-8", "surrogateescape"), True


def _loads(text: str, what: str, max_depth: int, wrapped: bool = False) -> Any:
    """The parsed text; wrapped when it is a whole body, whose arguments are inside "args"."""
    try:
        document = jsontext.loads(text)
    except RecursionError:
        raise caller_error("JSON_VALIDATION", f"{what} is nested too deeply.", ["args"]) from None
    except jsontext.UnwritableNumber as exc:  # named by its argument (or the top-level key outside args)
        inside_args = wrapped and exc.path[:1] == ("args",)
        raise (exc.within(("args",)) if inside_args else exc).error() from None
    except json.JSONDecodeError as exc:
        raise caller_error("JSON_VALIDATION", f"{what} is not valid JSON ({exc.msg} at position {exc.pos}).", ["args"]) from None
    if too_deep(document, max_depth + 2):  # {"args": {"name": ...}} adds two levels
        raise caller_error("JSON_VALIDATION", f"{what} is nested deeper than {max_depth} levels.", ["args"])
    return document


def _args_field(text: str, settings: Settings) -> Any:
    """The args field of a form or multipart body: the arguments as JSON text."""
    if not text.strip():
        return {}
    document = _loads(text, "The args field", settings.max_json_depth)
    refuse_lone_surrogates(document)  # a form is not the hot path: always looked at
    return document


def _refuse_bad_text(document: Any) -> None:
    """A lone surrogate anywhere in a JSON body, named by the argument it is in (or the top-level key outside args)."""
    if isinstance(document, dict) and isinstance(document.get("args"), dict):
        refuse_lone_surrogates(document["args"])
    refuse_lone_surrogates(document)


def _unwrapped(keys: list[str]) -> CallError:
    shown = _names(keys)
    hint = next(filter(None, (did_you_mean(key, ["args"]) for key in keys[:MAX_NAMES_SHOWN])), "")
    if hint:
        text = f'The request body must be {WRAPPER}; it has no "args" ({shown}): {hint}'
    else:
        text = f'The request body must be {WRAPPER}: put the arguments inside "args" (this body has {shown} at the top level).'
    return caller_error("JSON_VALIDATION", text, ["args"])


def _no_args_field(what: str, names: list[str]) -> CallError:
    shown = _names(names)
    text = f'{what} carries the arguments as JSON text in one field named args (args={{"authToken": ...}}); this one has {shown}.'
    return caller_error("JSON_VALIDATION", text, ["args"])


def _names(names: list[str]) -> str:
    return ", ".join(printable(name) for name in names[:MAX_NAMES_SHOWN]) + (", …" if len(names) > MAX_NAMES_SHOWN else "")


def _json_sent_as(mimetype: str) -> CallError:
    return caller_error(
        "UNSUPPORTED_MEDIA_TYPE",
        f"The body is JSON but its Content-Type is {mimetype} (what curl -d sends without -H): "
        f"send it with Content-Type: application/json, as {WRAPPER}.",
    )


def _unsupported(request: Request, mimetype: str) -> CallError:
    try:  # only the first bytes, to say what the body looks like
        head = request.stream.read(64).lstrip() if request.content_length is not None else b""
    except RequestEntityTooLarge:
        head = b""
    if head.startswith(b"{"):
        return _json_sent_as(printable(mimetype) or "missing")
    return caller_error(
        "UNSUPPORTED_MEDIA_TYPE",
        f"Content-Type {printable(mimetype)!r} is not accepted. Send application/json with {WRAPPER}, "
        "or multipart/form-data (or application/x-www-form-urlencoded) with an args field.",
    )


def _too_large(text: str) -> CallError:
    return caller_error("REQUEST_TOO_LARGE", text)
