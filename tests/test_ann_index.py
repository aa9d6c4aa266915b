"""The story clusterer's ANN index saved beside the database (store/ann_file.py).

A new process loads it instead of inserting every stored vector again, and
trusts it only when it holds exactly the articles the store holds: a missing,
stale, corrupt or foreign file is rebuilt from the store, without an error and
without touching the data. Loaded or rebuilt, new articles join the same stories.

The articles are real news texts (ECB+ dev when present, else the example
recombined), taken across the file so that they make many stories.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from storydiff.corpus import Corpus
from storydiff.stories import StoryClusterer
from storydiff.store import ann_file

from conftest import ROOT, real_texts, write_article


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    """Three folders of real articles: the corpus, then two later additions."""
    texts = real_texts(480)[::3]  # 160 texts from across the file
    root = tmp_path_factory.mktemp("news")
    folders = []
    for name, part in (("first", texts[:110]), ("second", texts[110:135]), ("third", texts[135:])):
        folder = root / name
        folder.mkdir()
        for i, text in enumerate(part):
            write_article(folder, f"{name}-{i:03d}.txt", text)
        folders.append(str(folder))
    return folders


@pytest.fixture(scope="module")
def built(tmp_path_factory, batches):
    """A corpus of the first folder, as `add` left it: the database and its saved index."""
    db = tmp_path_factory.mktemp("built") / "news.db"
    with Corpus(db) as corpus:
        assert corpus.add([batches[0]]).ok
        assert corpus.ann_status is None  # an empty store: nothing to restore
    assert ann_file.ann_path(db).exists()
    return db


def copy_corpus(db, to, with_index=True):
    to.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{to}{suffix}"):
            os.remove(f"{to}{suffix}")
        if os.path.exists(f"{db}{suffix}"):
            shutil.copy(f"{db}{suffix}", f"{to}{suffix}")
    if with_index:
        shutil.copy(ann_file.ann_path(db), ann_file.ann_path(to))
    return to


def add(db, folder):
    with Corpus(db) as corpus:
        summary = corpus.add([folder])
        assert summary.ok
        return summary.stories, corpus.ann_status


def stored(db):
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return (sorted(r[0] for r in con.execute("SELECT id FROM articles")),
                dict(con.execute("SELECT article_id, story_id FROM story_members")))
    finally:
        con.close()


@pytest.fixture(scope="module")
def rebuilt_stories(tmp_path_factory, built, batches):
    """Where the second folder's articles go when the index is rebuilt from the store (no file)."""
    db = copy_corpus(built, tmp_path_factory.mktemp("rebuilt") / "news.db", with_index=False)
    stories, status = add(db, batches[1])
    assert status == "rebuilt: no saved index"
    return stories


def test_a_new_process_loads_the_saved_index_instead_of_rebuilding_it(tmp_path, built, batches, rebuilt_stories,
                                                                      monkeypatch):
    db = copy_corpus(built, tmp_path / "news.db")

    def no_rebuild(self, first_key, vectors):
        raise AssertionError(f"{len(vectors)} vectors were indexed again although the saved index holds them")

    monkeypatch.setattr(StoryClusterer, "_index_vectors", no_rebuild)
    stories, status = add(db, batches[1])
    assert status == "loaded: 110 articles"
    assert stories == rebuilt_stories  # the same stories as with an index rebuilt from the store
    # the file now holds the new articles too, so the next process loads all of them
    with Corpus(db) as corpus:
        corpus._catch_up()
        assert corpus.ann_status == "loaded: 135 articles"


def test_a_missing_index_is_rebuilt_and_saved(tmp_path, built, batches, rebuilt_stories):
    db = copy_corpus(built, tmp_path / "news.db", with_index=False)
    assert not ann_file.ann_path(db).exists()
    stories, status = add(db, batches[1])
    assert status == "rebuilt: no saved index" and stories == rebuilt_stories
    assert ann_file.ann_path(db).exists()
    assert add(db, batches[2])[1] == "loaded: 135 articles"


def test_an_index_older_than_the_store_is_brought_up_to_date(tmp_path, built, batches, monkeypatch):
    """Another process added articles and was killed before saving its index (or an older save won):
    the file holds the first 110 articles, the store 135. Only the 25 are indexed again."""
    db = copy_corpus(built, tmp_path / "news.db")
    older = ann_file.ann_path(db).read_bytes()
    add(db, batches[1])  # the other process
    ann_file.ann_path(db).write_bytes(older)
    reference = copy_corpus(db, tmp_path / "reference" / "news.db", with_index=False)

    indexed = []
    inner = StoryClusterer._index_vectors
    monkeypatch.setattr(StoryClusterer, "_index_vectors",
                        lambda self, first, vectors: (indexed.append(len(vectors)), inner(self, first, vectors)))
    stories, status = add(db, batches[2])
    assert status == "loaded: 110 articles, 25 added since"
    assert indexed == [25]
    monkeypatch.undo()
    rebuilt, reference_status = add(reference, batches[2])
    assert reference_status == "rebuilt: no saved index"
    assert stories == rebuilt
    assert stored(db) == stored(reference)


