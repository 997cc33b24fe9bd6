"""Whole-object updates: body fields the caller left out are filled from a fresh GET of the resource."""

from __future__ import annotations

import json

from runtime.catalog.envelope import Reply, from_upstream
from runtime.catalog.loading import Function
from runtime.pipeline.mapping import MISSING, Encoded, Outbound, get_path, set_path
from runtime.pipeline.upstream import Upstream


def complete(function: Function, outbound: Outbound, upstream: Upstream) -> Reply | None:
    """Fill outbound.body in place; return a Reply only when the GET failed (that failure is the answer)."""
    spec = function.request.completion
    if spec is None:
        return None
    missing = {body: source for body, source in spec.fields.items() if get_path(outbound.body, body) is MISSING}
    if not missing:
        return None
    current_request = Outbound("GET", spec.source_path.format(**outbound.segments), bearer=outbound.bearer)
    response = upstream.send(current_request, Encoded(None, None))
    if not 200 <= response.status < 300:
        return from_upstream(response, upstream.api)
    try:
        current = json.loads(response.body or b"{}")
    except ValueError:
        current = {}
    for body_path, source_path in missing.items():
        value = get_path(current, source_path)
        if value is not MISSING and value is not None:
            set_path(outbound.body, body_path, value)
    return None
