"""What a request handler reaches: the sandbox's settings and database (the caller: sandbox.security.auth.principal)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from sandbox.config import SandboxSettings
from sandbox.store.db import Database


@dataclass
class Sandbox:
    settings: SandboxSettings
    db: Database
    services: dict[str, Any] = field(default_factory=dict)


def sandbox() -> Sandbox:
    return current_app.extensions["sandbox"]


def db() -> Database:
    return sandbox().db


def settings() -> SandboxSettings:
    return sandbox().settings
