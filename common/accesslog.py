"""gunicorn's access log without secrets: `--logger-class common.accesslog.RedactingLogger` (the Procfile and
common.serving.start_gunicorn pass it to both servers).

gunicorn writes the request line, the path, the query, the Referer and any header or environ value the format names;
each of them passes common.redaction first. With the access log off (gunicorn's default) none of this runs.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from common.redaction import REDACTED, SECRET_HEADERS, redact_path, redact_query, redact_target

LOGGER_CLASS = "common.accesslog.RedactingLogger"
URL_ATOMS = ("f", "{referer}i", "{http_referer}e", "{raw_uri}e", "{request_uri}e")
SECRET_ENVIRON = frozenset("{http_" + name.replace("-", "_") + "}e" for name in SECRET_HEADERS)


class RedactingLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["r"] = f"{environ['REQUEST_METHOD']} {redact_target(environ['RAW_URI'])} {environ['SERVER_PROTOCOL']}"
        for key in ("U", "{path_info}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_path(atoms[key])
        for key in ("q", "{query_string}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_query(atoms[key])
        for key in URL_ATOMS:
            if isinstance(atoms.get(key), str) and atoms[key] != "-":
                atoms[key] = redact_target(atoms[key])
        for key in list(atoms):
            if key in SECRET_ENVIRON or (key[:1] == "{" and key[-2:] in ("}i", "}o") and key[1:-2] in SECRET_HEADERS):
                atoms[key] = REDACTED
        return atoms
