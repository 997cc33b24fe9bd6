"""Schemathesis against the live runtime under gunicorn: every operation of /openapi.json, no 5xx, every answer as documented."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.helpers import ROOT, TOKEN, free_port, start_gunicorn, wait_http

CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"
SEED = "20261128"
DEEP_EXAMPLES = "20"  # per operation in the slow run; SCHEMATHESIS_DEEP_EXAMPLES raises it for a longer local run
OAUTH_CLIENT = ("st-client-id", "st-client-secret")
# The stack's own credentials, which most generated calls get in place of random ones (see schemathesis_hooks).
ARG_VALUES = {"authToken": TOKEN, "clientId": OAUTH_CLIENT[0], "clientSecret": OAUTH_CLIENT[1]}


def run_schemathesis(base_url: str, work: Path, max_examples: int, phases: str, timeout: float) -> tuple[str, dict[str, Any]]:
    """`st run` on the runtime's own document, with the hooks that supply the token; (console output, JSON report)."""
    report = work / "schemathesis.json"
    command = [
        *(sys.executable, "-m", "schemathesis.cli", "run", f"{base_url}/openapi.json", "--url", base_url),
        *("--checks", CHECKS, "--phases", phases, "--max-examples", str(max_examples), "--seed", SEED),
        *("--workers", "2", "--request-timeout", "20", "--generation-database", "none", "--no-color"),
        *("--report", "json", "--report-json-path", str(report)),
    ]
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.e2e.schemathesis_hooks",
        "SCHEMATHESIS_ARG_VALUES": json.dumps(ARG_VALUES),
        "PYTHONPATH": str(ROOT),
    }
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


@pytest.fixture
def stack_runtime(tmp_path) -> Iterator[str]:
    """A sandbox and a runtime on it, both this test's own: schemathesis creates and deletes things no other test should see."""
    sandbox_port, runtime_port = free_port(), free_port()
    sandbox_url, runtime_url = f"http://127.0.0.1:{sandbox_port}", f"http://127.0.0.1:{runtime_port}"
    sandbox_env = {
        "SANDBOX_DB": str(tmp_path / "sandbox.db"),
        "SANDBOX_PUBLIC_URL": sandbox_url,
        "SANDBOX_ADMIN_TOKEN": TOKEN,
        "SANDBOX_OAUTH_CLIENT_ID": OAUTH_CLIENT[0],
        "SANDBOX_OAUTH_CLIENT_SECRET": OAUTH_CLIENT[1],
    }
    processes = [start_gunicorn("sandbox.app:create_app()", sandbox_port, sandbox_env, workers=2, log_path=tmp_path / "sandbox.log")]
    try:
        wait_http(f"{sandbox_url}/v2/capabilities")
        runtime_env = {"HIPCHAT_API_URL": f"{sandbox_url}/v2"}
        runtime_log = tmp_path / "runtime.log"
        processes.append(start_gunicorn("runtime.app:create_app()", runtime_port, runtime_env, workers=2, log_path=runtime_log))
        wait_http(f"{runtime_url}/healthz")
        yield runtime_url
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


def test_every_operation_conforms_to_the_document(stack_runtime, tmp_path):
    _, result = run_schemathesis(stack_runtime, tmp_path, max_examples=5, phases="examples,fuzzing", timeout=240)
    assert_every_operation_passed(result, calls_and_reads(stack_runtime))


@pytest.mark.slow
def test_every_operation_conforms_under_deep_generation(stack_runtime, tmp_path):
    """Adds the coverage phase (boundary and negative values of every argument) and more fuzzing; bounded for CI by default."""
    max_examples = int(os.environ.get("SCHEMATHESIS_DEEP_EXAMPLES", DEEP_EXAMPLES))
    _, result = run_schemathesis(stack_runtime, tmp_path, max_examples, phases="examples,coverage,fuzzing", timeout=1800)
    assert_every_operation_passed(result, calls_and_reads(stack_runtime))
