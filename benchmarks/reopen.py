"""A new process adding a few articles to a big corpus: with and without the saved ANN index.

`storydiff add` in a new process restores the story clusterer and the
near-copy index from the store before its first batch. This times "open the
corpus + add 64 articles" from the same starting corpus in two ways:

- rebuilt: no `news.db.stories-ann` beside the database, so every stored
  vector is inserted into a new HNSW index (what every process did before);
- loaded: the index saved by the previous add is loaded and only checked.

Each run starts from a fresh copy of the corpus (and of its index file), so
both see the same store; the story assignments of the 64 articles are
compared between the two. The models are loaded before the clock starts, as
in benchmarks/growth.py, whose synthetic articles (resampled sentences of the
real ECB+ articles) fill the corpus.

    python benchmarks/reopen.py --sizes 5000 10000 [--runs 3]
    python benchmarks/reopen.py --db big.db    # a corpus growth.py's articles filled, as it is
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import growth  # noqa: E402  (the synthetic articles)

EXTRA = 64


def copy_corpus(db: Path, to: Path, with_index: bool) -> Path:
    from storydiff.store import ann_file

    for suffix in ("", "-wal", "-shm"):
        if Path(str(db) + suffix).exists():
            shutil.copy(Path(str(db) + suffix), Path(str(to) + suffix))
    if with_index:
        shutil.copy(ann_file.ann_path(db), ann_file.ann_path(to))
    return to


def one_run(db: Path, scratch: Path, extra: Path, with_index: bool, settings, clock: growth.StageClock) -> dict:
    from storydiff.corpus import Corpus

    copy = copy_corpus(db, scratch / f"run-{time.monotonic_ns()}.db", with_index)
    clock.take()
    start = time.perf_counter()
    with Corpus(copy, settings) as corpus:
        summary = corpus.add([str(extra)])
        status = corpus.ann_status
    seconds = time.perf_counter() - start
    stages = clock.take()
    for suffix in ("", "-wal", "-shm", ".stories-ann"):
        Path(str(copy) + suffix).unlink(missing_ok=True)
    return {"s": seconds, "restore_s": stages["restore"], "save_s": stages["save"], "status": status,
            "stories": summary.stories}


def measure(db: Path, extra: Path, runs: int, settings, clock: growth.StageClock, scratch: Path) -> dict:
    from storydiff.corpus import Corpus
    from storydiff.store import ann_file

    if not ann_file.ann_path(db).exists():  # the index a previous add would have saved
        with Corpus(db, settings) as corpus:
            corpus._catch_up()
            corpus._save_ann_index()
    with Corpus(db, settings) as corpus:
        count = corpus.store.article_count()
    out = {"articles": count,
           "index_mb": round(ann_file.ann_path(db).stat().st_size / 1e6, 1)}
    for mode, with_index in (("rebuilt", False), ("loaded", True)):
        results = [one_run(db, scratch, extra, with_index, settings, clock) for _ in range(runs)]
        assert all(r["status"].startswith(mode) for r in results), [r["status"] for r in results]
        out[mode] = {k: round(statistics.median(r[k] for r in results), 2) for k in ("s", "restore_s", "save_s")}
        out[mode]["runs_s"] = [round(r["s"], 2) for r in results]
        out[f"{mode}_stories"] = results[0]["stories"]
    same = sum(out["rebuilt_stories"][a] == out["loaded_stories"].get(a) for a in out["rebuilt_stories"])
    out["same_assignments"] = f"{same}/{len(out['rebuilt_stories'])}"
    del out["rebuilt_stories"], out["loaded_stories"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[5000, 10000], help="multiples of 1,000")
    parser.add_argument("--db", help="measure this corpus of growth.py's articles instead of building one")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()

    from storydiff.corpus import Corpus
    from storydiff.settings import load_settings

    settings = load_settings()
    rows = growth.real_rows()
    leads, body = growth.sentence_pools(rows)
    sizes = [] if args.db else sorted(n for n in args.sizes if n)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average at start {os.getloadavg()[0]:.1f}", flush=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.db:  # the articles that follow the corpus's own (growth.py's generator is deterministic)
            with Corpus(args.db, settings) as corpus:
                base = corpus.store.article_count()
            records = growth.synthetic_articles(base + EXTRA, leads, body)
            files = list(itertools.islice(records, base))[:0]
        else:
            records = growth.synthetic_articles(sizes[-1] + EXTRA, leads, body)
            files = growth.write_files(records, folder / "in", sizes[-1])
        extra = growth.write_files(records, folder / "extra", EXTRA)[0]
        growth.reference_rate(settings, rows[:20], folder)  # loads the models
        from storydiff.corpus import Corpus

        # wall seconds in the restore (`Corpus._catch_up`) and in saving the index
        clock = growth.StageClock([(Corpus, "_catch_up", "restore"), (Corpus, "_save_ann_index", "save")])
        if args.db:
            results.append(measure(Path(args.db), extra, args.runs, settings, clock, folder))
            print(json.dumps(results[-1]), flush=True)
        db, done = folder / "corpus.db", 0
        for n in sizes:
            with Corpus(db, settings) as corpus:
                corpus.add([str(f) for f in files[done // growth.FILE_SIZE: n // growth.FILE_SIZE]])
            done = n
            results.append(measure(db, extra, args.runs, settings, clock, folder))
            print(json.dumps(results[-1]), flush=True)
    print(f"\nload average at end {os.getloadavg()[0]:.1f}")
    print("| corpus size | index file MB | open + add 64, rebuilt s | of which restore | open + add 64, loaded s "
          "| of which restore | of which saving the index | same assignments |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['articles']:,} | {r['index_mb']} | {r['rebuilt']['s']} | {r['rebuilt']['restore_s']} "
              f"| {r['loaded']['s']} | {r['loaded']['restore_s']} | {r['loaded']['save_s']} "
              f"| {r['same_assignments']} |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
