"""Over-merging on unrelated news: do story settings that suit ECB+ carry over?

ECB+ (the labelled stories file) holds 66 events, two of each kind; a news feed
holds thousands of unrelated ones. This clusters the distinct source articles
of the four SummaC val files in ../shared/data/consistency (CNN/DailyMail and
BBC news, a few hundred words each; no story labels) and counts the pairs of
articles put in one story. Some of those pairs are one event (several CNN
reports of one trial), so the count is not an error rate; what it shows is how
many more pairs a setting joins, and a sample of the pairs one setting joins
and another does not, to read.

    python scripts/stories_unrelated.py [--thresholds 0.85 0.75] [--sample 16]

The first threshold is the baseline the others are compared with; each runs
with the shipped [stories] settings otherwise, refinement included.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "consistency"


def distinct_sources(min_chars: int = 400) -> list[str]:
    """Each SummaC source article once (the files repeat a source for each of its summaries)."""
    seen, texts = set(), []
    for path in sorted(DATA.glob("*-val.jsonl")):
        for line in path.open(encoding="utf-8"):
            text = json.loads(line)["source"].strip()
            if len(text) >= min_chars and text[:200] not in seen:
                seen.add(text[:200])
                texts.append(text)
    return texts


def joined_pairs(signals, settings) -> tuple[set[frozenset], int]:
    from storydiff.stories import StoryClusterer

    clusterer = StoryClusterer(settings)
    clusterer.add_and_refine(signals)
    stories = list(clusterer.stories().values())
    pairs = {frozenset((a, b)) for members in stories for i, a in enumerate(members) for b in members[i + 1:]}
    return pairs, len(stories)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.85, 0.75])
    parser.add_argument("--sample", type=int, default=16, help="pairs to print that a threshold adds to the first")
    args = parser.parse_args(argv)
    if not DATA.exists():
        sys.exit(f"{DATA} not found: this script reads the SummaC files of ../shared/data")

    from storydiff.ingest import make_article
    from storydiff.settings import load_settings
    from storydiff.stories import signals_for

    articles = [make_article(text, f"summac-source-{i}") for i, text in enumerate(distinct_sources())]
    text_of = {a.id: a.text for a in articles}
    settings = load_settings()
    print(f"{len(articles)} distinct source articles; story signals ...", file=sys.stderr)
    signals = signals_for(articles, settings)
    results = {}
    for threshold in args.thresholds:
        pairs, stories = joined_pairs(signals, settings.with_overrides({"stories": {"threshold": threshold}}))
        results[threshold] = pairs
        print(f"threshold {threshold}: {stories} stories, {len(pairs)} pairs of articles joined")
    baseline = args.thresholds[0]
    for threshold in args.thresholds[1:]:
        added = sorted(results[threshold] - results[baseline], key=sorted)
        random.Random(1).shuffle(added)
        print(f"\n{len(added)} pairs joined at {threshold} and not at {baseline}; {min(args.sample, len(added))} of them:")
        for pair in added[: args.sample]:
            a, b = sorted(pair)
            print(f"  - {text_of[a][:100]!r}\n    {text_of[b][:100]!r}")


if __name__ == "__main__":
    main()
