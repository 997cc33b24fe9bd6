"""The baseline for bench/runtime_bench.py: a bare pass-through Flask proxy, no validation, no mapping.

It forwards the call to one fixed upstream URL with requests (one pooled session per worker, set up as
the runtime's) and wraps the answer in the envelope, so that the two differ only by what the runtime adds.
"""

from __future__ import annotations

import json
import os

import requests
from flask import Flask, Response, request
from requests.adapters import HTTPAdapter

app = Flask(__name__)
UPSTREAM = os.environ.get("BARE_UPSTREAM", "http://127.0.0.1:8001/v2/room/1/history")
session = requests.Session()
session.mount("http://", HTTPAdapter(pool_connections=4, pool_maxsize=32, max_retries=0))


@app.get("/healthz")
def healthz() -> Response:
    return Response("{}", mimetype="application/json")


@app.post("/proxy")
def proxy() -> Response:
    token = (request.get_json(silent=True) or {}).get("args", {}).get("authToken", "")
    answer = session.get(UPSTREAM, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}, timeout=30)
    body = {"callback": "success", "contextWrites": {"to": answer.json()}}
    return Response(json.dumps(body), status=200, mimetype="application/json")
