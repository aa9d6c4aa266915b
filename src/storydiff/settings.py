"""One settings object, passed through: shipped defaults overlaid by the user's file."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SettingsError

DEFAULTS_PATH = Path(__file__).with_name("defaults.toml")
USER_PATH = Path.home() / ".config" / "storydiff" / "settings.toml"


@dataclass(frozen=True)
class Settings:
    values: dict[str, dict[str, Any]] = field(default_factory=dict)

    def get(self, section: str, key: str) -> Any:
        try:
            return self.values[section][key]
        except KeyError:
            raise SettingsError(f"no setting [{section}] {key}") from None

    def with_overrides(self, overrides: dict[str, dict[str, Any]]) -> Settings:
        return Settings(_overlay(self.values, overrides, source="overrides"))


def _overlay(base: dict, extra: dict, source: str) -> dict:
    merged = {section: dict(keys) for section, keys in base.items()}
    for section, keys in extra.items():
        if section not in merged:
            raise SettingsError(f"{source}: unknown section [{section}]; valid: {', '.join(sorted(merged))}")
        for key, value in keys.items():
            if key not in merged[section]:
                valid = ", ".join(sorted(merged[section]))
                raise SettingsError(f"{source}: unknown setting [{section}] {key}; valid: {valid}")
            _check_type(source, section, key, value, merged[section][key])
            merged[section][key] = value
    return merged


_TYPE_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a string", list: "a list"}


def _check_type(source: str, section: str, key: str, value: Any, default: Any) -> None:
    """A value must have its default's type: code reading [align] min_score compares it with numbers."""
    expected = type(default)
    if expected is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)  # 1 is as good as 1.0
    else:
        ok = type(value) is expected  # exact: a bool is an int to isinstance, never a number here
    if not ok:
        wanted = _TYPE_NAMES.get(expected, expected.__name__)
        raise SettingsError(f"{source}: [{section}] {key} must be {wanted} (like the default {default!r}), "
                            f"not {value!r}")


def load_settings(path: str | Path | None = None) -> Settings:
    """Defaults, overlaid by `path`, else $STORYDIFF_SETTINGS, else the user file if present."""
    values = tomllib.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))
    user = path or os.environ.get("STORYDIFF_SETTINGS") or (USER_PATH if USER_PATH.exists() else None)
    if user:
        user = Path(user)
        try:
            overlay = tomllib.loads(user.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SettingsError(f"{user}: settings file not found") from None
        except tomllib.TOMLDecodeError as err:
            raise SettingsError(f"{user}: not valid TOML ({err})") from None
        values = _overlay(values, overlay, source=str(user))
    return Settings(values)
