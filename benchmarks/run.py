"""`make bench`: how fast compare is, against the embedder's own ceiling, in one run.

Measures, on this machine:
  1. cold: a fresh process that imports storydiff, loads the models and
     compares the pair (what a user waits for on the first command);
  2. warm: compare again in a process whose models are loaded (the library
     and server case), median of several runs; and warm on a new pair: the
     pair's first compare in a process that has compared 40 other pairs;
  3. the embedder alone on the same sentences, sentences/s: the ceiling; and
     as baselines measured in the same run, warm compares and the embedder on
     ONNX Runtime fp32 (what OpenVINO replaced) and the embedder on torch
     (sentence-transformers, what ONNX Runtime replaced).
  4. `Corpus.add` of 199 real ECB+ articles into an empty corpus (read, story
     signals, near-copies, clustering, SQLite), with the shipped story
     embedder and with the one it replaced, each with its leads/s.
Pairs: the founding example, and two pairs of ~1,000-word real articles of one
ECB+ event from ../shared/data (skipped with a note when that folder is absent).
benchmarks/ab.py times this checkout against an earlier revision.

    python benchmarks/run.py [--only compare|add]
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
ECB = ROOT.parent / "shared" / "data" / "stories" / "ecbplus-dev.jsonl"
# Two real ~1,000-word reports of one event each: a wire story and its near-copy (46 of 51
# paragraphs the same, as syndicated news often is), and two independently written reports.
ECB_PAIRS = {
    "ECB+ 2×1,000 words, near-copies": ("ecb-29_5ecbplus", "ecb-29_1ecbplus"),  # 969 and 965 words
    "ECB+ 2×1,000 words, distinct": ("ecb-16_10ecbplus", "ecb-16_7ecbplus"),  # 1,087 and 978 words
}
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
ADD_RUNS = int(os.environ.get("BENCH_ADD_RUNS", "3"))  # corpus adds per configuration (median)


def alternated_medians(fns, runs=RUNS) -> list[float]:
    """Median seconds of each of `fns`, run in turn (a, b, a, b, ...) so that the machine's
    minute-to-minute speed falls on all of them alike."""
    for fn in fns:
        fn()  # warm-up
    times = [[] for _ in fns]
    for _ in range(runs):
        for fn, spent in zip(fns, times):
            start = time.perf_counter()
            fn()
            spent.append(time.perf_counter() - start)
    return [statistics.median(spent) for spent in times]


def median_time(fn, runs=RUNS):
    return alternated_medians([fn], runs)[0]


def load_pairs():
    from storydiff.ingest import load, make_article

    pairs = {"gaza-talks example": [load(str(ROOT / "examples/gaza-talks" / f))[0]
                                    for f in ("aljazeera.txt", "rewrite.txt")]}
    if ECB.exists():
        wanted = {i for ids in ECB_PAIRS.values() for i in ids}
        rows = {r["id"]: r for r in map(json.loads, ECB.open(encoding="utf-8")) if r["id"] in wanted}
        for name, ids in ECB_PAIRS.items():
            pairs[name] = [make_article(rows[i]["text"], f"{ECB.name}#{i}") for i in ids]
    else:
        print(f"note: {ECB} not found; the 1,000-word pairs are skipped", file=sys.stderr)
    return pairs


NEW_PAIR_WARMUP = 40  # other ECB+ pairs a process compares before it meets the benchmark pairs


def new_pair_worker() -> None:
    """In a fresh process: compare NEW_PAIR_WARMUP other ECB+ pairs, then each benchmark pair once; print
    each one's seconds as JSON."""
    import storydiff
    from storydiff.ingest import make_article
    from storydiff.settings import load_settings

    settings = load_settings()
    pairs = load_pairs()
    taken = {i for ids in ECB_PAIRS.values() for i in ids}
    rows = [r for r in map(json.loads, ECB.open(encoding="utf-8"))
            if r["id"] not in taken and len(r["text"].split()) > 400][: 2 * NEW_PAIR_WARMUP]
    for a, b in zip(rows[::2], rows[1::2]):
        storydiff.compare_articles([make_article(a["text"], a["id"]), make_article(b["text"], b["id"])], settings)
    seconds = {}
    for name, articles in pairs.items():
        start = time.perf_counter()
        storydiff.compare_articles(articles, settings)
        seconds[name] = time.perf_counter() - start
    print(json.dumps(seconds))


