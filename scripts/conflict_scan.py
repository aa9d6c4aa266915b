"""Conflicts that compare calls between two reports of one real event, to read by hand.

ECB+ dev (../shared/data/stories/ecbplus-dev.jsonl) has no conflict labels, but
it has many reports of each event; most of their figures, times and quotes
agree, so every conflict compare calls between two of them is worth a look.
This draws one pair of reports from each of `--events` events (seeded) and
prints each conflict with both sentences; docs/evaluation.md (Compare) has the
hand-read counts.

    python scripts/conflict_scan.py [--events 30] [--seed 7]
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import sys
from pathlib import Path

ECB = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "stories" / "ecbplus-dev.jsonl"


def reports_by_event() -> dict[str, list[dict]]:
    """ECB+ dev's rows by gold event, in file order; exits with a message when the data is absent."""
    if not ECB.exists():
        sys.exit(f"{ECB} not found: this script reads ECB+ dev from ../shared/data")
    by_event = collections.defaultdict(list)
    for line in ECB.open(encoding="utf-8"):
        row = json.loads(line)
        by_event[row["story"]].append(row)
    return by_event


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    by_event = reports_by_event()

    import storydiff
    from storydiff.ingest import make_article

    rng = random.Random(args.seed)
    events = sorted(by_event)
    rng.shuffle(events)
    kinds: collections.Counter = collections.Counter()
    for event in events[:args.events]:
        if len(by_event[event]) < 2:
            continue
        a, b = rng.sample(by_event[event], 2)
        report = storydiff.compare_articles([make_article(a["text"], a["id"]), make_article(b["text"], b["id"])])
        for v in report.conflicts:
            kinds[v.conflict_kind] += 1
            print(f"* {event} {v.conflict_kind} ({v.confidence:.2f}): {v.reason}")
            for e in v.evidence:
                print(f"    - {e.sentence[:240]}")
    print(f"\n{sum(kinds.values())} conflicts: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))


if __name__ == "__main__":
    main()
