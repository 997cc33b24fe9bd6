"""A form-encoded body (application/x-www-form-urlencoded): each body argument a field, valued as in a query string.

HipChat's token endpoint (getAccessToken) takes one, with the client credentials as HTTP Basic. Nothing here is
specific to it: the catalog says which fields go where and which grant needs which argument; this module only encodes.
"""

from __future__ import annotations

from urllib.parse import urlencode

from runtime.pipeline.mapping import Encoded, Outbound, query_value


def encode(outbound: Outbound) -> Encoded:
    form = [(name, query_value(value)) for name, value in outbound.body.items()]
    return Encoded("application/x-www-form-urlencoded", urlencode(form).encode("ascii"))
