"""The runtime's console script (`pyproject.toml` names it): `<script> serve` serves the runtime under gunicorn until
SIGINT or SIGTERM; any other subcommand is the CLI's (list, describe, call, snippet: runtime.cli)."""

from __future__ import annotations

import argparse
import os
import sys

from common.serving import free_port, interrupt_on_stop_signals, serve_until_signalled, start_gunicorn, stop_server, wait_http
from runtime.catalog.loading import load_catalog
from runtime.cli import main as cli
from runtime.config import Settings

APP = "runtime.app:create_app()"


def script_name() -> str:
    return os.path.basename(sys.argv[0]) or "runtime"


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog=f"{script_name()} serve", description="Serve the function package runtime (gunicorn).")
    parser.add_argument("--port", type=int, default=cli.DEFAULT_RUNTIME_PORT, help="0 picks a free one (default: %(default)s)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--upstream", help="the upstream API base URL with its version path (default: HIPCHAT_API_URL, else the sandbox)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default: 2)")
    options = parser.parse_args(argv)
    package = load_catalog(Settings.from_env().catalog_file).package
    port = options.port or free_port()
    env = {"HIPCHAT_API_URL": options.upstream} if options.upstream else {}
    interrupt_on_stop_signals()
    process = start_gunicorn(APP, port, env, host=options.host, workers=options.workers, new_session=True)
    try:
        wait_http(f"http://{options.host}:{port}/healthz", processes=[process])
    except (RuntimeError, KeyboardInterrupt) as error:
        stop_server(process)
        print(error, file=sys.stderr)
        return 1
    print(f"{package} package runtime: http://{options.host}:{port}/   (functions: /api/{package})", flush=True)
    return serve_until_signalled(process)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["serve"]:
        return serve(args[1:])
    if args[:1] in (["-h"], ["--help"]):
        print(f"{script_name()} serve [--port N] [--upstream URL]: serve the runtime; the other subcommands are the CLI's:\n")
    return cli.main(args)
