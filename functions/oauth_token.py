"""getAccessToken: HipChat's token endpoint takes a form-encoded body (the client credentials go as HTTP Basic).

The catalog says which fields go where and which grant needs which argument; this module only encodes.
"""

from __future__ import annotations

from urllib.parse import urlencode

from runtime.mapping import Encoded, Outbound, query_value


def encode(outbound: Outbound) -> Encoded:
    form = [(name, query_value(value)) for name, value in outbound.body.items()]
    return Encoded("application/x-www-form-urlencoded", urlencode(form).encode("ascii"))
