"""Settings come from the environment, each with a default."""

from __future__ import annotations

import pytest

from common.envsettings import SettingError
from runtime.config import Settings


def test_every_setting_has_an_environment_variable_and_a_default():
    rows = Settings.describe()
    names = [env for env, _, _ in rows]
    assert "HIPCHAT_API_URL" in names
    assert len(names) == len(set(names))
    assert all(help_text for _, _, help_text in rows)


def test_settings_are_read_from_the_environment():
    settings = Settings.from_env(
        {
            "HIPCHAT_API_URL": "https://chat.example.com/v2",
            "HIPCHAT_READ_TIMEOUT": "7.5",
            "FILE_ALLOWED_HOSTS": "Files.Example.com, cdn.example.com",
            "FILE_ALLOW_PRIVATE": "true",
            "FILE_MAX_BYTES": "1024",
        }
    )
    assert settings.api_url == "https://chat.example.com/v2"
    assert settings.read_timeout == 7.5
    assert settings.file_allowed_hosts == ("files.example.com", "cdn.example.com")
    assert settings.file_allow_private is True
    assert settings.file_max_bytes == 1024


def test_an_empty_environment_gives_the_defaults():
    assert Settings.from_env({}) == Settings()


# Where 0 would refuse every call, answer, file or nested argument, or give the upstream or a File URL no time at all.
@pytest.mark.parametrize(
    "variable",
    [
        "HIPCHAT_CONNECT_TIMEOUT",
        "HIPCHAT_READ_TIMEOUT",
        "HIPCHAT_MAX_RESPONSE_BYTES",
        "RUNTIME_MAX_BODY_BYTES",
        "RUNTIME_MAX_JSON_DEPTH",
        "RUNTIME_MAX_ARRAY_ITEMS",
        "FILE_MAX_BYTES",
        "FILE_FETCH_TIMEOUT",
    ],
)
def test_0_is_refused_where_it_would_switch_off_or_break_the_setting_s_thing(variable):
    with pytest.raises(SettingError, match=f'^{variable}="0" cannot be read; it takes .*(1 or more|at least)'):
        Settings.from_env({variable: "0"})
