"""Loading spaCy does not load torch (thinc would, costing a cold start ~1.8 s), and torch still loads later."""

from __future__ import annotations

import json
import subprocess
import sys

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
