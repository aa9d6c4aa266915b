"""Near-duplicates: a wire repost with a new headline and first line is a copy; a rewrite is not."""

from __future__ import annotations

import pytest

from conftest import EXAMPLE
from storydiff.duplicates import DuplicateFinder, shingles
from storydiff.errors import SettingsError
from storydiff.settings import load_settings


@pytest.fixture(scope="module")
def original() -> str:
    return (EXAMPLE / "aljazeera.txt").read_text(encoding="utf-8")


def repost(text: str) -> str:
    """What a syndicating site does: its own headline, a new first line, a footer."""
    lines = text.split("\n")
    body = "\n".join(lines[2:])
    return (
        "Trump, Netanyahu meet again as Gaza truce talks drag on\n"
        "WASHINGTON (Wire) — Reposted from a partner outlet.\n"
        f"{body}\n"
        "Copyright 2025. All rights reserved."
    )


def test_a_repost_with_a_new_headline_is_a_copy_of_the_original(original):
    finder = DuplicateFinder(load_settings())
    assert finder.add("orig", original) is None
    assert finder.add("copy", repost(original)) == "orig"


def test_a_rewrite_of_the_same_event_is_not_a_copy(original):
    finder = DuplicateFinder(load_settings())
    finder.add("orig", original)
    rewrite = (EXAMPLE / "rewrite.txt").read_text(encoding="utf-8")
    assert finder.add("rewrite", rewrite) is None


def test_reposts_of_a_repost_name_the_first_original(original):
    finder = DuplicateFinder(load_settings())
    finder.add("orig", original)
    finder.add("copy", repost(original))
    second = repost(original).replace("Copyright 2025. All rights reserved.", "Shared via a news app.")
    assert finder.add("copy-of-copy", second) == "orig"
    assert finder.original_of("copy") == "orig"


def test_adding_an_id_twice_keeps_its_first_answer(original):
    finder = DuplicateFinder(load_settings())
    finder.add("orig", original)
    assert finder.add("orig", original) is None
    assert len(finder) == 1


def test_a_short_text_is_one_shingle_and_an_empty_one_none():
    assert shingles("Quake hits Iran", 5) == {b"quake hits iran"}
    assert shingles("  ", 5) == set()
    assert len(shingles("one two three four five six", 5)) == 2


def test_bad_settings_are_refused_up_front():
    settings = load_settings().with_overrides({"stories": {"duplicate_threshold": 1.5}})
    with pytest.raises(SettingsError, match="duplicate_threshold"):
        DuplicateFinder(settings)


def test_a_finder_rebuilt_from_stored_signatures_finds_the_same_copies(original):
    fed = DuplicateFinder(load_settings())
    stored = {"orig": fed.signature(original)}
    assert stored["orig"].shape == (128,)
    rebuilt = DuplicateFinder(load_settings())
    assert rebuilt.add("orig", signature=stored["orig"]) is None
    assert rebuilt.add("copy", repost(original)) == "orig"
    rewrite = (EXAMPLE / "rewrite.txt").read_text(encoding="utf-8")
    assert rebuilt.add("rewrite", signature=fed.signature(rewrite)) is None
    with pytest.raises(ValueError, match="text or its signature"):
        rebuilt.add("nothing")


def test_restored_articles_keep_their_stored_originals(original):
    finder = DuplicateFinder(load_settings())
    finder.restore("orig", None, original)
    finder.restore("copy", "orig", signature=finder.signature(repost(original)))
    assert finder.original_of("copy") == "orig"
    # a repost of the restored copy names the root, as in an uninterrupted run
    assert finder.add("copy-of-copy", repost(original) + "\nMore reactions to follow.") == "orig"


def test_restoring_many_at_once_builds_the_same_index_as_restoring_one_by_one():
    from conftest import real_texts

    texts = real_texts(40)
    rows = []  # (id, original, signature, text): reposts point at their original
    signer = DuplicateFinder(load_settings())
    for i, text in enumerate(texts[:30]):
        rows.append((f"a{i}", None, signer.signature(text), None))
        if i % 5 == 0:
            rows.append((f"r{i}", f"a{i}", None, "Shared by a reader:\n" + text + "\nMore to follow."))
    one_by_one, at_once = DuplicateFinder(load_settings()), DuplicateFinder(load_settings())
    for article_id, original, signature, text in rows:
        one_by_one.restore(article_id, original, text, signature=signature)
    at_once.restore_many(rows + rows[:3])  # ids seen before are skipped, as `restore` skips them
    assert len(at_once) == len(rows)
    for article_id, *_ in rows:
        assert list(at_once._lsh.keys.get(article_id)) == list(one_by_one._lsh.keys.get(article_id))
        assert at_once.original_of(article_id) == one_by_one.original_of(article_id)
    for band in range(one_by_one._lsh.b):
        assert at_once._lsh.hashtables[band]._dict == one_by_one._lsh.hashtables[band]._dict
    # and both answer later adds alike: reposts of restored articles and of restored copies, new texts
    for i, text in enumerate(texts[:30:3]):
        later = "Reposted:\n" + text + "\nCopyright 2025."
        assert at_once.add(f"later{i}", later) == one_by_one.add(f"later{i}", later) == f"a{i * 3}"
    for i, text in enumerate(texts[30:]):
        assert at_once.add(f"new{i}", text) is one_by_one.add(f"new{i}", text) is None