def test_an_index_newer_than_the_store_is_rebuilt(tmp_path, built, batches, rebuilt_stories):
    """The database was put back from a backup but the index beside it holds more articles."""
    db = copy_corpus(built, tmp_path / "news.db")
    backup = copy_corpus(db, tmp_path / "backup" / "news.db", with_index=False)
    add(db, batches[1])
    copy_corpus(backup, db, with_index=False)
    stories, status = add(db, batches[1])
    assert status.startswith("rebuilt: the saved index holds other articles than the store")
    assert stories == rebuilt_stories


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _garbage(data: bytes) -> bytes:
    return os.urandom(len(data))


def _flipped_byte(data: bytes) -> bytes:
    middle = len(data) - 1000
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]


def _header_only(data: bytes) -> bytes:
    return data[:200]


def _empty(data: bytes) -> bytes:
    return b""


@pytest.mark.parametrize("damage, reason", [
    (_truncated, "the saved index is truncated"),
    (_garbage, "the saved index is not a storydiff index file"),
    (_flipped_byte, "the saved index is corrupt (checksum mismatch)"),
    (_header_only, "the saved index is truncated"),
    (_empty, "the saved index is not a storydiff index file"),
])
def test_a_damaged_index_is_rebuilt_without_error_or_data_loss(tmp_path, built, batches, rebuilt_stories,
                                                              damage, reason):
    db = copy_corpus(built, tmp_path / "news.db")
    before_ids, before_members = stored(db)
    path = ann_file.ann_path(db)
    path.write_bytes(damage(path.read_bytes()))
    stories, status = add(db, batches[1])
    assert status == f"rebuilt: {reason}"
    assert stories == rebuilt_stories
    ids, members = stored(db)
    assert set(before_ids) <= set(ids) and len(ids) == len(before_ids) + 25
    assert all(members[a] == s for a, s in before_members.items())  # nothing stored before moved
    assert add(db, batches[2])[1] == "loaded: 135 articles"  # and a sound file was saved in its place


def test_an_index_of_another_corpus_or_model_is_rebuilt(tmp_path, built, batches, rebuilt_stories):
    other = tmp_path / "other" / "news.db"
    other.parent.mkdir()
    add(other, batches[2])
    db = copy_corpus(built, tmp_path / "news.db")
    shutil.copy(ann_file.ann_path(other), ann_file.ann_path(db))
    stories, status = add(db, batches[1])
    assert status.startswith("rebuilt: the saved index holds other articles than the store")
    assert stories == rebuilt_stories

    db = copy_corpus(built, tmp_path / "model" / "news.db")
    found = ann_file.read(ann_file.ann_path(db))
    header, payload = found
    ann_file.save(ann_file.ann_path(db), payload, {**header, "model": "another-embedder+storydiff.stories.v0"})
    stories, status = add(db, batches[1])
    assert status.startswith("rebuilt: the saved index was made with another-embedder")
    assert stories == rebuilt_stories


def test_kill_9_during_the_save_leaves_the_old_index(tmp_path, built, batches):
    """A real process, killed after it committed its articles and wrote the new index to a temp file,
    before the rename: the old index stays whole and is loaded; the store holds the new articles."""
    db = copy_corpus(built, tmp_path / "news.db")
    old = ann_file.ann_path(db).read_bytes()
    script = textwrap.dedent(f"""
        import os, sys, time
        from storydiff.corpus import Corpus
        from storydiff.store import ann_file

        def stalled(fd):  # the temp file is written; hold here until killed
            print("saving", flush=True)
            time.sleep(300)

        ann_file.os.fsync = stalled
        with Corpus({str(db)!r}) as corpus:
            corpus.add([{batches[1]!r}])
        print("not killed", flush=True)
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")])}
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, cwd=str(ROOT), text=True)
    try:
        line = proc.stdout.readline()
        assert line == "saving\n", line + proc.stderr.read()[-2000:]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert ann_file.ann_path(db).read_bytes() == old
    leftovers = list(tmp_path.glob("news.db.stories-ann.*.tmp"))
    assert [p.name for p in leftovers] == [f"news.db.stories-ann.{proc.pid}.tmp"]

    ids, _ = stored(db)
    assert len(ids) == 135  # the killed add had committed
    stories, status = add(db, batches[2])
    assert status == "loaded: 110 articles, 25 added since"
    assert not leftovers[0].exists()  # the dead process's temp file was cleared by the next save
    assert add(db, batches[2]) == ({}, None)  # nothing new: no restore, and no error


def test_the_index_file_is_never_added_as_an_article(tmp_path, batches):
    folder = tmp_path / "news"
    shutil.copytree(batches[1], folder)
    db = folder / "news.db"
    with Corpus(db) as corpus:
        first = corpus.add([str(folder)])
        assert ann_file.ann_path(db).exists()
        (folder / "news.db.stories-ann.999999.tmp").write_bytes(b"left by a killed save")
        again = corpus.add([str(folder)])
    assert first.ok and again.ok and again.failed == [] and again.added == []
    assert len(again.duplicates) == len(first.added) + len(first.near_copies)
