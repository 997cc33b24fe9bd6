"""What a request handler reaches: the sandbox's settings and database, and the caller."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import current_app, g

from sandbox.config import SandboxSettings
from sandbox.store.db import Database

if TYPE_CHECKING:
    from sandbox.security.auth import Principal


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


def principal() -> Principal:
    return g.principal
