"""Article -> claims: one claim per sentence, with its typed parts.

This is the pure core of the claim stage (`extract_claims`); it needs only
the spaCy pipeline, so the same code runs in-process and in a batch worker.
"""

from __future__ import annotations

from ..model import Article, Claim, Sentence
from .language import load_nlp
from .order import extract_orders
from .quantities import extract_quantities
from .quotes import quotes_from_doc
from .sentences import paragraphs, split_sentences
from .times import extract_times

STAGE_VERSION = "storydiff.claims.v3"  # v2: Claim.orders; v3: orders anchored in the sentence before

_ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT"}
_MIN_WORDS = 4


def normalise_entity(ent) -> str:
    """'Benjamin Netanyahu' and 'Netanyahu's' both become 'netanyahu'."""
    tokens = [t for t in ent if not t.is_punct and t.text.lower() not in ("'s", "’s", "the")]
    if not tokens:
        return ent.text.lower()
    if ent.label_ == "PERSON":
        return tokens[-1].text.lower()
    return " ".join(t.text.lower() for t in tokens)


def _is_claim(sentence: Sentence, span) -> bool:
    words = [t for t in span if not t.is_punct]
    has_verb = any(t.pos_ in ("VERB", "AUX") for t in span)
    return len(words) >= _MIN_WORDS and (has_verb or len(words) >= 8)


def extract_claims(article: Article, nlp=None) -> list[Claim]:
    return extract_claims_many([article], nlp)[0]


def extract_claims_many(articles: list[Article], nlp=None) -> list[list[Claim]]:
    """Claims of each article, with every distinct paragraph parsed once, in one spaCy batch.

    Reports of one event share paragraphs (wire copies, rewrites that keep a
    paragraph); a parse depends only on the paragraph's text.
    """
    nlp = nlp or load_nlp()
    paras = [paragraphs(article.text) for article in articles]
    distinct = list(dict.fromkeys(text for article_paras in paras for _, text in article_paras))
    docs = dict(zip(distinct, nlp.pipe(distinct)))
    return [_article_claims(article, [(offset, docs[text]) for offset, text in article_paras])
            for article, article_paras in zip(articles, paras)]


def _article_claims(article: Article, docs_with_offsets) -> list[Claim]:
    sentences = split_sentences(docs_with_offsets)
    quotes = [q for offset, doc in docs_with_offsets for q in quotes_from_doc(doc, offset)]
    claims: list[Claim] = []
    seen_texts: set[str] = set()
    para_index = 0
    located = []  # (paragraph index, doc offset, span) of each sentence
    for sentence in sentences:
        # Find the paragraph doc holding this sentence.
        while para_index + 1 < len(docs_with_offsets) and docs_with_offsets[para_index + 1][0] <= sentence.start:
            para_index += 1
        offset, doc = docs_with_offsets[para_index]
        located.append((para_index, offset, doc.char_span(sentence.start - offset, sentence.end - offset,
                                                           alignment_mode="expand")))
    lines_are_paragraphs = _real_paragraphs([p for p, _, _ in located])
    for k, (sentence, (para, offset, span)) in enumerate(zip(sentences, located)):
        if span is None or not _is_claim(sentence, span) or sentence.text in seen_texts:
            continue
        seen_texts.add(sentence.text)
        previous = located[k - 1] if k else None
        if previous is not None and (previous[2] is None or (lines_are_paragraphs and previous[0] != para)):
            previous = None
        claims.append(_claim(article, sentence, span, quotes, offset, previous))
    return claims


def _real_paragraphs(paragraph_of_sentence: list[int]) -> bool:
    """Whether the article's lines are paragraphs of several sentences, not a sentence each.

    In paragraphs of several sentences an opening "Later," is not read against
    the paragraph before: a new paragraph often turns to another thread, and a
    wrong anchor (a false conflict) costs more than a miss. Text with a
    sentence per line (ECB+, and news pages that give each sentence its own
    paragraph) reads on across the line break as across a sentence break.
    """
    lines = len(set(paragraph_of_sentence))
    return len(paragraph_of_sentence) - lines > 0.1 * lines


def _claim(article: Article, sentence: Sentence, span, quotes, doc_offset: int, previous=None) -> Claim:
    quantities = tuple(extract_quantities(sentence.text, doc=span, offset=sentence.start))
    own_quotes = tuple(q for q in quotes if sentence.start <= q.start < sentence.end)
    times = tuple(extract_times(sentence.text, offset=sentence.start))
    entities = tuple(dict.fromkeys(normalise_entity(e) for e in span.ents if e.label_ in _ENTITY_LABELS))
    negated = any(t.dep_ == "neg" for t in span)
    kind = "quote" if own_quotes else "quantity" if quantities else "time" if times else "statement"
    return Claim(
        id=f"{article.id}:{sentence.index}",
        article_id=article.id,
        sentence_index=sentence.index,
        start=sentence.start,
        end=sentence.end,
        text=sentence.text,
        kind=kind,
        quantities=quantities,
        quotes=own_quotes,
        times=times,
        entities=entities,
        negated=negated,
        orders=tuple(extract_orders(span, offset=doc_offset, previous=previous and previous[2],
                                    previous_offset=previous and previous[1])),
    )
