"""Reliability of `storydiff add`, with real processes and a real SQLite file.

- kill -9 in the middle of a large add, then the same add again;
- two processes adding overlapping inputs into one file at once;
- a folder where 10% of the files are malformed.

The articles are real news texts: the ECB+ dev file when it is present
(../shared/data/stories/ecbplus-dev.jsonl), else paragraphs of the example
articles recombined. The subprocesses run the real CLI (`python -m storydiff.cli`).
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from storydiff.corpus import Corpus
from storydiff.ingest import article_id

from conftest import FIXTURES, ROOT, real_texts


def write_folder(folder: Path, texts: list[str], start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, text in enumerate(texts, start):
        path = folder / f"a{i:04d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def settings_file(tmp_path: Path, batch_size: int) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(f"[store]\nbatch_size = {batch_size}\nbusy_timeout_ms = 120000\n")
    return path


def run_add(db: Path, *inputs: Path, settings: Path) -> subprocess.Popen:
    # this checkout's src first: the venv's editable install may point at another worktree
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")]), "COLUMNS": "200"}
    return subprocess.Popen([sys.executable, "-m", "storydiff.cli", "add", *map(str, inputs), "--db", str(db),
                             "--settings", str(settings)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=str(ROOT))


def count_articles(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
        try:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0  # not created / not migrated yet


def assert_consistent(db: Path, texts: list[str]) -> None:
    """integrity ok; each text stored exactly once, with one story membership and one embedding."""
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    ids = [r[0] for r in con.execute("SELECT id FROM articles")]
    assert len(ids) == len(set(ids))
    assert set(ids) == {article_id(t) for t in texts}
    seqs = [r[0] for r in con.execute("SELECT seq FROM articles")]
    assert len(seqs) == len(set(seqs))
    members = dict(con.execute("SELECT article_id, story_id FROM story_members"))
    assert set(members) == set(ids)
    stories = {r[0] for r in con.execute("SELECT id FROM stories")}
    assert set(members.values()) == stories  # no story without members, no member without a story
    assert {r[0] for r in con.execute("SELECT article_id FROM embeddings")} == set(ids)
    copies = dict(con.execute("SELECT article_id, copy_of FROM duplicates"))
    assert set(copies) <= set(ids) and set(copies.values()) <= set(ids)
    con.close()


def test_kill_9_during_add_then_rerun(tmp_path):
    texts = real_texts(300)
    folder = tmp_path / "news"
    write_folder(folder, texts)
    db = tmp_path / "corpus.db"
    settings = settings_file(tmp_path, batch_size=8)

    proc = run_add(db, folder, settings=settings)
    deadline = time.monotonic() + 240
    seen = 0
    while time.monotonic() < deadline and proc.poll() is None:
        seen = count_articles(db)
        if seen >= 16:
            break
        time.sleep(0.01)
    assert proc.poll() is None, f"add finished or failed before it could be killed: {proc.stderr.read()[-2000:]}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    stored_at_kill = count_articles(db)
    assert 16 <= stored_at_kill < len(texts), stored_at_kill

    # After the kill: the file is sound and every stored batch is whole.
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    partial = {r[0] for r in con.execute("SELECT id FROM articles")}
    assert {r[0] for r in con.execute("SELECT article_id FROM story_members")} == partial
    assert {r[0] for r in con.execute("SELECT article_id FROM embeddings")} == partial
    con.close()

    again = run_add(db, folder, settings=settings)
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err.decode()[-3000:]
    assert_consistent(db, texts)
    summary = err.decode()
    assert "duplicate" in summary and str(stored_at_kill) in summary  # the first run's articles, not re-added


def test_two_processes_adding_overlapping_inputs(tmp_path):
    texts = real_texts(160)
    left, right = tmp_path / "left", tmp_path / "right"
    write_folder(left, texts[:100])
    write_folder(right, texts[60:], start=60)  # 40 texts in both folders
    db = tmp_path / "corpus.db"
    settings = settings_file(tmp_path, batch_size=8)

    procs = [run_add(db, left, settings=settings), run_add(db, right, settings=settings)]
    results = [p.communicate(timeout=600) for p in procs]
    for p, (_, err) in zip(procs, results):
        assert p.returncode == 0, err.decode()[-3000:]
    assert_consistent(db, texts)
    # both saved the story index beside the file; the one left is whole and holds stored articles
    with Corpus(db) as corpus:
        corpus._catch_up()
        assert corpus.ann_status.startswith("loaded: "), corpus.ann_status


def test_a_folder_with_ten_percent_malformed_files(tmp_path, stories_module):
    from storydiff.cli import main
    from storydiff.corpus import Corpus

    texts = real_texts(36)
    folder = tmp_path / "news"
    write_folder(folder, texts)
    bad = {
        "bad-empty.txt": "is empty",
        "bad-image.txt": "PNG image",
        "bad-encoding.txt": "not UTF-8",
        "bad-truncated.html": "no article text found",
    }
    sources = ["empty.txt", "pixel.png", "undecodable.txt", "truncated.html"]
    for name, src in zip(bad, sources):
        shutil.copy(FIXTURES / "malformed" / src, folder / name)
    db = tmp_path / "corpus.db"

    result = CliRunner().invoke(main, ["add", str(folder), "--db", str(db)], env={"COLUMNS": "250"})
    assert result.exit_code == 1, result.output
    for name, reason in bad.items():
        line = next((ln for ln in result.output.splitlines() if name in ln), None)
        assert line is not None, f"{name} not named in:\n{result.output}"
        assert reason in line, line
    for word in ("added", "duplicate", "near-copy", "failed"):
        assert word in result.output

    with Corpus(db) as corpus:
        assert {a.id for a in corpus.store.articles()} == {article_id(t) for t in texts}
        # the API says the same, with the typed errors
        summary = corpus.add([str(folder)])
        assert sorted(Path(e.source).name for e in summary.failed) == sorted(bad)
        assert len(summary.duplicates) == len(texts) and not summary.ok
