"""catalog/schemas.py: the compiled fast check asks for the catalog's requirements with as few checks as it can."""

from __future__ import annotations

import random

import pytest

from runtime.catalog.loading import load_catalog
from runtime.catalog.schema import fewest_dependencies
from runtime.config import ROOT

CATALOG = load_catalog(ROOT / "metadata.json")
WITH_REQUIREMENTS = sorted(name for name, f in CATALOG.functions.items() if f.validator.schema.get("dependentRequired"))


def satisfied(given: set[str], dependencies: dict[str, list[str]]) -> bool:
    return all(set(dependencies.get(name, [])) <= given for name in given)


def test_a_name_another_requirement_asks_for_is_not_asked_for_twice():
    # cardId and cardStyle ask for each other (a circle); cardIconUrl's own list then needs only one of them.
    dependencies = {
        "cardIconUrl": ["cardId", "cardStyle"],
        "cardId": ["cardStyle"],
        "cardStyle": ["cardId"],
        "cardIconUrl2x": ["cardIconUrl", "cardId"],
    }
    assert fewest_dependencies(dependencies) == {
        "cardIconUrl": ["cardStyle"],
        "cardId": ["cardStyle"],
        "cardStyle": ["cardId"],
        "cardIconUrl2x": ["cardIconUrl"],
    }


@pytest.mark.parametrize("name", WITH_REQUIREMENTS)
def test_the_fewer_checks_accept_exactly_the_same_arguments(name):
    dependencies = CATALOG.functions[name].validator.schema["dependentRequired"]
    fewest = fewest_dependencies(dependencies)
    assert sum(map(len, fewest.values())) <= sum(map(len, dependencies.values()))
    names = sorted({n for key, needed in dependencies.items() for n in [key, *needed]})
    chooser = random.Random(name)
    for _ in range(3000):
        given = {n for n in names if chooser.random() < 0.5}
        assert satisfied(given, fewest) == satisfied(given, dependencies), given
