"""The compiled fast check and the jsonschema validator agree on what is valid, for every function."""

from __future__ import annotations

import fastjsonschema
import pytest

from runtime.catalog.examples import example_args
from runtime.catalog.loading import load_catalog
from runtime.config import ROOT

CATALOG = load_catalog(ROOT / "metadata.json")
WRONG_VALUES = [1, 2.5, -1, 5000, "x", "", "ok\n", "a b", True, [], [1], {}, {"a": 1}, None]


def fast_accepts(function, args) -> bool:
    try:
        function.fast_check(args)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def variants(function):
    base = (
        {**example_args(function, include_optional=True), "authToken": "T0ken"}
        if "authToken" in function.args
        else example_args(function, include_optional=True)
    )
    base = {k: v for k, v in base.items() if not function.args[k].is_file}
    yield base
    yield example_args(function)
    for name in base:
        yield {k: v for k, v in base.items() if k != name}
        for wrong in WRONG_VALUES:
            yield {**base, name: wrong}
    yield {**base, "notAnArgument": 1}


@pytest.mark.parametrize("name", sorted(CATALOG.functions))
def test_fast_check_and_validator_agree(name):
    function = CATALOG.functions[name]
    verdicts = []
    for args in variants(function):
        full_accepts = function.validator.is_valid(args)
        assert fast_accepts(function, args) == full_accepts, args
        verdicts.append(full_accepts)
    arg_count = len([name for name in function.args if not function.args[name].is_file])
    assert len(verdicts) == 3 + arg_count * (1 + len(WRONG_VALUES))  # every variant was checked...
    needs_a_file = any(arg.is_file and arg.required for arg in function.args.values())  # files are left out of the variants
    assert verdicts[0] is not needs_a_file and False in verdicts  # ...the full example is valid (but for a file), some variant is not


@pytest.mark.parametrize("name", sorted(CATALOG.functions))
def test_the_catalog_examples_are_valid_arguments(name):
    function = CATALOG.functions[name]
    args = {k: v for k, v in example_args(function, include_optional=True).items() if not function.args[k].is_file}
    errors = [error.message for error in function.validator.iter_errors(args) if error.validator != "required"]
    assert errors == []
