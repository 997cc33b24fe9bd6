"""Settings from the environment: read strictly by kind (booleans, whole numbers, sizes, durations, lists, choices),
empty variables ignored, overrides last; a value that cannot be read is one line naming the variable, value and kind."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import pytest

from common import envsettings
from common.envsettings import SettingError


@dataclass(frozen=True)
class Example:
    hosts: tuple[str, ...] = field(default=(), metadata={"env": "EX_HOSTS", "help": "hosts"})
    enabled: bool = field(default=True, metadata={"env": "EX_ENABLED", "help": "on or off"})
    limit: int = field(default=5, metadata={"env": "EX_LIMIT", "help": "a number"})
    name: str = field(default="", metadata={"env": "EX_NAME", "help": "a name"})
    size: int = field(default=1024, metadata={"env": "EX_SIZE", "unit": "bytes", "help": "a size"})
    timeout: float = field(default=5.0, metadata={"env": "EX_TIMEOUT", "unit": "seconds", "help": "a duration"})
    window: int = field(default=60, metadata={"env": "EX_WINDOW", "unit": "seconds", "help": "whole seconds"})
    mode: str = field(default="calm", metadata={"env": "EX_MODE", "choices": ("calm", "LOUD"), "help": "a choice"})
    workers: int = field(default=2, metadata={"env": "EX_WORKERS", "minimum": 1, "help": "a count that 0 would break"})
    grace: float = field(default=1.0, metadata={"env": "EX_GRACE", "unit": "seconds", "minimum": 0.001, "help": "a deadline"})


def read(env: str, raw: str):
    settings = envsettings.from_env(Example, {env: raw})
    name = next(f for f in fields(Example) if f.metadata["env"] == env).name
    return getattr(settings, name)


def test_each_variable_is_read_as_its_field_type():
    settings = envsettings.from_env(Example, {"EX_HOSTS": "A.example, b.example,", "EX_ENABLED": "No", "EX_LIMIT": "9", "EX_NAME": "n"})
    assert settings == Example(hosts=("a.example", "b.example"), enabled=False, limit=9, name="n")


@pytest.mark.parametrize(
    ("raw", "value"), [("true", True), ("TRUE", True), ("1", True), ("yes", True), ("False", False), ("0", False), ("no", False)]
)
def test_booleans_take_true_false_1_0_yes_no_in_any_case(raw, value):
    assert read("EX_ENABLED", raw) is value


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1048576", 1048576), ("512K", 512 * 1024), ("25M", 25 * 1024**2), ("1g", 1024**3), ("25MB", 25 * 1024**2), ("2 KiB", 2048)],
)
def test_sizes_take_bytes_or_k_m_g_units(raw, value):
    assert read("EX_SIZE", raw) == value


@pytest.mark.parametrize(("raw", "value"), [("7.5", 7.5), ("30", 30.0), ("500ms", 0.5), ("2s", 2.0), ("1.5m", 90.0), ("1h", 3600.0)])
def test_durations_take_seconds_or_ms_s_m_h_units(raw, value):
    assert read("EX_TIMEOUT", raw) == value


def test_whole_second_settings_take_units_but_refuse_fractions():
    assert read("EX_WINDOW", "5m") == 300
    with pytest.raises(SettingError, match="EX_WINDOW"):
        read("EX_WINDOW", "1.5s")


def test_a_choice_is_read_in_any_case_as_it_is_written():
    assert read("EX_MODE", "loud") == "LOUD"


@pytest.mark.parametrize(
    ("env", "raw", "takes"),
    [
        ("EX_ENABLED", "ture", "true or false (also 1/0, yes/no)"),
        ("EX_ENABLED", "on", "true or false (also 1/0, yes/no)"),
        ("EX_LIMIT", "3O", "a whole number (0 or more)"),
        ("EX_LIMIT", "-1", "a whole number (0 or more)"),
        ("EX_LIMIT", "2.5", "a whole number (0 or more)"),
        ("EX_SIZE", "3O", "bytes: a whole number, or with K, M or G (1K = 1024)"),
        ("EX_SIZE", "25T", "bytes: a whole number, or with K, M or G (1K = 1024)"),
        ("EX_TIMEOUT", "soon", "seconds: a number, or with ms, s, m or h (500ms)"),
        ("EX_TIMEOUT", "5 days", "seconds: a number, or with ms, s, m or h (500ms)"),
        ("EX_MODE", "quiet", "calm or LOUD"),
    ],
)
def test_a_value_that_cannot_be_read_is_one_line_naming_variable_value_and_kind(env, raw, takes):
    with pytest.raises(SettingError) as caught:
        envsettings.from_env(Example, {env: raw})
    assert str(caught.value) == f'{env}="{raw}" cannot be read; it takes {takes}'


@pytest.mark.parametrize(
    ("env", "raw", "takes"),
    [
        ("EX_WORKERS", "0", "a whole number (1 or more)"),
        ("EX_GRACE", "0", "seconds: a number, or with ms, s, m or h (500ms), at least 0.001"),
        ("EX_GRACE", "0.1ms", "seconds: a number, or with ms, s, m or h (500ms), at least 0.001"),
    ],
)
def test_a_value_below_its_minimum_is_one_line_naming_variable_value_and_what_it_takes(env, raw, takes):
    with pytest.raises(SettingError) as caught:
        envsettings.from_env(Example, {env: raw})
    assert str(caught.value) == f'{env}="{raw}" cannot be read; it takes {takes}'


def test_a_minimum_is_itself_allowed():
    assert (read("EX_WORKERS", "1"), read("EX_GRACE", "1ms")) == (1, 0.001)


def test_the_error_stays_one_line_when_the_value_holds_a_line_break():
    with pytest.raises(SettingError) as caught:
        envsettings.from_env(Example, {"EX_LIMIT": "3\n4"})
    assert str(caught.value) == 'EX_LIMIT="3\\n4" cannot be read; it takes a whole number (0 or more)'


def test_empty_variables_keep_the_defaults_and_overrides_win():
    assert envsettings.from_env(Example, {"EX_LIMIT": "", "EX_NAME": "env"}, name="override") == Example(name="override")


def test_describe_lists_variable_default_and_help():
    assert envsettings.describe(Example)[:4] == [
        ("EX_HOSTS", "", "hosts"),
        ("EX_ENABLED", "True", "on or off"),
        ("EX_LIMIT", "5", "a number"),
        ("EX_NAME", "", "a name"),
    ]


def test_takes_table_says_what_each_variable_takes():
    assert envsettings.takes_table(Example) == {
        "EX_HOSTS": "a comma-separated list",
        "EX_ENABLED": "true or false (also 1/0, yes/no)",
        "EX_LIMIT": "a whole number (0 or more)",
        "EX_NAME": "text",
        "EX_SIZE": "bytes: a whole number, or with K, M or G (1K = 1024)",
        "EX_TIMEOUT": "seconds: a number, or with ms, s, m or h (500ms)",
        "EX_WINDOW": "seconds: a whole number, or with s, m or h (5m)",
        "EX_MODE": "calm or LOUD",
        "EX_WORKERS": "a whole number (1 or more)",
        "EX_GRACE": "seconds: a number, or with ms, s, m or h (500ms), at least 0.001",
    }
