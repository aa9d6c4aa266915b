"""How `storydiff add` grows with the corpus: one corpus filled to 10k, 30k (and 100k) articles.

Synthetic articles resampled from the sentences of the real ECB+ articles in
../shared/data/stories/ecbplus-dev.jsonl (read at run time; nothing is copied
into the project). ECB+ has only 66 events, so each synthetic event mixes two
of them (its first sentence from a lead of event A, its second from a lead of
event B, the rest drawn from both): 4,290 distinct events instead of 66, with
8 articles each on average, published at 2,000 articles a day, so that stories
stay news-sized as the corpus grows. Each article is about 10 sentences.

The whole corpus is added by one `Corpus` in 1,000-article JSONL files; the
clock is read at each size. At each size a fresh `Corpus` (a new `storydiff
add` process would do the same) then adds 64 more articles: that time
includes restoring the clusterer and the near-duplicate index from the store
(loading the ANN index the previous add saved beside the database;
benchmarks/reopen.py compares that with rebuilding it).

Reference, in the same run: `Corpus.add` of the first 199 real ECB+ articles
into an empty corpus (what `make bench` times), before and after, so that the
figures can be read against the machine's speed at the time.

    python benchmarks/growth.py [--sizes 10000 30000 100000] [--json out.json]
    GROWTH_SIZES=10000,30000,100000 make bench-growth
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
ECB = ROOT.parent / "shared" / "data" / "stories" / "ecbplus-dev.jsonl"
PER_DAY = 2000
FILE_SIZE = 1000
OUTLETS = [f"Outlet {i}" for i in range(40)]


def real_rows() -> list[dict]:
    if not ECB.exists():
        sys.exit(f"{ECB} is missing: the benchmark needs the shared ECB+ articles")
    return [json.loads(line) for line in ECB.read_text(encoding="utf-8").splitlines()]


def sentence_pools(rows: list[dict]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Each ECB+ event's lead sentences and all its sentences (6 words or more)."""
    leads: dict[str, list[str]] = {}
    body: dict[str, list[str]] = {}
    for r in rows:
        sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", r["text"]) if len(s.split()) >= 6]
        if sentences:
            leads.setdefault(r["story"], []).append(sentences[0])
            body.setdefault(r["story"], []).extend(sentences)
    return leads, body


def synthetic_articles(n: int, leads, body, seed: int = 11):
    """n article records, in arrival order (publication order, give or take a few hours)."""
    rng = random.Random(seed)
    events = list(body)
    origin = datetime(2024, 1, 1, tzinfo=timezone.utc)
    live: list[tuple[str, str, int]] = []  # (event A, event B, articles left)
    for i in range(n):
        if not live or rng.random() < 1 / 8:  # a new event every 8 articles on average
            a, b = rng.sample(events, 2)
            live.append((a, b, max(1, int(rng.expovariate(1 / 8)))))
        k = rng.randrange(len(live))
        a, b, left = live[k]
        live[k] = (a, b, left - 1)
        if left <= 1:
            live.pop(k)
        sentences = [rng.choice(leads[a]), rng.choice(leads[b])]
        sentences += rng.sample(body[a] + body[b], min(8, len(body[a]) + len(body[b])))
        when = origin + timedelta(days=i / PER_DAY, hours=rng.uniform(-3, 3))
        yield {"text": "\n".join(sentences), "published": when.isoformat(timespec="seconds"),
               "outlet": rng.choice(OUTLETS)}


