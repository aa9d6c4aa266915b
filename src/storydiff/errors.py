"""Typed errors. Each names the input it concerns and says what to do."""

from __future__ import annotations


class StorydiffError(Exception):
    """Base class for every error storydiff raises on purpose."""


class InputError(StorydiffError):
    """An input could not be read as an article.

    `source` names the input (a path, "-", a URL) and `reason` says why,
    in words a user can act on.
    """

    code = "E001"

    def __init__(self, source: str, reason: str):
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class EmptyInputError(InputError):
    code = "E002"


class BinaryInputError(InputError):
    code = "E003"


class EncodingError(InputError):
    code = "E004"


class NoArticleTextError(InputError):
    code = "E005"


class TooLargeError(InputError):
    code = "E006"


class FormatError(InputError):
    """A JSON/JSONL record is malformed or lacks a text field."""

    code = "E007"


class SettingsError(StorydiffError):
    """A setting names something that does not exist; the message lists valid values."""

    code = "E101"


class ModelUnavailableError(StorydiffError):
    """A model or endpoint named in the settings cannot be loaded or reached."""

    code = "E102"
