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


@pytest.mark.parametrize("line, words", [
    ('[align]\nmin_score = "high"\n', ["[align] min_score", "a number", "0.52", "'high'"]),
    ("[align]\nmin_score = true\n", ["[align] min_score", "a number", "True"]),
    ("[store]\nbatch_size = 6.5\n", ["[store] batch_size", "a whole number", "6.5"]),
    ("[fetch]\nallow_private = 1\n", ["[fetch] allow_private", "true or false", "1"]),
    ("[embedder]\nbackend = 3\n", ["[embedder] backend", "a string", "3"]),
])
def test_a_value_of_the_wrong_type_names_the_setting_the_type_and_the_value(tmp_path, line, words):
    path = tmp_path / "settings.toml"
    path.write_text(line)
    with pytest.raises(SettingsError) as err:
        load_settings(path)
    assert str(path) in str(err.value)
    for word in words:
        assert word in str(err.value)


def test_a_whole_number_is_a_number(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("[align]\nmin_score = 1\n")
    assert load_settings(path).get("align", "min_score") == 1


def test_overrides_are_checked_like_a_file():
    with pytest.raises(SettingsError, match=r"\[store\] batch_size"):
        load_settings().with_overrides({"store": {"batch_size": "64"}})


def test_timeouts_in_seconds_take_fractions(tmp_path):
    # The type check reads the default's type: a timeout written "60" would refuse "2.5".
    from storydiff.settings import load_settings

    path = tmp_path / "s.toml"
    path.write_text("[judge]\nllm_timeout_s = 2.5\n[fetch]\nconnect_timeout_s = 0.5\nread_timeout_s = 1.5\n"
                    "total_timeout_s = 7.5\n", encoding="utf-8")
    settings = load_settings(path)
    assert settings.get("judge", "llm_timeout_s") == 2.5 and settings.get("fetch", "total_timeout_s") == 7.5
