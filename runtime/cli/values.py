"""The CLI's key=value pairs as a call's args: typed by the catalog, @path read for File arguments."""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from runtime.catalog.loading import Catalog, Function
from runtime.pipeline.files import FileValue, default_filename, safe_filename

TEXT_TYPES = ("String", "credentials")


class UsageError(Exception):
    """A pair the CLI cannot turn into an argument; the message says which and why."""


def parse_pairs(function: Function | None, pairs: list[str], read_files: bool = True) -> tuple[dict[str, Any], dict[str, FileValue]]:
    """args and uploads from key=value pairs. Text arguments keep their text; others take the value as JSON when it parses.

    A File argument given as @path is read into an upload, or with read_files=False kept as the text "@path".
    """
    args: dict[str, Any] = {}
    uploads: dict[str, FileValue] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"{pair!r} is not a key=value pair")
        if name in args or name in uploads:
            raise UsageError(f"{name} is given twice")
        arg = function.args.get(name) if function else None
        if arg is not None and arg.is_file and text.startswith("@") and read_files:
            uploads[name] = read_upload(text[1:])
        elif arg is not None and (arg.type in TEXT_TYPES or arg.is_file):
            args[name] = text
        else:
            args[name] = _json_or_text(text)
    return args, uploads


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def read_upload(path: str) -> FileValue:
    """A local file the user named with @path: the CLI is the user's own tool, so reading it here is intended."""
    try:
        data = Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read @{path}: {exc.strerror or exc}") from None
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return FileValue(safe_filename(path) or default_filename(content_type), content_type, data)


def default_credentials(catalog: Catalog, function: Function | None, args: dict[str, Any], environ: Mapping[str, str]) -> None:
    """The package's credential arguments (accounts.credentials) not given take <prefix>_TOKEN from the environment."""
    token = environ.get(catalog.environment.token, "")
    if function is None or not token:
        return
    for name in catalog.document.get("accounts", {}).get("credentials", []):
        if name in function.args and name not in args:
            args[name] = token