def write_files(records, folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files, lines = [], []
    for i, record in zip(range(n), records):
        lines.append(json.dumps(record))
        if len(lines) == FILE_SIZE or i == n - 1:
            files.append(folder / f"{len(files):05d}.jsonl")
            files[-1].write_text("\n".join(lines) + "\n", encoding="utf-8")
            lines = []
    return files


class StageClock:
    """Wall seconds spent in some functions, by stage, so that a time can be attributed.

    `targets`: (module or class, function name, stage name); each function is wrapped in place.
    """

    def __init__(self, targets):
        self.seconds = {stage: 0.0 for _, _, stage in targets}
        for owner, name, stage in targets:
            self._wrap(owner, name, stage)

    def _wrap(self, owner, name, stage):
        inner = getattr(owner, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds[stage] += time.perf_counter() - start

        setattr(owner, name, timed)

    def take(self) -> dict:
        out, self.seconds = self.seconds, dict.fromkeys(self.seconds, 0.0)
        return out


def reference_rate(settings, rows: list[dict], folder: Path) -> float:
    """Articles/s adding the first 199 real ECB+ articles to an empty corpus (models already loaded)."""
    from storydiff.corpus import Corpus

    path = folder / "reference.jsonl"
    path.write_text("".join(json.dumps({"text": r["text"], "outlet": r.get("outlet")}) + "\n" for r in rows[:199]),
                    encoding="utf-8")
    db = folder / f"reference-{time.monotonic_ns()}.db"
    with Corpus(db, settings) as corpus:
        start = time.perf_counter()
        summary = corpus.add([str(path)])
        seconds = time.perf_counter() - start
    return len(summary.added) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_sizes = [int(x) for x in os.environ.get("GROWTH_SIZES", "10000,30000").split(",")]
    parser.add_argument("--sizes", type=int, nargs="*", default=default_sizes, help="multiples of 1,000")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    sizes = sorted(args.sizes)

    from storydiff.corpus import Corpus
    from storydiff.settings import load_settings

    settings = load_settings()
    rows = real_rows()
    leads, body = sentence_pools(rows)
    extra = 64
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average at start {os.getloadavg()[0]:.1f}", flush=True)
    results: dict = {"sizes": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        records = synthetic_articles(sizes[-1] + extra * len(sizes), leads, body)
        files = write_files(records, folder / "in", sizes[-1])
        top_up = [write_files(records, folder / f"extra-{n}", extra)[0] for n in sizes]
        reference_rate(settings, rows[:20], folder)  # loads the models
        results["reference_before"] = reference_rate(settings, rows, folder)
        print(f"reference: {results['reference_before']:.1f} articles/s (199 real ECB+ articles, empty corpus)",
              flush=True)

        db = folder / "growth.db"
        done, elapsed = 0, 0.0
        from storydiff import stories

        clock = StageClock([(stories, "signals_for", "signals"), (stories.StoryClusterer, "add_many", "clustering")])
        with Corpus(db, settings) as corpus:
            for n, extra_file in zip(sizes, top_up):
                clock.take()
                start, cpu = time.perf_counter(), time.process_time()
                summary = corpus.add([str(f) for f in files[done // FILE_SIZE: n // FILE_SIZE]])
                seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
                elapsed += seconds
                added = len(summary.added) + len(summary.near_copies)
                stages = clock.take()
                segment = {"articles": n, "segment_articles": added, "segment_s": round(seconds, 1),
                           "segment_ms_per_article": round(1000 * seconds / added, 2),
                           "cpu_ms_per_article": round(1000 * cpu / added, 2),
                           "signals_ms_per_article": round(1000 * stages["signals"] / added, 2),
                           "clustering_ms_per_article": round(1000 * stages["clustering"] / added, 2),
                           "cumulative_s": round(elapsed, 1)}
                done = n
                # A new process adding a few articles restores the clusterer and duplicate index first.
                with Corpus(db, settings) as fresh:
                    start = time.perf_counter()
                    topped = fresh.add([str(extra_file)])
                    segment["restore_and_add_64_s"] = round(time.perf_counter() - start, 2)
                segment["restore_added"] = len(topped.added) + len(topped.near_copies)
                segment["stories"] = len(corpus.store.story_ids())
                segment["db_mb"] = round(db.stat().st_size / 1e6, 1)
                results["sizes"].append(segment)
                print(json.dumps(segment), flush=True)
        results["reference_after"] = reference_rate(settings, rows, folder)
        print(f"reference again: {results['reference_after']:.1f} articles/s", flush=True)

    first = results["sizes"][0]
    reference = (results["reference_before"] + results["reference_after"]) / 2
    print("\n| corpus size | added in segment | segment s | ms/article | CPU ms/article | of which signals "
          "| of which clustering | cumulative s | cumulative ÷ first | restore + add 64 s | stories |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for s in results["sizes"]:
        print(f"| {s['articles']:,} | {s['segment_articles']:,} | {s['segment_s']} | {s['segment_ms_per_article']} "
              f"| {s['cpu_ms_per_article']} | {s['signals_ms_per_article']} | {s['clustering_ms_per_article']} "
              f"| {s['cumulative_s']} | {s['cumulative_s'] / first['cumulative_s']:.2f}× "
              f"| {s['restore_and_add_64_s']} | {s['stories']:,} |")
    print(f"\nreference (199 real ECB+ articles into an empty corpus): {results['reference_before']:.1f} articles/s "
          f"before, {results['reference_after']:.1f} after ({1000 / reference:.1f} ms/article on average)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
