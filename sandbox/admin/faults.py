"""/_sandbox/api/faults: inject faults into the /v2 API (sandbox.model.faults says how they match and act).

POST {"method", "path" | "pattern", "token_kind", "addon", "status", "message", "headers", "reset_s", "delay_ms",
"close", "times"} answers 201 with the fault (its "id"); GET lists every fault with its hits and whether it is still
active; DELETE /_sandbox/api/faults/<id> removes one, DELETE /_sandbox/api/faults all of them (204).
"""

from __future__ import annotations

from flask import Blueprint, Response

from sandbox.admin import guard
from sandbox.admin.routes import MAX_ID
from sandbox.http import validation
from sandbox.http.errors import not_found
from sandbox.http.responses import json_response, no_content
from sandbox.model import faults

bp = Blueprint("faults", __name__, url_prefix="/_sandbox/api/faults")
bp.before_request(guard.require_admin)


@bp.post("")
def create() -> Response:
    return json_response(faults.create(validation.read("fault")).json(), 201)


@bp.get("")
def listing() -> Response:
    return json_response({"items": [fault.json() for fault in faults.listing()]})


@bp.delete("")
def remove_all() -> Response:
    faults.remove()
    return no_content()


@bp.delete("/<int:fault_id>")
def remove(fault_id: int) -> Response:
    if fault_id >= MAX_ID or not faults.remove(fault_id):
        raise not_found(f"Fault {fault_id} not found")
    return no_content()