def new_pair_seconds(runs: int = 3) -> dict[str, float]:
    """Each pair's first compare in a warm process that has compared NEW_PAIR_WARMUP other pairs, median of
    `runs` fresh processes: what a server or library user waits for on articles it has not seen.
    The warm column repeats one pair, whose new words (spaCy's vocabulary) and new encoder input
    shapes (OpenVINO's kernels) are then known; a process that has seen no other news pays about
    0.1 s more for them, one that has compared 40 other pairs still 0.03-0.08 s."""
    if not ECB.exists():
        return {}
    results: dict[str, list[float]] = {}
    for _ in range(runs):
        out = subprocess.run([sys.executable, __file__, "--new-pair-worker"], check=True, capture_output=True,
                             text=True, env=dict(os.environ, HF_HUB_OFFLINE="1")).stdout
        for name, seconds in json.loads(out.strip().splitlines()[-1]).items():
            results.setdefault(name, []).append(seconds)
    return {name: statistics.median(times) for name, times in results.items()}


def cold_seconds(paths: list[str]) -> float:
    code = "import storydiff,sys; storydiff.compare(sys.argv[1:])"
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, *paths], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["compare", "add"], help="run one of the two parts")
    only = parser.parse_args().only

    import storydiff
    from storydiff.backends.embedder import get_embedder
    from storydiff.nlp.claims import extract_claims
    from storydiff.settings import load_settings

    settings = load_settings()
    # Corpus add first: once the torch baseline has run in this process, its thread pool slowed the
    # add by a fifth (22 against 17 CPU ms an article, same machine, minutes apart).
    add_rate = corpus_add_rate(settings) if ECB.exists() and only != "compare" else None
    shipped = get_embedder(settings)
    ort_settings = settings.with_overrides({"embedder": {"runtime": "onnxruntime"}})
    ort = get_embedder(ort_settings)
    torch_embedder = (get_embedder(settings.with_overrides({"embedder": {"backend": "minilm-torch"}}))
                      if only != "add" else None)
    new_pair = new_pair_seconds() if only != "add" else {}
    rows = []
    tmp = ROOT / "benchmarks" / ".pair"
    tmp.mkdir(exist_ok=True)
    for name, articles in (load_pairs().items() if only != "add" else []):
        words = sum(len(a.text.split()) for a in articles)
        sentences = [c.text for a in articles for c in extract_claims(a)]
        warm, warm_ort = alternated_medians([lambda: storydiff.compare_articles(articles, settings),
                                             lambda: storydiff.compare_articles(articles, ort_settings)])
        claims_only = median_time(lambda: [extract_claims(a) for a in articles])
        embed_shipped = median_time(lambda: shipped.encode(sentences))
        embed_ort = median_time(lambda: ort.encode(sentences))
        embed_torch = median_time(lambda: torch_embedder.encode(sentences))
        paths = []
        for i, a in enumerate(articles):
            path = tmp / f"{i}.txt"
            path.write_text(a.text, encoding="utf-8")
            paths.append(str(path))
        cold = cold_seconds(paths)
        rows.append((name, words, len(sentences), cold, warm, new_pair.get(name), warm_ort, claims_only,
                     embed_shipped, embed_ort, embed_torch))

    print(f"embedder: {shipped.name}; baseline: {ort.name} on ONNX Runtime")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    if rows:
        print_compare(rows)
    if add_rate:
        print("\n| corpus add + clustering (ECB+ dev, first 199) | seconds | articles/s | CPU ms/article "
              "| story embedder leads/s | embedder sentences/s (same run) |")
        print("|---|---|---|---|---|---|")
        for name, n, seconds, cpu, lead_rate, sentence_rate in add_rate:
            print(f"| {name} | {seconds:.1f} | {n / seconds:.1f} | {1000 * cpu / n:.1f} | {lead_rate:.0f} "
                  f"| {sentence_rate:.0f} |")


