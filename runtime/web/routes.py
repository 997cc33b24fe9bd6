"""Routes of the web page: / lists the package and its functions, /functions/<name> is one function's page."""

from __future__ import annotations

from urllib.parse import urljoin

from flask import Blueprint, Response, current_app, make_response, render_template, url_for
from markupsafe import Markup

from runtime.catalog import describe
from runtime.snippets.render import LANGUAGES
from runtime.web import present

# The page talks to its own runtime only; images may come from the catalog's URLs.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: https: http:; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def make_web_blueprint() -> Blueprint:
    web = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/web/static")

    @web.get("/")
    def listing() -> Response:
        catalog = _catalog().listing()
        groups = describe.grouped(catalog["blocks"])
        return _page(
            render_template(
                "web/listing.html",
                package=catalog["package"],
                catalog=catalog,
                image=urljoin(url_for("web.listing"), catalog["image"]) if catalog.get("image") else None,
                groups=groups,
                count=len(catalog["blocks"]),
                access=lambda block: describe.access_sentence(block.get("access"), catalog.get("access")),
            )
        )

    @web.get("/functions/<name>")
    def function(name: str) -> Response:
        catalog = _catalog()
        found = catalog.find(name)
        if found is None:
            links = [
                Markup('<a class="suggestion" href="{}">{}</a>').format(url_for("web.function", name=close), close)
                for close in catalog.names_like(name)
            ]
            suggestion = Markup(describe.either(links)) if links else None  # each link escaped; either adds ", " and " or "
            return _page(render_template("web/not_found.html", package=catalog.package, name=name, suggestion=suggestion), 404)
        block = found.public_block()
        return _page(
            render_template(
                "web/function.html",
                package=catalog.package,
                block=block,
                present=present,
                describe=describe,
                requirements=describe.requirement_lines(block),
                access=describe.access_sentence(block.get("access"), catalog.document.get("access")),
                definitions=catalog.document.get("access", {"tokens": {}, "scopes": {}}),
                token_env=catalog.environment.token,
                languages=tuple(LANGUAGES),
                call_url=url_for("api.call", name=block["name"]),
            )
        )

    return web


def _catalog():
    return current_app.extensions["package_runtime"].catalog


def _page(html: str, status: int = 200) -> Response:
    response = make_response(html, status)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
