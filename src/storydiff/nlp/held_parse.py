"""The pipeline's parser and ner run through `_held_parse` (spaCy's greedy parse with the GIL held
through its loop; why, in that module), under their own names. Same states, same annotations
(tests/test_language.py). On the distinct benchmark pair's 93 paragraphs ner took 50 ms instead
of 122 and the parser 14 instead of 35 (docs/benchmarks.md).

Where the compiled module is missing (no compiler at install) or was built against another spaCy,
or a pipe is not a greedy parser on numpy, spaCy's own parse runs: slower, the same result.
"""

from __future__ import annotations

import warnings


def held_greedy_parse():
    """`_held_parse.greedy_parse`, or None where it cannot be used here."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # Cython warns, not fails, when spaCy's types changed size
            from ._held_parse import greedy_parse
    except (ImportError, ValueError, Warning):
        return None
    return greedy_parse


class HeldGilParser:
    """Stands in for a spaCy parser pipe (`parser`, `ner`): spaCy's own `pipe` and `__call__`, with
    the greedy parse run by `_held_parse`."""

    def __init__(self, parser, greedy_parse):
        self.parser = parser
        self.greedy_parse = greedy_parse
        self.name = parser.name
        self.model = parser.model  # the shared tok2vec finds its listener here

    def _predict(self, docs):
        if not any(len(doc) for doc in docs):
            return self.parser.moves.init_batch(docs)
        return self.greedy_parse(self.parser, docs)

    def __call__(self, doc):
        self.parser.set_annotations([doc], self._predict([doc]))
        return doc

    def pipe(self, docs, batch_size: int = 256):
        """As spaCy's Parser.pipe: batches, each parsed in sub-batches of similar length."""
        from spacy.util import minibatch

        for batch in minibatch(docs, size=batch_size):
            batch = list(batch)
            by_length = sorted(batch, key=len)
            for sub in minibatch(by_length, size=max(batch_size // 4, 2)):
                sub = list(sub)
                self.parser.set_annotations(sub, self._predict(sub))
            yield from batch


def _can_hold(pipe) -> bool:
    from spacy.pipeline.transition_parser import Parser
    from thinc.api import NumpyOps

    return isinstance(pipe, Parser) and pipe.cfg.get("beam_width", 1) == 1 and isinstance(pipe.model.ops, NumpyOps)


def use_held_parsers(nlp):
    """`nlp` with each greedy parser pipe (parser, ner) wrapped in a HeldGilParser, under its own
    name; unchanged where `_held_parse` cannot be used."""
    from .language import swap_pipe

    greedy_parse = held_greedy_parse()
    if greedy_parse is None:
        return nlp
    for name in list(nlp.pipe_names):
        if _can_hold(nlp.get_pipe(name)):
            swap_pipe(nlp, name, "storydiff_held_parser", lambda pipe: HeldGilParser(pipe, greedy_parse))
    return nlp