def print_compare(rows):
    print(f"median of {RUNS} runs (cold, and warm new pair: median of 3 fresh processes; a new pair is compared "
          f"first after {NEW_PAIR_WARMUP} other ECB+ pairs)\n")
    print("| pair | words | sentences | cold s | warm s | warm s, new pair | warm s, ONNX Runtime | warm ÷ ONNX Runtime "
          "| of which claims s | embed s (sent/s) | embed ONNX Runtime s (sent/s) | embed torch s (sent/s) "
          "| warm ÷ embed |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, words, n, cold, warm, new_pair, warm_ort, claims, embed_s, ort_s, torch_s in rows:
        new_pair = "–" if new_pair is None else f"{new_pair:.3f}"
        print(f"| {name} | {words} | {n} | {cold:.2f} | {warm:.3f} | {new_pair} | {warm_ort:.3f} | {warm / warm_ort:.2f} "
              f"| {claims:.3f} | {embed_s:.3f} ({n / embed_s:.0f}) | {ort_s:.3f} ({n / ort_s:.0f}) "
              f"| {torch_s:.3f} ({n / torch_s:.0f}) | {warm / embed_s:.2f}× |")


# The shipped story settings, and the document embedder they replaced (fp32 MiniLM over 600 characters).
ADD_CONFIGS = {"shipped: int8 MiniLM, 300 characters": {},
               "baseline: the [embedder] MiniLM (OpenVINO bf16 here), 600 characters": {"embedder": "", "lead_chars": 600}}


def write_add_inputs(folder: Path, n: int = 200) -> list[dict]:
    """The first `n` ECB+ dev articles as JSON inputs for `add`, 0000.json first; returns their rows."""
    rows = [json.loads(line) for _, line in zip(range(n), ECB.open(encoding="utf-8"))]
    folder.mkdir()
    for i, row in enumerate(rows):
        (folder / f"{i:04d}.json").write_text(json.dumps({"text": row["text"], "outlet": row.get("outlet")}))
    return rows


def time_adds(folder: Path, store_prefix: Path, settings, runs: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of each of `runs` adds of `folder` (all but 0000.json, which loads the models
    outside the timing) into a new store; one add varied by a third, so take the median."""
    from storydiff.corpus import Corpus

    timings = []
    for run in range(runs):
        with Corpus(store_prefix.with_name(f"{store_prefix.name}-{run}.db"), settings) as corpus:
            corpus.add([str(folder / "0000.json")])
            start, cpu = time.perf_counter(), time.process_time()
            corpus.add([str(folder)])
            timings.append((time.perf_counter() - start, time.process_time() - cpu))
    return timings


def corpus_add_rate(settings, n: int = 200):
    """`Corpus.add` of n real ECB+ articles into a new store (read, embed, near-copies, stories), per config."""
    import tempfile

    from storydiff.backends.embedder import get_embedder
    from storydiff.ingest import make_article
    from storydiff.nlp.claims import extract_claims
    from storydiff.stories import StoryParams, lead_text, story_embedder

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        rows = write_add_inputs(folder, n)
        sentences = [c.text for row in rows[:10] for c in extract_claims(make_article(row["text"], "bench"))]
        embedder = get_embedder(settings)
        sentence_rate = len(sentences) / median_time(lambda: embedder.encode(sentences), runs=3)
        for name, overrides in ADD_CONFIGS.items():
            config = settings.with_overrides({"stories": overrides})
            leads = [lead_text(make_article(r["text"], "bench"), StoryParams.from_settings(config).lead_chars)
                     for r in rows[:50]]
            lead_embedder = story_embedder(config)
            lead_rate = len(leads) / median_time(lambda: lead_embedder.encode(leads), runs=3)
            timings = time_adds(folder, Path(tmp) / f"bench-{len(results)}", config, ADD_RUNS)
            seconds = statistics.median(t[0] for t in timings)
            cpu = statistics.median(t[1] for t in timings)
            results.append((name, n - 1, seconds, cpu, lead_rate, sentence_rate))
    return results

if __name__ == "__main__":
    if sys.argv[1:] == ["--new-pair-worker"]:
        new_pair_worker()
    else:
        main()
