"""What only the curl snippet promises: its secrets never appear on curl's command line (the process list)."""

from __future__ import annotations

import os
import re
import shutil

import requests

from tests.helpers import TOKEN, sent
from tests.snippets.toolchains import run_snippet, snippet_env

ROOM = {"id": 7, "name": "Ops Room"}


def test_the_token_reaches_the_runtime_but_not_curls_command_line(recorded_runtime, upstream, tmp_path):
    upstream.expect_request("/v2/room/Ops Room", method="GET").respond_with_json(ROOM)
    url = f"{recorded_runtime}/api/HipChat/getRoom/snippet/curl"
    exported = requests.post(url, json={"args": {"roomIdOrName": "Ops Room"}}, timeout=10)
    filename = re.search(r'filename="([^"]+)"', exported.headers["Content-Disposition"]).group(1)
    # The first curl on PATH writes down its arguments, exactly what the process list shows, then runs the real curl.
    bin_dir, argv_file = tmp_path / "bin", tmp_path / "argv"
    bin_dir.mkdir()
    recorder = bin_dir / "curl"
    recorder.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{argv_file}"\nexec "{shutil.which("curl")}" "$@"\n')
    recorder.chmod(0o755)
    env = snippet_env(HIPCHAT_TOKEN=TOKEN, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")

    result = run_snippet("curl", exported.text, filename, tmp_path / "snippet", env)

    assert result.returncode == 0, result.stderr.decode()
    [request] = sent(upstream)
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    argv = argv_file.read_text()
    assert "%HIPCHAT_TOKEN=" in argv.splitlines()
    assert TOKEN not in argv
