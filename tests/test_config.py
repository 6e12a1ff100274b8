from __future__ import annotations

from pathlib import Path

import pytest

from feeds.config import find_config, load_settings
from feeds.errors import ConfigError

GOOD = """
base_url = "https://example.org/news"
id_authority = "example.org"
id_date = "2024-01-01"
title = "Example"
timezone = "Europe/Berlin"
entries_per_feed = 20
articles = "texts"

[zones]
ET = "America/New_York"
"""


def test_feeds_toml_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.feeds]\ntitle = "Other"\n')
    (tmp_path / "feeds.toml").write_text(GOOD)
    assert find_config(tmp_path) == tmp_path / "feeds.toml"
    settings = load_settings(config_file=None, cwd=tmp_path, overrides={})
    assert settings.base_url == "https://example.org/news/"  # a trailing slash is added
    assert settings.title == "Example"
    assert settings.entries_per_feed == 20
    assert settings.articles == tmp_path / "texts"  # relative to the settings file
    assert settings.output == tmp_path / "output"
    assert dict(settings.zones) == {"ET": "America/New_York"}


def test_pyproject_tool_feeds(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.feeds]\n" + GOOD.split("[zones]")[0])
    settings = load_settings(config_file=None, cwd=tmp_path, overrides={})
    assert settings.timezone == "Europe/Berlin"


def test_command_line_wins(tmp_path: Path) -> None:
    (tmp_path / "feeds.toml").write_text(GOOD)
    elsewhere = tmp_path / "cwd"
    settings = load_settings(config_file=tmp_path / "feeds.toml", cwd=elsewhere,
                             overrides={"base_url": "https://cdn.example.net/", "output": Path("out"),
                                        "articles": None})
    assert settings.base_url == "https://cdn.example.net/"
    assert settings.output == elsewhere / "out"  # relative to where the command runs
    assert settings.articles == tmp_path / "texts"


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    (tmp_path / "feeds.toml").write_text(
        'base_url = "ftp://x"\nid_date = "2024-13-01"\ntimezone = "Mars/Base"\n'
        'entries_per_feed = 0\nlanguage = "English"\ncolour = "blue"\n'
    )
    with pytest.raises(ConfigError) as info:
        load_settings(config_file=None, cwd=tmp_path, overrides={})
    message = str(info.value)
    assert message.startswith(f"Invalid settings in {tmp_path / 'feeds.toml'}:\n")
    for words in ("unknown setting 'colour'", "base_url 'ftp://x' must be an absolute http(s) URL",
                  "id_authority is missing", "id_date '2024-13-01' must be a real date",
                  "timezone 'Mars/Base' is not an IANA time zone", "entries_per_feed must be at least 1",
                  "language 'English' must be a language tag"):
        assert words in message


def test_no_settings_at_all_says_what_to_add(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="base_url is missing"):
        load_settings(config_file=None, cwd=tmp_path, overrides={})


def test_wrong_types_and_bad_toml(tmp_path: Path) -> None:
    (tmp_path / "feeds.toml").write_text('base_url = 5\nentries_per_feed = "ten"\n')
    with pytest.raises(ConfigError, match="base_url must be a str, not int"):
        load_settings(config_file=None, cwd=tmp_path, overrides={})
    (tmp_path / "feeds.toml").write_text("base_url = \n")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_settings(config_file=None, cwd=tmp_path, overrides={})


def test_archives_is_a_switch_that_is_off_unless_asked_for(tmp_path: Path) -> None:
    (tmp_path / "feeds.toml").write_text(GOOD)
    assert not load_settings(config_file=None, cwd=tmp_path, overrides={}).archives
    (tmp_path / "feeds.toml").write_text(GOOD.replace("[zones]", "archives = true\n\n[zones]"))
    assert load_settings(config_file=None, cwd=tmp_path, overrides={}).archives
    (tmp_path / "feeds.toml").write_text(GOOD.replace("[zones]", 'archives = "yes"\n\n[zones]'))
    with pytest.raises(ConfigError, match="archives must be a bool, not str"):
        load_settings(config_file=None, cwd=tmp_path, overrides={})
    (tmp_path / "feeds.toml").write_text(GOOD.replace("entries_per_feed = 20", "entries_per_feed = true"))
    with pytest.raises(ConfigError, match="entries_per_feed must be a int, not bool"):
        load_settings(config_file=None, cwd=tmp_path, overrides={})


def test_a_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Cannot read the settings file"):
        load_settings(config_file=tmp_path / "nope.toml", cwd=tmp_path, overrides={})
