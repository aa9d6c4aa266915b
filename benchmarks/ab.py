"""Warm compare (or corpus add) of this checkout against an earlier revision, measured in one run.

    .venv/bin/python benchmarks/ab.py REV [--rounds 4] [--runs 3] [--add]

Checks REV out into a temporary git worktree (with this checkout's compiled modules where
their source is unchanged), then alternates fresh processes
of the old and the new code (old-new, new-old, ...). Each process loads the
models, compares every pair of benchmarks/run.py once to warm up, then times
`runs` warm compares of each pair. Prints, per pair, the median wall and CPU
seconds of each side and new/old. On a machine shared with other jobs the
load moves from minute to minute; interleaving lets it fall on both sides
alike, and CPU time is less moved by it than wall time.

With --add each process times `Corpus.add` of the 199 ECB+ articles of
benchmarks/run.py's add benchmark into a new store instead (models loaded
first, as there), `runs` times.
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


def share_compiled_modules(tree: Path) -> None:
    """A worktree holds no built extension (nlp/_held_parse): copy this checkout's where the old
    source is the same, so that the old side is not timed on the slow fallback by mistake."""
    for pyx in (tree / "src").rglob("*.pyx"):
        ours = ROOT / pyx.relative_to(tree)
        built = list(ours.parent.glob(f"{ours.stem}.*.so")) if ours.exists() else []
        if built and ours.read_bytes() == pyx.read_bytes():
            for module in built:
                (pyx.parent / module.name).write_bytes(module.read_bytes())
        else:
            print(f"note: the old side has no built {pyx.relative_to(tree)}; it runs the fallback", file=sys.stderr)


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


def add_worker(runs: int) -> None:
    """Time `Corpus.add` of run.py's 199 ECB+ articles with whichever storydiff is first on sys.path."""
    import onnxruntime  # noqa: F401  (before usearch, which storydiff imports later)
    import storydiff
    from storydiff.settings import load_settings

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run import time_adds, write_add_inputs

    with tempfile.TemporaryDirectory() as tmp:
        write_add_inputs(Path(tmp) / "in")
        timings = time_adds(Path(tmp) / "in", Path(tmp) / "bench", load_settings(), runs)
    wall = {"add 199": [t[0] for t in timings]}
    cpu = {"add 199": [t[1] for t in timings]}
    print(json.dumps({"module": storydiff.__file__, "wall": wall, "cpu": cpu}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rev", help="the git revision to compare against")
    parser.add_argument("--rounds", type=int, default=4, help="processes per side")
    parser.add_argument("--runs", type=int, default=3, help="warm compares of each pair (or adds) per process")
    parser.add_argument("--add", action="store_true", help="time Corpus.add of 199 ECB+ articles instead")
    args = parser.parse_args()
    mode = "--add-worker" if args.add else "--worker"
    sides = {"new": ROOT / "src"}
    results = {"new": {"wall": {}, "cpu": {}}, "old": {"wall": {}, "cpu": {}}}
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "old"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(tree), args.rev],
                       check=True)
        sides["old"] = tree / "src"
        share_compiled_modules(tree)
        try:
            for round_ in range(args.rounds):
                for side in ("old", "new") if round_ % 2 == 0 else ("new", "old"):
                    env = dict(os.environ, PYTHONPATH=str(sides[side]), HF_HUB_OFFLINE="1")
                    out = subprocess.run([sys.executable, __file__, mode, str(args.runs)], env=env,
                                         check=True, capture_output=True, text=True).stdout
                    result = json.loads(out.strip().splitlines()[-1])
                    assert result["module"].startswith(str(sides[side])), result["module"]
                    for kind in ("wall", "cpu"):
                        for pair, times in result[kind].items():
                            results[side][kind].setdefault(pair, []).extend(times)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    what = "adds" if args.add else "warm compares"
    print(f"{args.rev} (old) vs this checkout (new): medians of {args.rounds * args.runs} {what} each, "
          f"{args.rounds} processes per side, interleaved; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores at the end\n")
    print("| pair | old wall s | new wall s | new/old | old CPU s | new CPU s | new/old |")
    print("|---|---|---|---|---|---|---|")
    for pair in results["old"]["wall"]:
        ow, nw = (statistics.median(results[s]["wall"][pair]) for s in ("old", "new"))
        oc, nc = (statistics.median(results[s]["cpu"][pair]) for s in ("old", "new"))
        print(f"| {pair} | {ow:.3f} | {nw:.3f} | {nw / ow:.2f} | {oc:.3f} | {nc:.3f} | {nc / oc:.2f} |")
    if args.add:
        n = 199
        for side in ("old", "new"):
            wall, cpu = results[side]["wall"]["add 199"], results[side]["cpu"]["add 199"]
            print(f"{side}: articles/s median {n / statistics.median(wall):.1f} (runs: "
                  f"{', '.join(f'{n / w:.0f}' for w in wall)}); CPU ms/article median "
                  f"{1000 * statistics.median(cpu) / n:.1f}; wall ms/article {1000 * statistics.median(wall) / n:.1f}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker(int(sys.argv[2]))
    elif len(sys.argv) == 3 and sys.argv[1] == "--add-worker":
        add_worker(int(sys.argv[2]))
    else:
        main()
