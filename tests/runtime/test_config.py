"""Settings come from the environment, each with a default."""

from __future__ import annotations

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
