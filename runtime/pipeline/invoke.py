"""One call of one function: validate, resolve files, map, complete, send, wrap in the envelope."""

from __future__ import annotations

import logging
import time
from typing import Any

from runtime.catalog import arguments, envelope
from runtime.catalog.envelope import CallError, Reply
from runtime.catalog.loading import Catalog
from runtime.config import Settings
from runtime.pipeline import mapping
from runtime.pipeline.completion import complete
from runtime.pipeline.files import FileResolver, FileValue
from runtime.pipeline.upstream import Upstream

log = logging.getLogger("runtime.calls")


class Runtime:
    def __init__(self, catalog: Catalog, settings: Settings, upstream: Upstream | None = None, files: FileResolver | None = None) -> None:
        self.catalog = catalog
        self.settings = settings
        self.upstream = upstream or Upstream(settings, catalog.upstream)
        self.files = files or FileResolver(settings)

    def call(self, name: str, raw_args: Any, uploads: dict[str, FileValue] | None = None) -> Reply:
        started = time.perf_counter()
        reply = self._call(name, raw_args, uploads or {})
        outcome = reply.body["contextWrites"]["to"]
        code = outcome.get("status_code", "") if isinstance(outcome, dict) and reply.body["callback"] == envelope.ERROR else ""
        # Names and outcomes only: args (tokens among them) never reach a log line.
        log.info(
            "call %s -> %s %s %s (%.1f ms)", name[:100], reply.status, reply.body["callback"], code, (time.perf_counter() - started) * 1000
        )
        return reply

    def _call(self, name: str, raw_args: Any, uploads: dict[str, FileValue]) -> Reply:
        try:
            function = self.catalog.find(name)
            if function is None:
                raise self.catalog.unknown_function(name)
            settings = self.settings
            args = arguments.prepare(function, raw_args, uploads, settings.max_json_depth, settings.max_array_items)
            for arg in function.file_args:
                if arg.name in args:
                    args[arg.name] = self.files.resolve(arg, args[arg.name])
            outbound = mapping.build(function, args)
            failed = complete(function, outbound, self.upstream)
            if failed is not None:
                return failed
            encoded = mapping.encode(function, outbound)
            return envelope.from_upstream(self.upstream.send(outbound, encoded), self.upstream.api)
        except CallError as error:
            return error.reply()
