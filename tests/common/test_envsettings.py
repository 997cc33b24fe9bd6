"""Settings from the environment: types from the defaults, empty variables ignored, overrides last."""

from __future__ import annotations

from dataclasses import dataclass, field

from common import envsettings


@dataclass(frozen=True)
class Example:
    hosts: tuple[str, ...] = field(default=(), metadata={"env": "EX_HOSTS", "help": "hosts"})
    enabled: bool = field(default=True, metadata={"env": "EX_ENABLED", "help": "on or off"})
    limit: int = field(default=5, metadata={"env": "EX_LIMIT", "help": "a number"})
    name: str = field(default="", metadata={"env": "EX_NAME", "help": "a name"})


def test_each_variable_is_read_as_its_field_type():
    settings = envsettings.from_env(Example, {"EX_HOSTS": "A.example, b.example,", "EX_ENABLED": "off", "EX_LIMIT": "9", "EX_NAME": "n"})
    assert settings == Example(hosts=("a.example", "b.example"), enabled=False, limit=9, name="n")


def test_empty_variables_keep_the_defaults_and_overrides_win():
    assert envsettings.from_env(Example, {"EX_LIMIT": "", "EX_NAME": "env"}, name="override") == Example(name="override")


def test_describe_lists_variable_default_and_help():
    assert envsettings.describe(Example) == [
        ("EX_HOSTS", "", "hosts"),
        ("EX_ENABLED", "True", "on or off"),
        ("EX_LIMIT", "5", "a number"),
        ("EX_NAME", "", "a name"),
    ]
