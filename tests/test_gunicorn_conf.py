"""A setting that cannot be read stops each Procfile line at start: gunicorn exits non-zero, and stderr is one line
naming the variable, the value and what it takes (gunicorn.conf.py, and the bot's own, read the settings in the master)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.helpers import ROOT, free_port, procfile_line

TAKES_BOOLEAN = "true or false (also 1/0, yes/no)"
TAKES_BYTES = "bytes: a whole number, or with K, M or G (1K = 1024), at least 1"


@pytest.mark.parametrize(
    ("name", "variable", "value", "takes"),
    [
        ("web", "FILE_ALLOW_PRIVATE", "ture", TAKES_BOOLEAN),
        ("web", "RUNTIME_MAX_BODY_BYTES", "3O", TAKES_BYTES),
        ("sandbox", "SANDBOX_DEMO", "ture", TAKES_BOOLEAN),
        ("sandbox", "SANDBOX_WEBHOOK_TIMEOUT", "5 sec", "seconds: a number, or with ms, s, m or h (500ms), at least 0.001"),
        ("sandbox", "SANDBOX_WEBHOOK_PER_TARGET", "0", "a whole number (1 or more)"),
        ("bot", "RUNTIME_URL", "127.0.0.1:8000", "an http(s) URL"),
        ("bot", "PORT", "80800", "a port number, 1 to 65535"),
    ],
)
def test_a_bad_value_stops_the_procfile_line_with_one_line(name, variable, value, takes, tmp_path: Path):
    env = {
        "PATH": f"{ROOT / '.venv' / 'bin'}:/usr/bin:/bin",
        "PORT": str(free_port()),
        "SANDBOX_DB": str(tmp_path / "sandbox.db"),
        "BOT_DB": str(tmp_path / "bot.db"),
        variable: value,
    }  # two workers, as the Procfile's default: still one line
    # The shell runs the line as a PaaS would: the gunicorn script, the repository as cwd.
    done = subprocess.run(["bash", "-c", f"exec {procfile_line(name)}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert done.stderr == f'{variable}="{value}" cannot be read; it takes {takes}\n'
