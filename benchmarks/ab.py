"""Warm compare of this checkout against an earlier revision, measured in one run.

    .venv/bin/python benchmarks/ab.py REV [--rounds 4] [--runs 3]

Checks REV out into a temporary git worktree, then alternates fresh processes
of the old and the new code (old-new, new-old, ...). Each process loads the
models, compares every pair of benchmarks/run.py once to warm up, then times
`runs` warm compares of each pair. Prints, per pair, the median wall and CPU
seconds of each side and new/old. On a machine shared with other jobs the
load moves from minute to minute; interleaving lets it fall on both sides
alike, and CPU time is less moved by it than wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def worker(runs: int) -> None:
    """Time warm compares with whichever storydiff is first on sys.path; print JSON."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import storydiff
    from run import load_pairs
    from storydiff.settings import load_settings

    settings = load_settings()
    pairs = load_pairs()
    for articles in pairs.values():
        storydiff.compare_articles(articles, settings)
    wall: dict[str, list[float]] = {name: [] for name in pairs}
    cpu: dict[str, list[float]] = {name: [] for name in pairs}
    for _ in range(runs):
        for name, articles in pairs.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            storydiff.compare_articles(articles, settings)
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    print(json.dumps({"module": storydiff.__file__, "wall": wall, "cpu": cpu}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rev", help="the git revision to compare against")
    parser.add_argument("--rounds", type=int, default=4, help="processes per side")
    parser.add_argument("--runs", type=int, default=3, help="warm compares of each pair per process")
    args = parser.parse_args()
    sides = {"new": ROOT / "src"}
    results = {"new": {"wall": {}, "cpu": {}}, "old": {"wall": {}, "cpu": {}}}
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "old"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(tree), args.rev],
                       check=True)
        sides["old"] = tree / "src"
        try:
            for round_ in range(args.rounds):
                for side in ("old", "new") if round_ % 2 == 0 else ("new", "old"):
                    env = dict(os.environ, PYTHONPATH=str(sides[side]), HF_HUB_OFFLINE="1")
                    out = subprocess.run([sys.executable, __file__, "--worker", str(args.runs)], env=env,
                                         check=True, capture_output=True, text=True).stdout
                    result = json.loads(out.strip().splitlines()[-1])
                    assert result["module"].startswith(str(sides[side])), result["module"]
                    for kind in ("wall", "cpu"):
                        for pair, times in result[kind].items():
                            results[side][kind].setdefault(pair, []).extend(times)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    print(f"{args.rev} (old) vs this checkout (new): medians of {args.rounds * args.runs} warm compares each, "
          f"{args.rounds} processes per side, interleaved; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores at the end\n")
    print("| pair | old wall s | new wall s | new/old | old CPU s | new CPU s | new/old |")
    print("|---|---|---|---|---|---|---|")
    for pair in results["old"]["wall"]:
        ow, nw = (statistics.median(results[s]["wall"][pair]) for s in ("old", "new"))
        oc, nc = (statistics.median(results[s]["cpu"][pair]) for s in ("old", "new"))
        print(f"| {pair} | {ow:.3f} | {nw:.3f} | {nw / ow:.2f} | {oc:.3f} | {nc:.3f} | {nc / oc:.2f} |")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker(int(sys.argv[2]))
    else:
        main()
