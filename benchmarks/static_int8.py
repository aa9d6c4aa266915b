"""Static int8 MiniLM against fp32 on the distinct ECB+ pair's compare texts.

Calibrates on sentences that are not evaluation data (examples/gaza-talks and
tests/fixtures), builds each variant into /tmp, and prints cosine to fp32
(min/mean), batch independence (a text alone vs in its batch) and the wall and
CPU time of encoding all texts batched with 2 threads (median of 5).

    python benchmarks/static_int8.py [variant ...]

A variant is a name from _variants() or `minmax~REGEX` / `pct~REGEX` /
`entropy~REGEX`: QDQ MatMuls, kept fp32 where the node name matches REGEX
(e.g. "minmax~attention/self/MatMul|intermediate|layer\\.[0-9]/output/dense"
quantises only Q, K, V and the attention output). Findings: docs/benchmarks.md.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
OUT = Path("/tmp/static-int8")


def calibration_texts() -> list[str]:
    """The texts compare would embed for articles that are not evaluation data."""
    from storydiff.ingest import load
    from storydiff.nlp.claims import extract_claims_many
    from storydiff.pipeline import _claim_texts

    articles = [a for f in sorted((ROOT / "examples/gaza-talks").glob("*.txt")) for a in load(str(f))]
    articles += load(str(ROOT / "tests/fixtures/aljazeera.html"))
    articles += load(str(ROOT / "tests/fixtures/articles.json"))
    texts = [text for claims in extract_claims_many(articles) for c in claims for _, text in _claim_texts(c)]
    return list(dict.fromkeys(texts))


def eval_texts() -> list[str]:
    from run import ECB, ECB_PAIRS

    from storydiff.ingest import make_article
    from storydiff.nlp.claims import extract_claims_many
    from storydiff.pipeline import _claim_texts

    ids = ECB_PAIRS["ECB+ 2×1,000 words, distinct"]
    rows = {r["id"]: r for r in map(json.loads, ECB.open(encoding="utf-8")) if r["id"] in ids}
    articles = [make_article(rows[i]["text"], f"{ECB.name}#{i}") for i in ids]
    return [text for claims in extract_claims_many(articles) for c in claims for _, text in _claim_texts(c)]


class Reader:
    """One text per batch; padded to the longest text when `pad` (the histogram calibrators need one shape)."""

    def __init__(self, tokenizer, texts, pad=False):
        tokens = [tokenizer.encode(t).ids for t in texts]
        width = max(map(len, tokens)) if pad else None
        self.items = iter(tokens)
        self.width = width

    def get_next(self):
        ids = next(self.items, None)
        if ids is None:
            return None
        row = np.zeros((1, self.width or len(ids)), dtype=np.int64)
        row[0, : len(ids)] = ids
        mask = (np.arange(row.shape[1]) < len(ids)).astype(np.int64)[None]
        return {"input_ids": row, "attention_mask": mask, "token_type_ids": np.zeros_like(row)}


def build(name: str, fp32: Path, tokenizer, texts: list[str]) -> Path:
    from onnxruntime.quantization import (
        CalibrationMethod,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    target = OUT / f"{hashlib.sha1(name.encode()).hexdigest()[:10]}.onnx"
    if target.exists():
        return target
    pre = OUT / "pre.onnx"
    if not pre.exists():
        quant_pre_process(str(fp32), str(pre), skip_symbolic_shape=True)
    fmt, method, ops, exclude = VARIANTS[name] if name in VARIANTS else _ad_hoc(name)
    import onnx

    nodes = [n.name for n in onnx.load(str(pre)).graph.node if n.op_type == "MatMul"]
    excluded = [n for n in nodes if exclude(n)]
    quantize_static(
        str(pre), str(target), Reader(tokenizer, texts, pad=method != CalibrationMethod.MinMax),
        quant_format=fmt, per_channel=True, calibrate_method=method,
        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
        op_types_to_quantize=ops, nodes_to_exclude=excluded,
        extra_options={"CalibPercentile": 99.999} if method == CalibrationMethod.Percentile else {},
    )
    return target


def _variants():
    from onnxruntime.quantization import CalibrationMethod as C
    from onnxruntime.quantization import QuantFormat as F

    def none(n):
        return False

    def attention(n):  # the activation x activation MatMuls (QK^T, softmax.V): no weights there
        return "/attention/self/MatMul" in n

    def attention_last(n):
        return attention(n) or "layer.5/" in n

    def ffn_down(n):  # the FFN's second MatMul, whose input (after GELU) has the outliers
        return attention(n) or ("/output/dense/MatMul" in n and "attention" not in n)

    def ffn(n):
        return ffn_down(n) or "/intermediate/dense/MatMul" in n

    return {
        "qdq-minmax-noffn2": (F.QDQ, C.MinMax, ["MatMul"], ffn_down),
        "qdq-pct-noffn2": (F.QDQ, C.Percentile, ["MatMul"], ffn_down),
        "qdq-minmax-attn-only": (F.QDQ, C.MinMax, ["MatMul"], ffn),
        "qdq-minmax": (F.QDQ, C.MinMax, ["MatMul"], none),
        "qdq-minmax-weights": (F.QDQ, C.MinMax, ["MatMul"], attention),
        "qdq-pct-weights": (F.QDQ, C.Percentile, ["MatMul"], attention),
        "qdq-entropy-weights": (F.QDQ, C.Entropy, ["MatMul"], attention),
        "qop-minmax-weights": (F.QOperator, C.MinMax, ["MatMul"], attention),
        "qdq-minmax-weights-l5": (F.QDQ, C.MinMax, ["MatMul"], attention_last),
    }


VARIANTS: dict = {}


def _ad_hoc(name: str):
    """`minmax~REGEX` or `pct~REGEX`: QDQ MatMuls, fp32 where the node name matches REGEX."""
    import re

    from onnxruntime.quantization import CalibrationMethod as C
    from onnxruntime.quantization import QuantFormat as F

    method, pattern = name.split("~", 1)
    method = {"minmax": C.MinMax, "pct": C.Percentile, "entropy": C.Entropy}[method]
    return F.QDQ, method, ["MatMul"], lambda n: re.search(pattern, n) is not None


def session(path: Path, threads: int = 2):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def main():
    from storydiff.backends.embedder import packaged_minilm_path
    from storydiff.backends.onnx_embedder import OnnxEmbedder, _fingerprint, cache_dir

    VARIANTS.update(_variants())
    OUT.mkdir(exist_ok=True)
    model_dir = packaged_minilm_path()
    fp32 = cache_dir() / f"minilm-{_fingerprint(model_dir)}.onnx"
    base = OnnxEmbedder(model_dir, "fp32", threads=2)
    tokenizer = base.tokenizer
    calib, texts = calibration_texts(), eval_texts()
    print(f"calibration sentences {len(calib)}, eval texts {len(texts)}")
    reference = base.encode(texts)
    names = sys.argv[1:] or list(VARIANTS)
    rows = []

    def timed(emb):
        walls, cpus = [], []
        for _ in range(5):
            w, c = time.perf_counter(), time.process_time()
            emb.encode(texts)
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
        return statistics.median(walls), statistics.median(cpus)

    for name in names:
        start = time.perf_counter()
        path = build(name, fp32, tokenizer, calib)
        built = time.perf_counter() - start
        emb = OnnxEmbedder(model_dir, name, threads=2)
        emb.session = session(path)
        vectors = emb.encode(texts)
        cos = (vectors * reference).sum(axis=1)
        alone = np.stack([emb.encode([t])[0] for t in texts])
        drift = float(np.abs(alone - vectors).max())
        rows.append((name, float(cos.min()), float(cos.mean()), drift, built))
        print(f"{name}: cos min {cos.min():.4f} mean {cos.mean():.4f}, alone-vs-batch max diff {drift:.2e}, "
              f"built {built:.0f}s", flush=True)
    # timing: interleave fp32 and the variants, each a median of 5
    embs = {"fp32": base}
    for name in names:
        e = OnnxEmbedder(model_dir, name, threads=2)
        e.session = session(build(name, None, tokenizer, calib))
        embs[name] = e
    for name, e in embs.items():
        e.encode(texts)
    for name, e in embs.items():
        wall, cpu = timed(e)
        print(f"time {name}: wall {wall:.3f}s cpu {cpu:.3f}s", flush=True)


if __name__ == "__main__":
    main()
