"""The languages and their templates: a plan in, the source text of a runnable program out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from runtime.snippets import literals
from runtime.snippets.plan import Plan

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Language:
    name: str
    template: str
    extension: str
    file_named_after_class: bool = False  # Java's convention: GetRoom.java holds class GetRoom


LANGUAGES: dict[str, Language] = {
    language.name: language
    for language in (
        Language("curl", "curl.sh.j2", "sh"),
        Language("python", "python.py.j2", "py"),
        Language("javascript", "javascript.js.j2", "js"),
        Language("node", "node.js.j2", "js"),
        Language("php", "php.php.j2", "php"),
        Language("ruby", "ruby.rb.j2", "rb"),
        Language("go", "go.go.j2", "go"),
        Language("java", "java.java.j2", "java", file_named_after_class=True),
        Language("csharp", "csharp.cs.j2", "cs"),
    )
}

_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=False,  # source code, not HTML: every value passes through its language's literal filter instead
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_environment.filters.update(
    comment=literals.comment,
    python=literals.python,
    python_block=literals.python_block,
    js=literals.javascript,
    php=literals.php,
    ruby=literals.ruby,
    go=literals.go,
    java=literals.java_string,
    java_json=literals.java_json,
    cs=literals.csharp_string,
    cs_json=literals.csharp_json,
    sh=literals.shell_quote,
    heredoc_json=literals.heredoc_json,
    curl_form_file=literals.curl_form_file,
)


def class_name(function: str) -> str:
    return function[:1].upper() + function[1:]


def render(language: Language, plan: Plan) -> str:
    return _environment.get_template(language.template).render(plan=plan, class_name=class_name(plan.function))


def filename(language: Language, plan: Plan) -> str:
    stem = class_name(plan.function) if language.file_named_after_class else plan.function
    return f"{stem}.{language.extension}"
