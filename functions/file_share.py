"""A multipart/related body: HipChat's file-share layout (shareFileWithRoom, shareFileWithUser).

One JSON part named metadata (the body arguments), then a part per file argument, named by its wire name, with its
own Content-Type and filename (official share_file_with_user page). The layout is HipChat's, but nothing here names
it: any package whose API takes the same layout can use it (the Acme test catalog does).
"""

from __future__ import annotations

import json

from urllib3.fields import RequestField
from urllib3.filepost import choose_boundary, encode_multipart_formdata

from runtime.pipeline.mapping import Encoded, Outbound


def encode(outbound: Outbound) -> Encoded:
    parts = []
    if outbound.body:
        metadata = RequestField("metadata", json.dumps(outbound.body, ensure_ascii=False).encode("utf-8"))
        metadata.make_multipart(content_disposition="attachment", content_type="application/json; charset=UTF-8")
        parts.append(metadata)
    for name, file in outbound.files.items():
        part = RequestField(name, file.data, filename=file.filename)
        part.make_multipart(content_disposition="attachment", content_type=file.content_type)
        parts.append(part)
    boundary = choose_boundary()
    body, _ = encode_multipart_formdata(parts, boundary=boundary)
    return Encoded(f"multipart/related; boundary={boundary}", body)
