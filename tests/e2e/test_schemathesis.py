"""Schemathesis against the live runtime under gunicorn: every operation of /openapi.json, no 5xx, every answer as documented."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from werkzeug import Request, Response

from tests.helpers import ROOT, TOKEN

CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"
SEED = "20261128"


def run_schemathesis(base_url: str, work: Path, max_examples: int, phases: str, timeout: float) -> tuple[str, dict[str, Any]]:
    """`st run` on the runtime's own document, with the hooks that supply the token; (console output, JSON report)."""
    report = work / "schemathesis.json"
    command = [
        *(sys.executable, "-m", "schemathesis.cli", "run", f"{base_url}/openapi.json", "--url", base_url),
        *("--checks", CHECKS, "--phases", phases, "--max-examples", str(max_examples), "--seed", SEED),
        *("--workers", "2", "--request-timeout", "20", "--generation-database", "none", "--no-color"),
        *("--report", "json", "--report-json-path", str(report)),
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.e2e.schemathesis_hooks", "PYTHONPATH": str(ROOT)}
    process = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=timeout)
    output = process.stdout + process.stderr
    assert report.exists(), output[-5000:]
    result = json.loads(report.read_text())
    assert process.returncode == 0, output[-20000:]
    return output, result


def calls_and_reads(base_url: str) -> int:
    """The operations schemathesis must test: every documented one but GET /openapi.json, which it leaves out as the document itself."""
    document = requests.get(f"{base_url}/openapi.json", timeout=10).json()
    return sum(len(item) for path, item in document["paths"].items() if path != "/openapi.json")


def assert_every_operation_passed(result: dict[str, Any], operations: int) -> None:
    assert result["complete"] is True
    assert result["operations"]["total"] == result["operations"]["tested"] == operations
    assert result["operations"]["errored"] == 0
    assert result["test_cases"]["with_failures"] == 0
    assert result["test_cases"]["generated"] >= operations
    assert not result["failures"]
    assert not result["errors"]


def plausible_hipchat(request: Request) -> Response:
    """A HipChat stand-in: 401 for a wrong token, else a list for GET, a created id for POST, nothing for PUT/DELETE."""
    authorization = request.headers.get("Authorization", "")
    if authorization.startswith("Bearer ") and authorization != f"Bearer {TOKEN}":
        body = {"error": {"code": 401, "message": "Invalid OAuth session", "type": "Unauthorized"}}
        return Response(json.dumps(body), 401, content_type="application/json")
    if request.method == "GET":
        return Response(json.dumps({"items": [], "startIndex": 0, "maxResults": 100, "links": {"self": request.url}}), 200)
    if request.method == "POST":
        return Response(json.dumps({"id": 1, "links": {"self": request.url}}), 201, content_type="application/json")
    return Response(status=204)


@pytest.fixture
def runtime_url(gunicorn_runtime, upstream) -> str:
    upstream.expect_request(re.compile("^/v2/")).respond_with_handler(plausible_hipchat)
    return gunicorn_runtime[0]


def test_every_operation_conforms_to_the_document(runtime_url, tmp_path):
    _, result = run_schemathesis(runtime_url, tmp_path, max_examples=5, phases="examples,fuzzing", timeout=240)
    assert_every_operation_passed(result, calls_and_reads(runtime_url))


@pytest.mark.slow
def test_every_operation_conforms_under_deep_generation(runtime_url, tmp_path):
    _, result = run_schemathesis(runtime_url, tmp_path, max_examples=40, phases="examples,coverage,fuzzing", timeout=900)
    assert_every_operation_passed(result, calls_and_reads(runtime_url))
