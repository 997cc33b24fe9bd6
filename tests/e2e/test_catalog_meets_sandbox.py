"""The catalog and the sandbox describe one API: each function's route exists in the sandbox, with the access it enforces."""

from __future__ import annotations

import json
import re

import pytest

from runtime.config import ROOT
from sandbox.app import create_app
from sandbox.security.access import ALL_SCOPES, ENDPOINTS

DOCUMENT = json.loads((ROOT / "metadata.json").read_text())


@pytest.fixture(scope="module")
def routes():
    app = create_app({"db": ":memory:", "demo": False, "public_url": "http://sandbox.test"})
    yield app.url_map.bind("sandbox.test")
    app.extensions["sandbox"].services["deliveries"].stop()
    app.extensions["sandbox"].services["journal"].stop()


def endpoint_of(routes, block) -> str:
    """The sandbox view a function's request reaches: its path with every placeholder filled, matched as the sandbox routes it."""
    path = "/v2" + re.sub(r"\{\w+\}", "x", block["request"]["path"])
    endpoint, _ = routes.match(path, method=block["request"]["method"])
    return endpoint


def test_the_catalogs_scopes_are_the_sandboxs():
    assert set(DOCUMENT["access"]["scopes"]) == set(ALL_SCOPES)


@pytest.mark.parametrize("block", DOCUMENT["blocks"], ids=[block["name"] for block in DOCUMENT["blocks"]])
def test_each_function_reaches_a_sandbox_route_with_the_access_the_catalog_states(routes, block):
    enforced = ENDPOINTS[endpoint_of(routes, block)]
    access = block["access"]
    assert set(access["scopes"]) == set(enforced.scopes)
    assert (not access["tokens"]) == enforced.public
    assert (access["tokens"] == ["user"]) == enforced.users_only
