"""pipeline.analyse_articles: claims are embedded in chunks while spaCy reads on.

The founding example (examples/gaza-talks: Al Jazeera and a rewrite of a wire
story) has more texts to embed than one chunk, so the streamed path is the
one tested. A recording embedder gives each text a vector made from the text
itself, so a vector that lands on the wrong claim is caught.
"""

from __future__ import annotations

import hashlib

import numpy as np

from storydiff import pipeline
from storydiff.ingest import load
from storydiff.nlp.claims import extract_claims


class RecordingEmbedder:
    name = "recording"

    def __init__(self):
        self.calls: list[list[str]] = []

    @staticmethod
    def vector(text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
        return v / np.linalg.norm(v)

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.stack([self.vector(t) for t in texts])


def test_every_claim_and_figure_gets_its_own_texts_vector(example_paths):
    articles = [load(p)[0] for p in example_paths]
    embedder = RecordingEmbedder()
    per_article, claim_vecs, figure_vecs = pipeline.analyse_articles(articles, embedder=embedder)

    assert [len(c) for c in per_article] == [len(extract_claims(a)) for a in articles]
    assert len(embedder.calls) > 1, "the example should need more than one chunk"
    sent = [t for call in embedder.calls for t in call]
    assert len(sent) == len(set(sent)), "a text was embedded twice"

    figures = 0
    for claims in per_article:
        for claim in claims:
            assert np.array_equal(claim_vecs[claim.id], embedder.vector(claim.text))
            for i in range(len(claim.quantities)):
                figures += 1
                context = figure_vecs.context[(claim.id, i)]
                assert np.array_equal(context, embedder.vector(pipeline.quantity_context(claim, i)))
                if frame := pipeline.quantity_frame(claim, i):
                    assert np.array_equal(figure_vecs.frame[(claim.id, i)], embedder.vector(frame))
    assert figures > 0


def test_streamed_claims_match_one_article_at_a_time(example_paths):
    articles = [load(p)[0] for p in example_paths]
    per_article, _, _ = pipeline.analyse_articles(articles, embedder=RecordingEmbedder())
    for article, claims in zip(articles, per_article):
        alone = extract_claims(article)
        assert [(c.id, c.start, c.end, c.sentence_index) for c in claims] == \
               [(c.id, c.start, c.end, c.sentence_index) for c in alone]
