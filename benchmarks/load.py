"""Bounded load test of the web app on loopback: fixed request counts and concurrency.

    .venv/bin/python benchmarks/load.py [--reads 200] [--compares 20] [--concurrency 8] [--compare-concurrency 2]

Builds a temporary corpus with the example story (examples/gaza-talks/),
serves it with uvicorn on 127.0.0.1, warms the story's cached comparison,
then measures (1) cached story reads, GET /api/stories/{id}, and (2)
POST /api/compare on the example pair. Prints throughput and p50/p99
latency as a Markdown table (paste it under `## Web` in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "gaza-talks"
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def run(client: httpx.AsyncClient, n: int, concurrency: int, request) -> dict:
    latencies: list[float] = []
    errors = 0
    queue = iter(range(n))
    lock = asyncio.Lock()

    async def worker():
        nonlocal errors
        while True:
            async with lock:
                if next(queue, None) is None:
                    return
            start = time.perf_counter()
            response = await request(client)
            latencies.append(time.perf_counter() - start)
            if response.status_code != 200:
                errors += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - start
    return {"n": n, "concurrency": concurrency, "errors": errors, "wall_s": wall, "rps": n / wall,
            "p50_ms": percentile(latencies, 50) * 1000, "p99_ms": percentile(latencies, 99) * 1000,
            "mean_ms": statistics.fmean(latencies) * 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--compares", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--compare-concurrency", type=int, default=2)
    args = parser.parse_args()

    import uvicorn

    sys.path.insert(0, str(ROOT / "src"))
    from storydiff.corpus import Corpus
    from storydiff.web import create_app

    sys.path.insert(0, str(ROOT / "tests"))
    from test_web_api import web_settings  # defaults plus any [stories] keys not yet shipped

    settings = web_settings()
    tmp = tempfile.TemporaryDirectory(prefix="storydiff-load-")
    db = Path(tmp.name) / "corpus.db"
    with Corpus(db, settings) as corpus:
        summary = corpus.add([str(EXAMPLE / "aljazeera.txt"), str(EXAMPLE / "rewrite.txt")])
        (story_id,) = set(summary.stories.values())

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, db), host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    texts = [(EXAMPLE / name).read_text(encoding="utf-8") for name in ("aljazeera.txt", "rewrite.txt")]
    body = {"articles": [{"text": texts[0], "outlet": "Al Jazeera"}, {"text": texts[1], "outlet": "Rewrite"}]}

    async def measure():
        limits = httpx.Limits(max_connections=max(args.concurrency, args.compare_concurrency))
        async with httpx.AsyncClient(base_url=base, timeout=600, limits=limits) as client:
            warm = await client.get(f"/api/stories/{story_id}")  # computes and caches the comparison
            assert warm.status_code == 200, warm.text
            warm = await client.post("/api/compare", json=body)  # models loaded once, here
            assert warm.status_code == 200, warm.text
            reads = await run(client, args.reads, args.concurrency,
                              lambda c: c.get(f"/api/stories/{story_id}"))
            compares = await run(client, args.compares, args.compare_concurrency,
                                 lambda c: c.post("/api/compare", json=body))
            return reads, compares

    reads, compares = asyncio.run(measure())
    server.should_exit = True
    thread.join(timeout=10)
    tmp.cleanup()

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
          f"[web] workers = {settings.get('web', 'workers')}")
    print()
    print("| workload | requests | concurrency | errors | wall (s) | throughput (req/s) | p50 (ms) | p99 (ms) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in (("cached story read, GET /api/stories/{id}", reads),
                    ("compare example pair, POST /api/compare", compares)):
        print(f"| {name} | {r['n']} | {r['concurrency']} | {r['errors']} | {r['wall_s']:.1f} | {r['rps']:.2f} "
              f"| {r['p50_ms']:.0f} | {r['p99_ms']:.0f} |")
    return 1 if reads["errors"] or compares["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
