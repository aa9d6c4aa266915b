"""The SQLite store: migrations, idempotent writes, transactions, refusing files that are not ours."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from datetime import datetime

import numpy as np
import pytest

from storydiff.ingest import make_article
from storydiff.store import Store, StoreError, UnknownStoryError, members_hash
from storydiff.store.migrations import MIGRATIONS
from storydiff.store.reports import report_from_dict

from conftest import EXAMPLE

TEXT_A = (EXAMPLE / "aljazeera.txt").read_text(encoding="utf-8")
TEXT_B = (EXAMPLE / "rewrite.txt").read_text(encoding="utf-8")


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "corpus.db") as s:
        yield s


def test_new_file_is_wal_and_records_every_migration(tmp_path):
    path = tmp_path / "sub" / "corpus.db"
    with Store.open(path) as s:
        names = [name for name, _ in MIGRATIONS]
        assert s.migrations() == names
        assert s.schema_version == len(names)
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.db.execute("PRAGMA busy_timeout").fetchone()[0] == 60_000
    # The version can be read without storydiff.
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert [r[0] for r in raw.execute("SELECT name FROM _migrations ORDER BY id")] == names


def test_reopening_applies_nothing_twice(tmp_path):
    path = tmp_path / "corpus.db"
    Store.open(path).close()
    with Store.open(path) as s:
        assert s.db.execute("SELECT count(*) FROM _migrations").fetchone()[0] == len(MIGRATIONS)


def test_only_new_migrations_are_applied(tmp_path, monkeypatch):
    from storydiff.store import migrations

    path = tmp_path / "corpus.db"
    Store.open(path).close()

    def m999_extra(db):
        db.execute("CREATE TABLE extra (x)")

    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS + [("m999_extra", m999_extra)])
    with Store.open(path) as s:
        assert s.migrations()[-1] == "m999_extra"
        assert s.schema_version == len(MIGRATIONS) + 1
        s.db.execute("SELECT x FROM extra")


def test_file_from_a_newer_storydiff_is_refused(tmp_path):
    path = tmp_path / "corpus.db"
    Store.open(path).close()
    raw = sqlite3.connect(path)
    raw.execute("INSERT INTO _migrations (name, applied_at) VALUES ('m900_future', 'x')")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="newer storydiff.*m900_future"):
        Store.open(path)


@pytest.mark.parametrize("content", [b"just some notes\n" * 10, b"\x89PNG\r\n\x1a\n" + bytes(200)])
def test_a_file_that_is_not_sqlite_is_named_and_left_untouched(tmp_path, content):
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(StoreError) as info:
        Store.open(path)
    assert str(path) in str(info.value) and "not an SQLite file" in str(info.value)
    assert path.read_bytes() == content
    assert not (tmp_path / "notes.db-wal").exists()


def test_a_corrupt_sqlite_file_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "corpus.db"
    with Store.open(path) as s:
        s.insert_articles([make_article(TEXT_A, "a.txt")])
        s.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # keep the magic header, wreck the schema page
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="not a usable SQLite database") as info:
        Store.open(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == bytes(data)


def test_a_corpus_another_process_holds_locked_is_opened_not_refused(tmp_path):
    # Two `add`s started at once: while one creates the file, the other's probe found it locked and
    # refused it as "not a usable SQLite database (database is locked)".
    from storydiff.store import check_file

    path = tmp_path / "corpus.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("CREATE TABLE t (x)")  # the file exists, and nobody else may read it
    try:
        check_file(path, busy_timeout_s=0.1)  # busy, not broken
        started = time.monotonic()
        with pytest.raises(StoreError, match=r"is held by another process \(waited \d+ s\); try again"):
            Store.open(path, busy_timeout_ms=300)  # tried again until the timeout, then says why
        assert time.monotonic() - started >= 0.3
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    Store.open(path).close()


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(StoreError, match="is a directory"):
        Store.open(tmp_path)


def test_the_same_article_is_stored_once(store):
    a, b = make_article(TEXT_A, "a.txt"), make_article(TEXT_B, "b.txt")
    assert [x.id for x in store.insert_articles([a, b])] == [a.id, b.id]
    again = make_article(TEXT_A.replace("\n", "\n\n"), "elsewhere/a.txt")  # same words, other layout
    assert again.id == a.id
    assert store.insert_articles([again, a]) == []
    assert store.article_count() == 2
    assert store.article(a.id).source == "a.txt"  # the first arrival is kept
    assert [x.id for x in store.articles()] == [a.id, b.id]


def test_a_failed_transaction_leaves_nothing(store):
    a, b = make_article(TEXT_A, "a.txt"), make_article(TEXT_B, "b.txt")
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.insert_articles([a])
            store.assign({a.id: "s1"})
            raise RuntimeError("killed mid-batch")
    assert store.article_count() == 0 and store.memberships() == {}
    store.insert_articles([b])
    assert store.article_count() == 1


def test_signals_round_trip_as_float32(store):
    from types import SimpleNamespace

    a = make_article(TEXT_A, "a.txt")
    store.insert_articles([a])
    vec = np.linspace(-1, 1, 384).astype(np.float32)
    store.put_signals([SimpleNamespace(article_id=a.id, vector=vec, entities=frozenset({"Gaza", "Trump"}),
                                       figures=frozenset({"57,575"}), published=datetime(2025, 7, 8))], "m")
    [got] = store.signals_after(0)
    assert got.vector.dtype == np.float32 and np.array_equal(got.vector, vec)
    assert got.entities == {"Gaza", "Trump"} and got.figures == {"57,575"}
    assert got.published == "2025-07-08T00:00:00"
    assert store.signals_after(got.seq) == []


def test_stories_members_and_prefixes(store):
    a, b = make_article(TEXT_A, "a.txt"), make_article(TEXT_B, "b.txt")
    store.insert_articles([a, b])
    store.assign({a.id: "story-one", b.id: "story-two"})
    assert store.resolve_story("story-o") == "story-one"
    with pytest.raises(UnknownStoryError, match=r"matches 2 stories \(story-one, story-two\); give more"):
        store.resolve_story("story")
    with pytest.raises(UnknownStoryError, match="no story 'nope'"):
        store.resolve_story("nope")
    store.assign({b.id: "story-one"}, manual=True)
    assert store.members("story-one") == [a.id, b.id]
    assert store.story_ids() == ["story-one"]  # the emptied story is gone
    assert store.manual_members() == {b.id}


def test_a_story_is_dropped_only_once_its_last_member_leaves(store):
    a, b, c = (make_article(t, f"{i}.txt") for i, t in enumerate((TEXT_A, TEXT_B, TEXT_A + " More.")))
    store.insert_articles([a, b, c])
    store.assign({a.id: "one", b.id: "two", c.id: "two"})
    store.assign({b.id: "one"})
    assert store.story_ids() == ["one", "two"]  # c is still in "two"
    store.assign({c.id: "three"})
    assert set(store.story_ids()) == {"one", "three"}
    # re-clustering empties every story first; the unused ones go after the new assignment
    with store.transaction():
        store.clear_memberships()
        store.assign({a.id: "one", b.id: "one", c.id: "one"})
        store.drop_empty_stories()
    assert store.story_ids() == ["one"]


def test_the_id_of_a_story_merged_away_still_resolves_to_where_its_articles_went(store):
    a, b, c = (make_article(t, f"{i}.txt") for i, t in enumerate((TEXT_A, TEXT_B, TEXT_A + " More.")))
    store.insert_articles([a, b, c])
    store.assign({a.id: "one", b.id: "two", c.id: "two"})
    store.assign({b.id: "one", c.id: "three"})  # "two" empties: one article each way, a tie
    assert set(store.story_ids()) == {"one", "three"}
    assert store.resolve_story("two") == "three"  # the tie goes to the later name, every time
    assert store.resolve_story("tw") == "three"  # a prefix of a former id works too
    store.assign({a.id: "three", b.id: "three"})  # "one" goes the same way
    assert store.resolve_story("one") == "three"
    store.assign({a.id: "four", b.id: "four", c.id: "four"})  # an alias of an alias: the chain is followed
    assert store.resolve_story("two") == store.resolve_story("three") == "four"
    assert store.resolve_story("four") == "four"
    with pytest.raises(UnknownStoryError, match="no story 'five'"):
        store.resolve_story("five")
    # whether an id was reached through an alias is said, not guessed from the ids' text
    assert store.find_story("two") == ("four", True) and store.find_story("thr") == ("four", True)
    assert store.find_story("fo") == ("four", False)


def test_reclustering_aliases_each_vanished_story_to_where_most_of_its_articles_are(store):
    arts = [make_article(t, f"{i}.txt") for i, t in enumerate((TEXT_A, TEXT_B, TEXT_A + " More.", TEXT_B + " More."))]
    store.insert_articles(arts)
    a, b, c, d = (x.id for x in arts)
    store.assign({a: "old-1", b: "old-1", c: "old-1", d: "old-2"})
    with store.transaction():
        held = store.clear_memberships()
        store.assign({a: "new-1", b: "new-1", c: "new-2", d: "new-2"})
        store.drop_empty_stories(held)
    assert set(store.story_ids()) == {"new-1", "new-2"}
    assert store.resolve_story("old-1") == "new-1"  # two of its three articles
    assert store.resolve_story("old-2") == "new-2"
    # a story that comes back under its old id is itself again, not its alias
    store.assign({d: "old-2"})
    assert store.resolve_story("old-2") == "old-2"


def test_comparison_cache_is_keyed_by_members_and_versions(store):
    v1 = {"claims": "c.v1"}
    store.put_comparison("s", members_hash(["a", "b"]), v1, {"x": 1})
    assert store.cached_comparison("s", members_hash(["b", "a"]), v1) == {"x": 1}
    assert store.cached_comparison("s", members_hash(["a", "b", "c"]), v1) is None
    assert store.cached_comparison("s", members_hash(["a", "b"]), {"claims": "c.v2"}) is None
    store.put_comparison("s", members_hash(["a"]), v1, {"x": 2})
    assert store.comparison_count() == 1  # the stale one is replaced


def test_report_round_trips_through_its_json(example_report):
    from storydiff.report import render, to_dict

    back = report_from_dict(to_dict(example_report))
    assert to_dict(back) == to_dict(example_report)
    assert render(back, "markdown") == render(example_report, "markdown")


def test_a_second_store_in_one_process_keeps_the_first_ones_locks(tmp_path):
    # The web server opens one store per worker thread. Checking the file with open() and close() dropped
    # every POSIX lock the process held on it; a CLI command's connection closing in another process then
    # believed itself the last user and deleted the WAL under the server (database disk image is malformed).
    path = tmp_path / "corpus.db"
    first = Store.open(path)
    first.insert_articles([make_article(TEXT_A, "a.txt")])
    second = Store.open(path)
    other = f"import sqlite3; c = sqlite3.connect({str(path)!r}); c.execute('SELECT count(*) FROM articles').fetchone(); c.close()"
    subprocess.run([sys.executable, "-c", other], check=True)
    assert (tmp_path / "corpus.db-wal").exists() and (tmp_path / "corpus.db-shm").exists()
    assert first.db.execute("SELECT count(*) FROM articles").fetchone() == (1,)
    second.close()
    first.close()
