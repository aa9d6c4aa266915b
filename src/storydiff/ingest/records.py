"""JSON and JSONL records -> article fields, one FormatError per bad record."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..errors import EmptyInputError, FormatError, InputError

TEXT_FIELDS = ("text", "body", "content")
META_FIELDS = {
    "title": ("title", "headline"),
    "outlet": ("outlet", "source", "site"),
    "published": ("published", "date", "published_at", "publishedAt"),
    "url": ("url", "link"),
}
_JSONL_SUFFIXES = (".jsonl", ".ndjson")


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


def parse_json(source: str, text: str) -> tuple[str, Any] | None:
    """Return ("json", value) or ("jsonl", None) if the text is JSON/JSONL, else None.

    Content decides; the extension only turns "not JSON after all" into an error.
    """
    name = source.lower()
    if name.endswith(_JSONL_SUFFIXES):
        return "jsonl", None
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return "json", json.loads(text)
        except json.JSONDecodeError as err:
            first_line = stripped.split("\n", 1)[0]
            if stripped.startswith("{") and _is_json_object(first_line):
                return "jsonl", None
            if name.endswith(".json"):
                raise FormatError(
                    source, f"is not valid JSON ({json_error(err)}); fix the file"
                ) from None
    return None


def json_error(err: json.JSONDecodeError, line: int | None = None) -> str:
    """The decoder's own message and position ("Expecting value: line 3 column 10"); `line` is the
    file's line number when one JSONL line was decoded alone."""
    return f"{err.msg}: line {line or err.lineno} column {err.colno}"


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False


def record_fields(where: str, record: Any) -> dict[str, str | None]:
    """A record's text and metadata, or a FormatError naming the fields it has."""
    if not isinstance(record, dict):
        raise FormatError(where, f"is {_type_name(record)}, not an object with a 'text' field")
    text = None
    for key in TEXT_FIELDS:
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise FormatError(where, f"field '{key}' is {_type_name(value)}; it should be the article text as a string")
        if value.strip():
            text = value
            break
    if text is None:
        fields = ", ".join(repr(k) for k in record) or "none"
        raise FormatError(
            where,
            f"has no article text: expected a non-empty 'text', 'body' or 'content' field; its fields are: {fields}",
        )
    fields: dict[str, str | None] = {"text": text}
    for name, keys in META_FIELDS.items():
        fields[name] = None
        for key in keys:
            value = record.get(key)
            if isinstance(value, dict) and name == "outlet":
                value = value.get("name")  # NewsAPI-style {"id": ..., "name": "BBC News"}
            if value is None or value == "":
                continue
            if not isinstance(value, str):
                raise FormatError(where, f"field '{key}' is {_type_name(value)}; it should be a string")
            fields[name] = value
            break
    return fields


def iter_json_records(source: str, value: Any) -> Iterator[tuple[str, Any]]:
    """(where, record) pairs of a parsed JSON document: one object or a list of objects."""
    if isinstance(value, dict):
        if not any(k in value for k in TEXT_FIELDS) and value and all(
            isinstance(v, dict) or k.startswith("_") for k, v in value.items()
        ):
            raise FormatError(
                source,
                "looks like a metadata sidecar (file names mapped to metadata), not an article; "
                "pass the text files it describes instead",
            )
        yield source, value
    elif isinstance(value, list):
        if not value:
            raise EmptyInputError(source, "is an empty JSON list; it holds no articles")
        for index, record in enumerate(value, start=1):
            yield f"record {index} of {source}", record
    else:
        raise InputError(source, f"is JSON holding {_type_name(value)}; expected an object or a list of objects")


def iter_jsonl_records(source: str, text: str) -> Iterator[tuple[str, Any] | FormatError]:
    """(where, record) per non-blank line, or a FormatError for a line that is not JSON."""
    for number, line in enumerate(text.split("\n"), start=1):  # not splitlines: U+2028 may sit inside a JSON string
        if not line.strip():
            continue
        where = f"line {number} of {source}"
        try:
            yield where, json.loads(line)
        except json.JSONDecodeError as err:
            yield FormatError(where, f"is not valid JSON ({json_error(err, number)}); fix or remove the line")
