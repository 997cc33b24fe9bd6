"""File shares: HipChat's multipart/related body (a JSON part named metadata, a part named file), read with the email parser."""

from __future__ import annotations

import email.policy
import json
from dataclasses import dataclass
from email.parser import BytesParser
from typing import Any

from flask import request

from sandbox.http import validation
from sandbox.http.errors import bad_request, missing_field


@dataclass
class Upload:
    filename: str
    content_type: str
    data: bytes


def read_share() -> tuple[dict[str, Any], Upload]:
    """The metadata (validated) and the file of a share_file request."""
    content_type = request.headers.get("Content-Type", "")
    if not content_type.lower().startswith(("multipart/related", "multipart/form-data")):
        raise bad_request(f"Invalid content type: {content_type or 'None'}; expected multipart/related")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=email.policy.HTTP).parsebytes(head + request.get_data())
    if not message.is_multipart():
        raise bad_request("The multipart body could not be read")
    metadata: dict[str, Any] = {}
    upload = None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        decoded = part.get_payload(decode=True)  # a leaf part decodes to bytes
        payload = decoded if isinstance(decoded, bytes) else b""
        if name == "metadata":
            try:
                metadata = json.loads(payload.decode(part.get_content_charset() or "utf-8"))
            except (ValueError, UnicodeDecodeError):
                raise bad_request("The metadata part is not valid JSON", "metadata", "format", None) from None
            if not isinstance(metadata, dict):
                raise bad_request("The metadata part must be a JSON object", "metadata", "type", None)
        elif name == "file":
            filename = part.get_filename() or "file"
            upload = Upload(filename.replace("/", "_").replace("\\", "_")[:255] or "file", part.get_content_type(), payload)
    if upload is None:
        raise missing_field("file")
    return validation.validate("share_file_metadata", metadata), upload
