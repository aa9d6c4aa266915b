"""make bench-scale: what storydiff batch costs per article, and how story clustering grows with size.

Three measurements, on real ECB+ articles (../shared/data/stories/ecbplus-dev.jsonl):

1. stages: `--engine local` on a sample of real articles; seconds per article for each stage.
2. workers: `--engine ray` on the same sample with 1 and 2 workers; articles/s end to end.
3. clustering: the time-block clustering and stitching (the only stage that is not per article)
   on 10k, 50k and 200k synthetic articles. Each synthetic article is a few sentences resampled
   from one real ECB+ story; its vector is the mean of its sentences' real MiniLM vectors, its
   entities and figures the union of theirs (computing real lead embeddings for 200k articles
   would take hours on this machine, and this stage only reads the signals). Articles arrive at a
   fixed rate (2,000 a day), so a bigger input covers more days, as a longer backfill would.

    python benchmarks/scale.py [--sample 45] [--sizes 10000 50000 200000] [--skip-ray] [--skip-stages] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
ECB = ROOT.parent / "shared" / "data" / "stories" / "ecbplus-dev.jsonl"


def real_rows() -> list[dict]:
    if not ECB.exists():
        sys.exit(f"{ECB} is missing: the benchmark needs the shared ECB+ articles")
    return [json.loads(line) for line in ECB.read_text(encoding="utf-8").splitlines()]


def sample_input(rows: list[dict], n: int, folder: Path) -> str:
    """n real articles, three from each ECB+ story in turn (news stories have several articles), as JSONL."""
    by_story: dict[str, list[dict]] = {}
    for r in rows:
        by_story.setdefault(r["story"], []).append(r)
    picked = [r for story in by_story.values() for r in story[:3]][:n]
    path = folder / "sample.jsonl"
    path.write_text("".join(json.dumps({"text": r["text"], "outlet": r["outlet"], "url": r["url"]}) + "\n"
                            for r in picked), encoding="utf-8")
    return str(path)


def bench_stages(path: str, folder: Path) -> dict:
    from storydiff.batch import run_batch

    summary = run_batch(path, str(folder / "local"), engine="local")
    n = summary.counts["articles"]
    per_article = {stage: s / n for stage, s in summary.seconds.items()}
    total = sum(summary.seconds.values())
    return {"articles": n, "stories": summary.counts["stories"], "verdicts": summary.counts["verdicts"],
            "seconds": summary.seconds, "seconds_per_article": per_article, "articles_per_s": n / total}


def bench_workers(path: str, folder: Path, workers: int) -> dict:
    import ray

    from storydiff.batch import run_batch

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        start = time.perf_counter()
        summary = run_batch(path, str(folder / f"ray-{workers}"), engine="ray", workers=workers)
        wall = time.perf_counter() - start
    finally:
        ray.shutdown()
    n = summary.counts["articles"]
    return {"workers": workers, "articles": n, "seconds": round(wall, 2), "articles_per_s": n / wall}


# --------------------------------------------------------------------------- synthetic signals

def sentence_pool(rows: list[dict], per_story: int = 40):
    """Real sentences of each ECB+ story, with their MiniLM vectors, entities and figures."""
    from storydiff.backends.embedder import get_embedder
    from storydiff.settings import load_settings
    from storydiff.stories import extract_entities, extract_figures

    by_story: dict[str, list[str]] = {}
    for r in rows:
        for s in re.split(r"(?<=[.!?])\s+|\n+", r["text"]):
            if len(s.split()) >= 6:
                by_story.setdefault(r["story"], []).append(s)
    texts, owner = [], []
    for story, sentences in by_story.items():
        for s in sentences[:per_story]:
            texts.append(s)
            owner.append(story)
    vectors = get_embedder(load_settings()).encode(texts)
    entities = extract_entities(texts)
    figures = [extract_figures(t) for t in texts]
    pool: dict[str, list[int]] = {}
    for i, story in enumerate(owner):
        pool.setdefault(story, []).append(i)
    return pool, vectors, entities, figures


def synthetic_signals(n: int, pool, vectors, entities, figures, per_day: int = 2000, seed: int = 7) -> pd.DataFrame:
    """n article rows (the columns clustering reads) resampled from real sentences; 8 articles an event on average."""
    from storydiff.batch.clustering import signal_columns
    from storydiff.stories import StorySignals

    rng = random.Random(seed)
    gen = np.random.default_rng(seed)
    stories = list(pool)
    days = n / per_day
    origin = datetime(2024, 1, 1, tzinfo=timezone.utc)
    # ECB+ has only a few dozen stories; each synthetic event also gets its own direction in the
    # vector space and its own named entity, as distinct real events have.
    n_events = max(1, n // 8)
    directions = gen.standard_normal((n_events, vectors.shape[1])).astype(np.float32)
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    events = [(rng.choice(stories), rng.uniform(0, days)) for _ in range(n_events)]
    rows = []
    for seq in range(n):
        k = rng.randrange(n_events)
        story, centre = events[k]
        picked = rng.sample(pool[story], min(4, len(pool[story])))
        v = vectors[picked].mean(axis=0)
        v = v / np.linalg.norm(v) + 2.0 * directions[k]
        when = origin + timedelta(days=min(days, centre + rng.expovariate(1.0)))
        s = StorySignals(article_id=f"syn{seq:08d}", vector=v / np.linalg.norm(v),
                         entities=frozenset({f"event {k}"}).union(*(entities[i] for i in picked)),
                         figures=frozenset().union(*(figures[i] for i in picked)), published=when)
        rows.append({"id": s.article_id, "seq": seq, "file_index": 0, "line": seq, **signal_columns(s)})
    return pd.DataFrame(rows)


def bench_clustering(df: pd.DataFrame) -> dict:
    from storydiff.batch import BlockParams, clustering
    from storydiff.settings import load_settings

    settings, params = load_settings(), BlockParams()
    t0 = time.perf_counter()
    blocked = clustering.assign_block(df, params)
    clustered = pd.concat([clustering.cluster_block(g, settings) for _, g in blocked.groupby("block")])
    t1 = time.perf_counter()
    previous = clustering.previous_blocks(clustered["block"], params)
    near = clustering.boundary_rows(clustered, previous, params)
    edges = pd.concat([clustering.stitch_boundary(g, settings) for _, g in near.groupby("boundary")]
                      or [pd.DataFrame(columns=clustering.EDGE_COLUMNS)])
    final = clustering.apply_merges(clustered, clustering.resolve_merges(edges))
    t2 = time.perf_counter()
    n = len(df)
    return {"articles": n, "blocks": int(clustered["block"].nunique()), "stitched_rows": len(near),
            "joins": len(edges), "stories": int(final["story_id"].nunique()),
            "cluster_s": round(t1 - t0, 2), "stitch_s": round(t2 - t1, 2),
            "us_per_article": round((t2 - t0) / n * 1e6, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=45, help="real articles for the per-stage costs")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 50_000, 200_000])
    parser.add_argument("--skip-ray", action="store_true")
    parser.add_argument("--skip-stages", action="store_true", help="only the clustering sizes")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()

    rows = real_rows()
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.skip_stages:
            args.skip_ray = True
        else:
            path = sample_input(rows, args.sample, folder)
            results["stages"] = bench_stages(path, folder)
            print("stages", json.dumps(results["stages"], indent=1), flush=True)
        if not args.skip_ray:
            try:
                import ray  # noqa: F401
            except ImportError:
                print("ray is not installed: worker scaling skipped (pip install 'storydiff[ray]')")
            else:
                results["workers"] = [bench_workers(path, folder, w) for w in (1, 2)]
                print("workers", json.dumps(results["workers"], indent=1), flush=True)
    if args.sizes:
        t = time.perf_counter()
        pool = sentence_pool(rows)
        print(f"sentence pool: {len(pool[1])} sentences in {time.perf_counter() - t:.1f}s", flush=True)
        results["clustering"] = []
        for n in args.sizes:
            df = synthetic_signals(n, *pool)
            r = bench_clustering(df)
            results["clustering"].append(r)
            print("clustering", json.dumps(r), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
