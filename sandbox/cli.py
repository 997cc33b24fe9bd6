"""`hipchat-sandbox`: serve the sandbox until SIGINT or SIGTERM. With --env it prints shell lines for a test suite in
any language (HIPCHAT_API_URL, HIPCHAT_TOKEN, HIPCHAT_ADMIN_TOKEN) once it answers, e.g. `hipchat-sandbox --port 0 --env`."""

from __future__ import annotations

import argparse
import shlex
import sys

from common.serving import interrupt_on_stop_signals, serve_until_signalled
from sandbox.launch import Server, start_sandbox


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hipchat-sandbox", description="A HipChat-v2-compatible sandbox server, with demo data.")
    parser.add_argument("--port", type=int, default=8001, help="port to listen on; 0 picks a free one (default: 8001)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--db", help="SQLite file to keep the state in (default: a fresh temporary database, removed at exit)")
    parser.add_argument("--no-demo", dest="demo", action="store_false", help="start empty, without the demo rooms and users")
    parser.add_argument("--admin-token", help="the admin token (group admin, every scope; default: generated)")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers (default: 1)")
    parser.add_argument("--env", action="store_true", help="print HIPCHAT_API_URL=, HIPCHAT_TOKEN= and HIPCHAT_ADMIN_TOKEN= lines")
    return parser


def env_lines(server: Server) -> str:
    values = {"HIPCHAT_API_URL": server.api_url, "HIPCHAT_TOKEN": server.api_token, "HIPCHAT_ADMIN_TOKEN": server.admin_token}
    return "".join(f"{name}={shlex.quote(value)}\n" for name, value in values.items())


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    options = parser.parse_args(argv)
    if not 0 <= options.port < 65536:
        parser.error("--port must be 0 - 65535")
    interrupt_on_stop_signals()
    try:
        server = start_sandbox(
            port=options.port, host=options.host, db=options.db, demo=options.demo, admin_token=options.admin_token, workers=options.workers
        )
    except (RuntimeError, KeyboardInterrupt) as error:
        print(error, file=sys.stderr)
        return 1
    try:
        if options.env:
            sys.stdout.write(env_lines(server))
        else:
            print(f"HipChat sandbox: {server.api_url}  (room viewer {server.root}/_sandbox/)")
            print(f"API token (group admin, every scope): {server.api_token}")
            print(f"Admin token (/_sandbox/ only): {server.admin_token}")
            print("Ctrl-C stops it.")
        sys.stdout.flush()
        code = serve_until_signalled(server.process)
        if code:
            print(f"the sandbox stopped by itself:\n{server.log()}", file=sys.stderr)
        return code
    finally:
        server.stop()


if __name__ == "__main__":
    raise SystemExit(main())
