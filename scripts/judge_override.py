"""Should a rule conflict override the judge's overall verdict? Scored on the training side only.

The default judge's overall verdict is its logistic model's P(consistent)
against a threshold; a claim the rules find contradicted does not force it.
This script scores candidate overrides, "inconsistent whenever a derived claim
is in a conflict of these kinds (at or above this severity)", with the same
protocol as scripts/train_judge.py: out-of-fold probabilities over all the
training rows (GroupKFold by source) for the shipped recipe, each file's
balanced accuracy, and their mean over the SummaC files. Each rule is scored
at the shipped threshold and at the threshold re-chosen with the rule in
place. It also counts, per file, which conflict kinds fire on rows labelled
consistent (the override's false alarms) and inconsistent.

summedits-news-dev is never read here.

    python scripts/judge_override.py [--cache DIR] [--read-cache DIR ...] [--lofo]

Conflicts are cached under build/judge-cache (conflicts-<versions>.jsonl).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_judge as tj

NEW_NAME = "a new name"  # a pseudo-kind: the derived text names someone or something the source never does
OPPOSED = "opposed word"  # a pseudo-kind: check v9's word whose opposite a nearby source sentence says
DENIED = "denied word"  # a pseudo-kind: check v10's denial of a word a nearby source sentence affirms
NEW_FIGURE = "a new figure"  # a pseudo-kind: check v15's figure (two digits or more) or date the source never gives
ALL_KINDS = ("figure", "duration", "time", "quote_wording", "attribution", "negation", "other")

# (name, clauses): the rule fires on a row when any clause does, a clause being (conflict kinds,
# minimum severity); no clauses is the shipped behaviour (no override).
RULES = [
    ("none", ()),
    ("any conflict", ((("figure", "duration", "time", "quote_wording", "attribution", "negation", "other"), 0.0),)),
    ("figure or duration", ((("figure", "duration"), 0.0),)),
    ("figure or duration, severity >= 0.5", ((("figure", "duration"), 0.5),)),
    ("figure or duration, severity 1.0", ((("figure", "duration"), 1.0),)),
    ("duration", ((("duration",), 0.0),)),
    ("duration, severity 1.0", ((("duration",), 1.0),)),
    ("figure", ((("figure",), 0.0),)),
    ("figure, duration or time", ((("figure", "duration", "time"), 0.0),)),
    # Since judge rules v4 a negation conflicts only where it denies a word the other sentence affirms.
    ("negation", ((("negation",), 0.0),)),
    ("figure or duration, severity 1.0, or negation", ((("figure", "duration"), 1.0), (("negation",), 0.0))),
    ("figure or duration, severity 1.0, or time", ((("figure", "duration"), 1.0), (("time",), 0.0))),
    ("time", ((("time",), 0.0),)),
    # check v6: also a name the source never mentions (the novel_entities / novel_capitalised features)
    ("any conflict or a new name", (((*ALL_KINDS, NEW_NAME), 0.0),)),
    # check v9: also a word the source never uses whose opposite a nearby source sentence says
    ("any conflict, a new name or an opposed word", (((*ALL_KINDS, NEW_NAME, OPPOSED), 0.0),)),
    # check v10: also a denial of a word a nearby source sentence affirms and the source never denies
    ("any conflict, a new name, an opposed or a denied word", (((*ALL_KINDS, NEW_NAME, OPPOSED, DENIED), 0.0),)),
    # check v15: also a figure of two digits or more, or a day or month, that the source never gives
    ("... or a new figure or date", (((*ALL_KINDS, NEW_NAME, OPPOSED, DENIED, NEW_FIGURE), 0.0),)),
]


def compute_conflicts(examples, cache_dir: Path, read_dirs: list[Path]) -> list[list[dict]]:
    """Per row: the conflicts naming a derived claim ({kind, severity}), as check_analysed sees them; check
    v9's opposed words and v10's denied words as the kinds OPPOSED and DENIED, and v15's figures and dates
    the source never gives as NEW_FIGURE."""
    from storydiff.consistency import claim_verdicts, nearby_contradictions, specifics_not_in_source

    def conflicts(result) -> list[dict]:
        by_claim = claim_verdicts(result)
        rules = {id(v) for vs in by_claim.values() for v in vs}
        seen = {id(v): v for vs in nearby_contradictions(result, by_claim).values() for v in vs
                if v.label == "conflict"}
        found = [{"kind": v.conflict_kind if key in rules else OPPOSED if v.conflict_kind == "other" else DENIED,
                  "severity": v.severity} for key, v in seen.items()]
        return found + [{"kind": NEW_FIGURE, "severity": None} for _ in specifics_not_in_source(result, by_claim)]

    return tj.cached_per_row(examples, cache_dir, read_dirs, "conflicts", conflicts)


def fires(conflicts: list[list[dict]], clauses, new_name: np.ndarray | None = None) -> np.ndarray:
    """Rows the rule forces inconsistent: a conflict of a clause's kinds at or above its severity, or,
    for a clause naming NEW_NAME, a row where `new_name` holds."""
    hit = np.array([any(c["kind"] in kinds and (c["severity"] or 0) >= min_severity - 1e-9
                        for kinds, min_severity in clauses for c in row) for row in conflicts], dtype=bool)
    if new_name is not None and any(NEW_NAME in kinds for kinds, _ in clauses):
        hit |= new_name
    return hit


def scores(y, p, files, news, t, forced) -> dict:
    pred = (p >= t) & ~forced
    per_file = {f: tj.balanced_accuracy(y[files == f], pred[files == f]) for f in np.unique(files)}
    return {"mean": float(np.mean([per_file[f] for f in news])), "per_file": per_file}


def best_threshold_with(y, p, files, news, forced) -> float:
    best = (-1.0, 0.5)
    for t in np.round(np.arange(0.05, 0.951, 0.01), 2):
        ba = scores(y, p, files, news, t, forced)["mean"]
        if ba > best[0] + 1e-9 or (abs(ba - best[0]) <= 1e-9 and abs(t - 0.5) < abs(best[1] - 0.5)):
            best = (ba, float(t))
    return best[1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=tj.CACHE)
    parser.add_argument("--read-cache", type=Path, nargs="*", default=[])
    parser.add_argument("--recipe", default="file-class,0.05", help="weighting,C of the shipped model")
    parser.add_argument("--threshold", type=float, default=0.60, help="the shipped threshold")
    parser.add_argument("--lofo", action="store_true", help="also score each SummaC file leave-one-file-out")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args(argv)
    weighting, c = args.recipe.split(",")
    recipe = tj.Recipe(weighting, float(c))

    from storydiff.evaluate import read_examples

    paths = [tj.DATA, *tj.NEWS]
    examples, file_of = [], []
    for path in paths:
        rows = read_examples(path)
        examples += rows
        file_of += [path.name] * len(rows)
    X, feature_names = tj.compute_features(examples, args.cache, args.read_cache)
    conflicts = compute_conflicts(examples, args.cache, args.read_cache)
    new_name = (X[:, feature_names.index("novel_entities")] >= 1) | (X[:, feature_names.index("novel_capitalised")] >= 1)
    y = np.array([ex.consistent for ex in examples], dtype=int)
    files = np.array(file_of)
    groups = np.array([hashlib.sha256(ex.source.encode()).hexdigest() for ex in examples])
    news = [p.name for p in tj.NEWS]
    names = [p.name for p in paths]

    print("conflicts naming a derived claim: rows with at least one, consistent / inconsistent rows")
    kinds = sorted({c["kind"] for row in conflicts for c in row})
    for f in names:
        m = files == f
        cells = []
        for kind in kinds:
            hit = np.array([any(c["kind"] == kind for c in row) for row in conflicts])
            cells.append(f"{kind} {int((hit & m & (y == 1)).sum())}/{int((hit & m & (y == 0)).sum())}")
        print(f"  {tj._short(f):<22} ({int((m & (y == 1)).sum())}/{int((m & (y == 0)).sum())} rows)  "
              + "  ".join(cells))
    for kind in ("figure", "duration"):
        sev = [(c["severity"], y[i]) for i, row in enumerate(conflicts) for c in row if c["kind"] == kind]
        lo = sum(1 for s, _ in sev if s < 1.0)
        on_consistent = [s for s, lab in sev if lab == 1]
        print(f"  {kind} conflicts: {len(sev)}, severity < 1.0: {lo}; on consistent rows: {len(on_consistent)} "
              f"(severity < 1.0: {sum(1 for s in on_consistent if s < 1.0)})")

    p = tj.out_of_fold(X, y, files, groups, recipe)
    t0, _ = tj.best_threshold(y, p, files, news)
    print(f"\nout of fold, {recipe.name} (threshold chosen without an override: {t0})")
    report = {"recipe": recipe.name, "threshold": args.threshold, "rules": []}
    header = "  ".join(f"{tj._short(f)[:10]:>10}" for f in names)
    print(f"  {'rule':<38} {'fires':>5} {'thr':>5} {'mean':>6}  {header}")
    for name, clauses in RULES:
        forced = fires(conflicts, clauses, new_name)
        flips = forced & (p >= args.threshold)  # rows the model called consistent that the rule turns over
        row = {"rule": name, "fires": {f: int((forced & (files == f)).sum()) for f in names},
               "turned_over": {f: [int((flips & (files == f) & (y == lab)).sum()) for lab in (1, 0)] for f in names},
               "fires_on_consistent": {f: int((forced & (files == f) & (y == 1)).sum()) for f in names}}
        for label, t in (("shipped", args.threshold), ("rechosen", best_threshold_with(y, p, files, news, forced))):
            s = scores(y, p, files, news, t, forced)
            row[label] = {"threshold": t, "mean": round(s["mean"], 4),
                          "per_file": {f: round(v, 4) for f, v in s["per_file"].items()}}
            print(f"  {name if label == 'shipped' else '  (threshold re-chosen)':<38} {int(forced.sum()):>5} "
                  f"{t:>5.2f} {s['mean']:>6.3f}  " + "  ".join(f"{s['per_file'][f]:>10.3f}" for f in names))
        report["rules"].append(row)
        print(f"  {'':<38} turned over at {args.threshold:.2f} (consistent rows wrongly / inconsistent rows rightly): "
              + "  ".join(f"{tj._short(f)} {a}/{b}" for f, (a, b) in row["turned_over"].items()))

    if args.lofo:
        print("\nleave one SummaC file out (the procedure of train_judge.py; the held-out file at its threshold)")
        report["lofo"] = {}
        for held in news:
            out = files == held
            keep = ~out & ~np.isin(groups, groups[out])
            model, _, t, _ = tj.train(X[keep], y[keep], files[keep], groups[keep],
                                        [f for f in news if f != held], [recipe])
            ph = tj.predict(model, X[out])
            report["lofo"][held] = {}
            for name, clauses in RULES:
                forced = fires([row for row, o in zip(conflicts, out) if o], clauses, new_name[out])
                ba = tj.balanced_accuracy(y[out], (ph >= t) & ~forced)
                report["lofo"][held][name] = round(ba, 4)
            print(f"  {tj._short(held):<16} threshold {t}: "
                  + "  ".join(f"{k} {v:.3f}" for k, v in report["lofo"][held].items()))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
