"""Conflict points that compare calls among several reports of one real event, to read by hand.

scripts/conflict_scan.py reads one pair of reports per event; this compares up
to `--articles` reports of each event with at least that many in ECB+ dev
(../shared/data/stories/ecbplus-dev.jsonl, read at run time) and prints each
conflict point (points.py) with every source's sentence, so the cards a user
of `storydiff show` sees on a story can be read. docs/evaluation.md (Compare)
has the hand-read counts.

    python scripts/multi_source_scan.py [--articles 5] [--events 20] [--seed 3]
"""

from __future__ import annotations

import argparse
import collections
import random
import sys

from conflict_scan import reports_by_event  # scripts/ is on the path when a script runs


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5, help="reports compared per event")
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    by_event = reports_by_event()

    import storydiff
    from storydiff.ingest import make_article
    from storydiff.report.view import build_view

    rng = random.Random(args.seed)
    events = sorted(e for e, rows in by_event.items() if len(rows) >= args.articles)
    rng.shuffle(events)
    kinds, pairs = collections.Counter(), 0
    for event in sorted(events[:args.events]):
        rows = rng.sample(by_event[event], args.articles)
        articles = [make_article(r["text"], r["id"]) for r in rows]
        view = build_view(storydiff.compare_articles(articles))
        for card in view.conflicts:
            kinds[card.conflict_kind or "other"] += 1
            pairs += getattr(card, "pairs", 1)  # before points (73b2922) a card was one pair
            print(f"* {event} {card.conflict_kind} ({getattr(card, 'pairs', 1)} pairs, {card.severity_word}, "
                  f"confidence {card.confidence_pct}): {card.reason}")
            for side in card.sides:
                print(f"    - {side.label}: {''.join(s.text for s in side.segments)}")
        print(f"# {event}: {len(view.conflicts)} conflict points, {len(view.agreements)} agreement points",
              file=sys.stderr)
    total = sum(kinds.values())
    print(f"\n{total} conflict points ({pairs} source pairs): "
          + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))


if __name__ == "__main__":
    main()
