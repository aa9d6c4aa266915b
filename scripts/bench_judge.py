"""Speed of the default consistency judge (docs/evaluation.md, "Speed").

Two figures, on summedits-news-dev.jsonl (or --data):

1. claim pairs/s of the judge proper: alignment scores, the rule verdicts,
   features and the logistic model (`check_analysed`), with both texts'
   analyses (claims, embeddings) already made; a claim pair is one
   (source claim, derived claim) cell of the alignment matrix.
2. seconds per SummEdits pair end to end, cold: both texts analysed from
   scratch (spaCy, MiniLM), then judged; the median over rows.

    python scripts/bench_judge.py [--data PATH] [--limit N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "consistency" / "summedits-news-dev.jsonl"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=40)
    args = parser.parse_args(argv)

    from storydiff.backends.embedder import get_embedder
    from storydiff.consistency import analyse, check_analysed
    from storydiff.evaluate import read_examples
    from storydiff.ingest import make_article
    from storydiff.settings import load_settings

    settings = load_settings()
    embedder = get_embedder(settings)
    examples = read_examples(args.data, limit=args.limit)
    # Warm up: models loaded, caches primed, so neither figure counts loading.
    warm = analyse(make_article(examples[0].source, "warm"), embedder)
    check_analysed(warm, analyse(make_article(examples[0].derived, "warm-d"), embedder), settings)

    cold = []
    analysed = []
    for ex in examples:
        t0 = time.perf_counter()
        src = analyse(make_article(ex.source, "source"), embedder)
        der = analyse(make_article(ex.derived, "derived"), embedder)
        check_analysed(src, der, settings, embedder=embedder)
        cold.append(time.perf_counter() - t0)
        analysed.append((src, der))

    pairs = sum(len(s.claims) * len(d.claims) for s, d in analysed)
    t0 = time.perf_counter()
    repeats = 3
    for _ in range(repeats):
        for src, der in analysed:
            check_analysed(src, der, settings, embedder=embedder)
    judge_s = (time.perf_counter() - t0) / repeats
    print(f"rows: {len(examples)} from {args.data.name}; cpu threads: {os.cpu_count()}")
    print(f"judge only: {pairs} claim pairs in {judge_s:.3f} s = {pairs / judge_s:,.0f} claim pairs/s "
          f"({len(examples) / judge_s:.1f} rows/s)")
    print(f"end to end, cold (both texts analysed): median {statistics.median(cold):.3f} s per pair, "
          f"p90 {sorted(cold)[int(0.9 * (len(cold) - 1))]:.3f} s")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
