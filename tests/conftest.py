"""Shared fixtures: the example pair, read the way a user's files are."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "gaza-talks"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"


def write_article(folder: Path, name: str, text: str, **meta) -> str:
    """An input file for `add`: a JSON record with metadata when given, else plain text."""
    path = folder / name
    if meta:
        path.write_text(json.dumps({"text": text, **meta}), encoding="utf-8")
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture(scope="session")
def example_paths() -> list[str]:
    return [str(EXAMPLE / "aljazeera.txt"), str(EXAMPLE / "rewrite.txt")]


@pytest.fixture(scope="session")
def example_report(example_paths):
    import storydiff

    return storydiff.compare(example_paths)


@pytest.fixture
def stories_module():
    """storydiff.stories, for tests that read its settings or stage version."""
    import storydiff.stories

    return storydiff.stories
