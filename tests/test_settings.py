import pytest

from storydiff.errors import SettingsError
from storydiff.settings import load_settings


def test_defaults_load():
    settings = load_settings()
    assert settings.get("embedder", "backend") == "minilm"
    assert settings.get("ingest", "max_input_bytes") > 0


def test_user_file_overlays_only_its_keys(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("[align]\nmin_score = 0.7\n")
    settings = load_settings(path)
    assert settings.get("align", "min_score") == 0.7
    assert settings.get("align", "semantic_weight") == load_settings().get("align", "semantic_weight")


def test_unknown_key_names_the_file_and_lists_valid_keys(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("[align]\nmin_scor = 0.7\n")
    with pytest.raises(SettingsError) as err:
        load_settings(path)
    assert str(path) in str(err.value) and "min_score" in str(err.value)


def test_broken_toml_is_reported(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("[align\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(path)


def test_env_variable_points_at_settings(tmp_path, monkeypatch):
    path = tmp_path / "s.toml"
    path.write_text("[judge]\nbackend = \"llm\"\n")
    monkeypatch.setenv("STORYDIFF_SETTINGS", str(path))
    assert load_settings().get("judge", "backend") == "llm"
