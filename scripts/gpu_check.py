"""The device checks for the nli judge and the embedder on a CUDA GPU (run on a machine that has one).

CI has no GPU, so the `[judge] device = "cuda"` path of backends/nli.py is
checked here instead: a tiny BERT classifier built on the spot (as
tests/test_nli_backend.py builds it; nothing is downloaded) judges the same
pairs on the CPU and on the GPU, and the two must give the same labels and
probabilities. `device = "auto"` must pick the GPU. The same for the
`[embedder] backend = "sentence-transformers"` path (what the batch engine's
model actors ask a GPU for): a tiny sentence-transformers model built from
that BERT embeds the same texts on both, and the vectors must agree. Prints
one line per check and exits non-zero when one fails.

    PYTHONPATH=src python scripts/gpu_check.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def main() -> int:
    import torch

    from storydiff.backends.nli import NliJudge
    from test_nli_backend import ITEMS, build_model, settings_for

    if not torch.cuda.is_available():
        print("no CUDA GPU: nothing to check here (CI runs the CPU path in tests/test_nli_backend.py)")
        return 1
    failures = 0

    def check(ok: bool, what: str) -> None:
        nonlocal failures
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {what}")

    with tempfile.TemporaryDirectory() as folder:
        model = str(build_model(Path(folder) / "tiny", {0: "entailment", 1: "neutral", 2: "contradiction"}))
        # enough pairs for several batches, with lengths that need padding
        items = [(p * k, h) for k in (1, 2, 3) for p, h in ITEMS] * 6
        cpu = NliJudge.from_settings(settings_for(model, device="cpu")).judge(items)
        gpu_judge = NliJudge.from_settings(settings_for(model, device="cuda"))
        gpu = gpu_judge.judge(items)
        check(next(gpu_judge.model.parameters()).is_cuda, f"device = cuda puts the model on {torch.cuda.get_device_name()}")
        check([j.label for j in cpu] == [j.label for j in gpu], f"the same labels on CPU and GPU ({len(items)} pairs)")
        worst = max(abs(a.probabilities[k] - b.probabilities[k]) for a, b in zip(cpu, gpu) for k in a.probabilities)
        check(worst < 1e-4, f"the same probabilities on CPU and GPU (largest difference {worst:.2e})")
        auto = NliJudge.from_settings(settings_for(model, device="auto", nli_batch_size=7))
        check(auto.device.startswith("cuda"), f'device = "auto" picks the GPU ({auto.device})')
        again = auto.judge(items)
        worst = max(abs(a.probabilities[k] - b.probabilities[k]) for a, b in zip(gpu, again) for k in a.probabilities)
        check(worst < 1e-5, f"batches of 7 give what batches of 16 give on the GPU (largest difference {worst:.2e})")
        check_embedder(Path(folder), check)
    return 1 if failures else 0


def check_embedder(folder: Path, check) -> None:
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer, models

    from storydiff.backends import embedder as embedders
    from storydiff.settings import load_settings
    from test_nli_backend import ITEMS, build_model

    bert = build_model(folder / "bert", {0: "a", 1: "b"})
    path = str(folder / "st")
    SentenceTransformer(modules=[models.Transformer(str(bert)), models.Pooling(32, "mean")]).save(path)
    texts = [p * k for k in (1, 2, 3) for p, _ in ITEMS]

    def embed(device: str):
        settings = load_settings().with_overrides(
            {"embedder": {"backend": "sentence-transformers", "model": path, "device": device, "batch_size": 5}})
        embedders._loaded.clear()  # one model per device, not the one loaded first
        model = embedders.get_embedder(settings)
        return model, model.encode(texts)

    _, cpu = embed("cpu")
    gpu_model, gpu = embed("cuda")
    check(next(gpu_model.model.parameters()).is_cuda, "[embedder] device = cuda puts the embedder on the GPU")
    worst = float(np.max(np.abs(cpu - gpu)))
    check(worst < 1e-4, f"the same vectors on CPU and GPU ({len(texts)} texts, largest difference {worst:.2e})")
    auto_model, _ = embed("auto")
    check(next(auto_model.model.parameters()).is_cuda == torch.cuda.is_available(),
          '[embedder] device = "auto" picks the GPU')


if __name__ == "__main__":
    sys.exit(main())
