"""python -m runtime: list, describe, call and snippet, on the same catalog, validation and envelope as the HTTP runtime.

Exit status: 0 success, 1 an error envelope, 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import fields
from urllib.parse import quote

from tqdm import tqdm

from runtime.catalog import envelope
from runtime.catalog.envelope import CallError, Reply
from runtime.catalog.loading import Catalog, CatalogError, Function, load_catalog
from runtime.catalog.wellformed import printable, refuse_lone_surrogates
from runtime.cli.text import describe_text, listing_text
from runtime.cli.values import UsageError, default_credentials, parse_pairs
from runtime.config import Settings
from runtime.openapi.document import request_example
from runtime.pipeline.all_pages import call_all_pages
from runtime.pipeline.invoke import Runtime

EXIT_OK, EXIT_ERROR_ENVELOPE = 0, 1
DEFAULT_RUNTIME_PORT = "8000"  # where `make run` serves the runtime (RUNTIME_PORT)
PROG = "python -m runtime"
API_URL_ENV = next(f.metadata["env"] for f in fields(Settings) if f.name == "api_url")


def build_parser(catalog: Catalog) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=f"The {catalog.package} function package from the command line.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("list", help="the functions, grouped")
    describe = commands.add_parser("describe", help="one function: its arguments, requirements and notes")
    describe.add_argument("function")
    call = commands.add_parser(
        "call",
        help="call a function and print the envelope",
        description=(
            "Call a function with key=value arguments and print the envelope as JSON. A value is parsed as JSON unless "
            "the argument is a String (maxResults=10 is a number, message=007 stays text); key=@path uploads a local file "
            f"for a File argument; credentials not given default to ${catalog.environment.token}. The upstream is ${API_URL_ENV}."
        ),
    )
    call.add_argument("function")
    call.add_argument("pairs", nargs="*", metavar="key=value")
    call.add_argument(
        "--all-pages",
        action="store_true",
        help="follow links.next of a list answer and merge every page's items (progress on stderr)",
    )
    snippet = commands.add_parser(
        "snippet",
        help="a code snippet calling the function through the runtime",
        description=(
            "Print a program that calls the function through the runtime ($RUNTIME_PUBLIC_URL, else the local one). Without "
            "key=value pairs it uses the catalog's examples; key=@path makes the snippet upload that local file."
        ),
    )
    snippet.add_argument("function")
    snippet.add_argument("language", help="curl, python, javascript, node, php, ruby, go, java or csharp")
    snippet.add_argument("pairs", nargs="*", metavar="key=value")
    return parser


def main(argv: list[str] | None = None) -> int:
    settings = Settings.from_env()
    try:
        catalog = load_catalog(settings.catalog_file)
    except CatalogError as exc:
        sys.stderr.write(f"{PROG}: the catalog is broken: {exc}\n")
        return EXIT_ERROR_ENVELOPE
    parser = build_parser(catalog)
    options = parse(parser, argv)
    if options.command == "list":
        sys.stdout.write(listing_text(catalog))
        return EXIT_OK
    if options.command == "describe":
        sys.stdout.write(describe_text(catalog, _known(parser, catalog, options.function)))
        return EXIT_OK
    if options.command == "snippet":
        return _snippet(parser, catalog, settings, options)
    return _call(parser, catalog, settings, options)


def parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """The command line, with options anywhere among the key=value pairs: argparse alone gives `pairs` only the words
    before the first option (`call getAllRooms --all-pages maxResults=1` would leave maxResults=1 unrecognized)."""
    options, extra = parser.parse_known_args(argv)
    if extra and hasattr(options, "pairs") and not any(word.startswith("-") for word in extra):
        options.pairs = [*options.pairs, *extra]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")  # exits 2, as parse_args does
    return options


def _known(parser: argparse.ArgumentParser, catalog: Catalog, name: str) -> Function:
    function = catalog.find(name)
    if function is None:
        hint = catalog.function_hint(name)
        parser.error(f"the {catalog.package} package has no function {printable(name)!r}; {hint or 'see: list'}")  # exits 2
    return function


def _call(parser: argparse.ArgumentParser, catalog: Catalog, settings: Settings, options: argparse.Namespace) -> int:
    function = catalog.find(options.function)
    try:
        args, uploads = parse_pairs(function, options.pairs)
    except UsageError as exc:
        parser.error(str(exc))
    default_credentials(catalog, function, args, os.environ)
    try:
        refuse_lone_surrogates(args)  # bytes of the command line that are not UTF-8 arrive as lone surrogates
    except CallError as error:
        return _print_envelope(error.reply())
    runtime = Runtime(catalog, settings)
    if options.all_pages and function is not None:
        with tqdm(desc=function.name, unit=" items", file=sys.stderr, dynamic_ncols=True) as bar:
            pages = 0

            def on_page(count: int) -> None:
                nonlocal pages
                pages += 1
                bar.set_postfix_str(f"page {pages}", refresh=False)
                bar.update(count)

            reply = call_all_pages(runtime, function, args, uploads, on_page)
    else:
        reply = runtime.call(options.function, args, uploads)
    return _print_envelope(reply)


def _print_envelope(reply: Reply) -> int:
    sys.stdout.write(json.dumps(reply.body, indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK if reply.body["callback"] == envelope.SUCCESS else EXIT_ERROR_ENVELOPE


def _snippet(parser: argparse.ArgumentParser, catalog: Catalog, settings: Settings, options: argparse.Namespace) -> int:
    # Imported here: the templates and jinja2 load only for this command.
    from runtime.snippets.plan import build_plan
    from runtime.snippets.render import LANGUAGES, render

    function = _known(parser, catalog, options.function)
    language = LANGUAGES.get(options.language)
    if language is None:
        parser.error(f"no snippet language {options.language!r}; languages: {', '.join(LANGUAGES)}")
    try:
        args, _ = parse_pairs(function, options.pairs, read_files=False)
    except UsageError as exc:
        parser.error(str(exc))
    base = settings.public_url or f"http://127.0.0.1:{os.environ.get('RUNTIME_PORT', DEFAULT_RUNTIME_PORT)}"
    url = f"{base.rstrip('/')}/api/{quote(catalog.package, safe='')}/{quote(function.name, safe='')}"
    try:
        plan = build_plan(function, args if options.pairs else request_example(function), url, settings.max_json_depth, catalog.environment)
    except CallError as error:
        return _print_envelope(error.reply())
    sys.stdout.write(render(language, plan))
    return EXIT_OK
