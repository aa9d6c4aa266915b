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
ECB = SHARED_DATA / "stories" / "ecbplus-dev.jsonl"


def write_article(folder: Path, name: str, text: str, **meta) -> str:
    """An input file for `add`: a JSON record with metadata when given, else plain text."""
    path = folder / name
    if meta:
        path.write_text(json.dumps({"text": text, **meta}), encoding="utf-8")
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def real_texts(n: int) -> list[str]:
    """`n` distinct real article texts: ECB+ dev when present, else paragraphs of the example recombined."""
    from storydiff.ingest import article_id

    texts: list[str] = []
    if ECB.exists():
        with ECB.open(encoding="utf-8") as f:
            for line in f:
                text = json.loads(line).get("text") or ""
                if len(text) >= 200:
                    texts.append(text)
    else:
        paragraphs = [p for path in (EXAMPLE / "aljazeera.txt", EXAMPLE / "rewrite.txt")
                      for p in path.read_text(encoding="utf-8").split("\n") if len(p) > 80]
        for i in range(len(paragraphs)):
            for j in range(len(paragraphs)):
                if i != j:
                    texts.append(paragraphs[i] + "\n" + paragraphs[j])
    unique = list({article_id(t): t for t in texts}.values())
    if len(unique) < n:
        pytest.skip(f"only {len(unique)} distinct real texts available, {n} needed")
    return unique[:n]


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
