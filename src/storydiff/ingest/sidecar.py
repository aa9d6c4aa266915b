"""metadata.json beside plain-text files: file name -> {outlet, title, published, url, note}."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import FormatError

SIDECAR_NAME = "metadata.json"
SIDECAR_FIELDS = ("outlet", "title", "published", "url", "note")


def sidecar_metadata(path: Path, source: str) -> dict[str, str | None]:
    """The sidecar entry for `path`, or {} when there is no sidecar or no entry.

    Keys starting with "_" are comments. A broken sidecar is an error for the
    file it describes: silently dropping an outlet name would mislabel reports.
    """
    sidecar = path.parent / SIDECAR_NAME
    if path.name == SIDECAR_NAME or not sidecar.is_file():
        return {}

    def broken(why: str) -> FormatError:
        return FormatError(source, f"its metadata sidecar {sidecar} {why}; fix it or remove it")

    try:
        mapping = json.loads(sidecar.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as err:
        raise broken(f"is not valid JSON ({err.msg}, line {err.lineno} column {err.colno})") from None
    except (OSError, UnicodeDecodeError) as err:
        raise broken(f"cannot be read ({err})") from None
    if not isinstance(mapping, dict):
        raise broken("should be a JSON object mapping file names to metadata")
    entry = mapping.get(path.name)
    if entry is None:
        return {}
    if not isinstance(entry, dict):
        raise broken(f"maps {path.name!r} to something other than an object")
    unknown = sorted(set(entry) - set(SIDECAR_FIELDS))
    if unknown:
        raise broken(f"has unknown field(s) {', '.join(unknown)} for {path.name!r}; valid: {', '.join(SIDECAR_FIELDS)}")
    for key, value in entry.items():
        if value is not None and not isinstance(value, str):
            raise broken(f"gives {path.name!r} a {key!r} that is not a string or null")
    return {key: entry.get(key) for key in SIDECAR_FIELDS}
