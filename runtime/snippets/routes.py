"""Snippet routes: GET gives a function's snippet with example values, POST one for the caller's args."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response

from runtime.api.routes import read_call, reply_response, request_base_url, runtime
from runtime.catalog.envelope import CallError
from runtime.catalog.loading import Function
from runtime.openapi.document import request_example
from runtime.pipeline.files import FileValue
from runtime.snippets.plan import UPLOAD_PREFIX, build_plan
from runtime.snippets.render import LANGUAGES, filename, render


def make_snippet_blueprint(package: str) -> Blueprint:
    snippets = Blueprint("snippets", __name__)
    route = f"/api/{package}/<name>/snippet/<language>"

    @snippets.get(route)
    def example(name: str, language: str) -> Response:
        return _answer(name, language, request_example)

    @snippets.post(route)
    def exported(name: str, language: str) -> Response:
        def args_of_call(_: Function) -> Any:
            raw_args, uploads = read_call()
            return _with_upload_names(raw_args, uploads)

        return _answer(name, language, args_of_call)

    return snippets


def _answer(name: str, language_name: str, args_for: Any) -> Response:
    try:
        function = runtime().catalog.find(name)
        if function is None:
            raise runtime().catalog.unknown_function(name)
        language = LANGUAGES.get(language_name)
        if language is None:
            known = list(LANGUAGES)
            message = f"No snippet language {language_name!r}. Languages: {', '.join(known)}."
            raise CallError("UNKNOWN_LANGUAGE", message, ["language"], 404, {"languages": known})
        catalog = runtime().catalog
        plan = build_plan(function, args_for(function), _call_url(function), runtime().settings.max_json_depth, catalog.environment)
    except CallError as error:
        return reply_response(error.reply())
    headers = {"Content-Disposition": f'inline; filename="{filename(language, plan)}"', "X-Content-Type-Options": "nosniff"}
    return Response(render(language, plan), mimetype="text/plain", headers=headers)


def _call_url(function: Function) -> str:
    """The URL calling the function: RUNTIME_PUBLIC_URL if set, else the URL this request came to, its Host checked."""
    return f"{request_base_url()}/api/{quote(runtime().catalog.package, safe='')}/{quote(function.name, safe='')}"


def _with_upload_names(raw_args: Any, uploads: dict[str, FileValue]) -> Any:
    """A file sent along with a snippet request is never embedded: the snippet uploads a local file of that name."""
    if not isinstance(raw_args, dict) or not uploads:
        return raw_args
    return {**raw_args, **{name: UPLOAD_PREFIX + upload.filename for name, upload in uploads.items()}}
