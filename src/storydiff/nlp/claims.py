"""Article -> claims: one claim per sentence, with its typed parts.

This is the pure core of the claim stage (`extract_claims`); it needs only
the spaCy pipeline, so the same code runs in-process and in a batch worker.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ..model import Article, Claim, Sentence
from .language import load_nlp, one_blas_thread
from .order import extract_orders
from .quantities import PRONOUN_HOLDER, extract_quantities, phrase_tokens
from .quotes import quotes_from_doc
from .sentences import paragraphs, split_sentences
from .times import extract_times, is_dateline

STAGE_VERSION = "storydiff.claims.v27"  # v2: Claim.orders; v3: orders anchored in the sentence before;
# v4: Claim.lemmas and Claim.negated_lemmas (what a negation denies); v5: "over" after an amount is no hedge;
# v6: label numbers ("Week 17") are no figures, "6: 00 p.m." is 6 p.m., Quantity.holder (whose figure it is),
# "13 more than X" is a difference; v7: a dateline ("Updated 4: 08 p. m. ET") is no claim; v8: "his first 17
# passes" is at least 17, "in the first 7 minutes" within 7; v9: a figure of "he"/"she" is held by the last
# person named before the pronoun; v10: months and years span what the calendar allows ("three months" is
# 90 days); v11: a negation that withholds an answer ("would not say what") denies nothing; v12: and is
# kept, as Claim.withheld_lemmas; v13: a number set off by commas after a name is an age; v14:
# TimeMention.of_report (the time dates a source's words: "reported September 26"); v15: a list of figures
# the parser leaves unattached shares its first figure's verb and holder; v16: organisations are holders
# (not countries or places), and so is a subject's possessor ("Nationals' offer"); v17: "two more times",
# "two other rifles", "another 12" count ones besides those counted (unit "more"), not a total; v18: other
# countries' money ("HK$2.5 billion", "$US1 million", "CHF 20 million", "euro110 billion", roubles, rand),
# lakh and crore, and bracketed conversions ("85 million euros ($108 million)") read as about that much;
# v19: an ordinal's thing keeps the words that narrow it ("NBA head coach", "Eastern Conference head coach");
# v20: TimeMention.events (what happened then: "identify" for "identified the victim on Thursday"); v21:
# "not just", "not only" deny nothing; v22: a measure in brackets after another unit's is a conversion
# ("seven km (4 miles)"); v23: a time that modifies a noun dates that noun alone ("Friday's semifinal");
# v24: an amount in brackets in the same currency written alike is no conversion ("£8,895 (£13,343)");
# v26: "the one-year anniversary" is a measure ("the one" alone is still no count; v25 was a trial, not
# shipped, whose cached analyses must not be reused); v27: "no" before a noun denies it ("no fee", "no casualties"),
# and a denied verb's object is not affirmed ("would not discuss a possible motive")

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


_CONTENT_POS = {"VERB", "NOUN", "PROPN", "ADJ", "ADV", "NUM"}
_COMPLEMENTS = {"acomp", "attr", "oprd", "xcomp", "dobj", "advmod", "npadvmod"}


def _is_content(token) -> bool:
    """A word a negation can deny; not "be" or an auxiliary ("is not fit": the word is "fit")."""
    return token.pos_ in _CONTENT_POS and token.is_alpha and token.lemma_.lower() != "be"


def content_lemmas(span) -> tuple[str, ...]:
    """The sentence's content words as lower-case lemmas, in order, once each."""
    return tuple(dict.fromkeys(t.lemma_.lower() for t in span if _is_content(t)))


def negations(span) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the sentence's negations deny, as lemmas: "did not sign" -> sign, "is not fit" -> fit,
    "it's not the first time" -> time; and what they withhold ("would not say what" -> say).

    A negation in a clause that a shorter report leaves out ("X did not specify his
    injury, but will miss the season" against "X will miss the season") denies a word
    the other sentence does not use, so it is no conflict with it.
    """
    denied, withheld = [], []
    for neg in span:
        if neg.dep_ == "det" and neg.lower_ == "no":
            if neg.head.pos_ in ("NOUN", "PROPN", "NUM") and _is_content(neg.head):
                denied.append(neg.head.lemma_.lower())  # "there is no fee" denies "fee"; not "no longer"
            continue
        if neg.dep_ != "neg":
            continue
        after = neg.doc[neg.i + 1] if neg.i + 1 < len(neg.doc) else None
        if after is not None and after.lower_ in _NOT_JUST:
            continue  # "tying an NFL record - not just a rookie record": both, and more
        head = neg.head
        if _withholds(head, neg):
            withheld.append(head.lemma_.lower())
            continue
        if _is_content(head):
            denied.append(head.lemma_.lower())
            # what the denied verb acts on is not affirmed either: "would not discuss a possible motive"
            # says nothing of whether there is one (kept with the withheld words)
            withheld += [c.lemma_.lower() for c in head.children if c.dep_ == "dobj" and _is_content(c)]
            continue
        for child in head.children:
            if child.i < neg.i:
                continue
            if child.dep_ in _COMPLEMENTS and _is_content(child) and not child.is_stop:
                denied.append(child.lemma_.lower())
            elif child.dep_ == "prep":
                denied += [g.lemma_.lower() for g in child.children if g.dep_ == "pobj" and _is_content(g)]
    return tuple(dict.fromkeys(denied)), tuple(dict.fromkeys(withheld))


_WH_TAGS = {"WDT", "WP", "WP$", "WRB"}
_NOT_JUST = frozenset("just only merely simply solely".split())
_REPORTING = {"say", "report", "tell", "state", "add", "confirm", "cite", "quote", "write", "note", "comment",
              "speak", "announce", "reveal", "disclose", "claim", "explain", "insist", "testify"}


def _time_root(span, start: int, end: int):
    """The one token of the time at [start, end) of the sentence whose head lies outside it, or None."""
    _, roots = phrase_tokens(span, start, end)
    return roots[0] if len(roots) == 1 else None


def _dates_a_report(root) -> bool:
    """Does the time whose root is `root` date a report of the news ("said on Tuesday", "ITAR-TASS
    reported September 26") rather than the news itself? Two reports of one event date their
    sources' words differently without disagreeing on when anything happened."""
    if root is None:
        return False
    head = root.head
    if root.dep_ == "pobj" and head.dep_ == "prep":  # "said on Tuesday"
        head = head.head
    elif root.dep_ not in ("npadvmod", "tmod", "advmod", "obl"):
        return False
    return head.pos_ == "VERB" and head.lemma_.lower() in _REPORTING


# Words a time hangs from that name no event of their own: from "7 p.m. Wednesday night" the climb goes
# on to what happened then; a light verb ("took place on Tuesday") names none either.
_TIME_WORDS = frozenset("night morning afternoon evening day week weekend month year hour minute time today "
                        "tonight yesterday tomorrow date".split())
_LIGHT_VERBS = frozenset("be have take happen occur hold come do make get go begin start".split())


def _time_events(root) -> tuple[str, ...]:
    """What happened at the time whose root is `root`, as lemmas: the nouns and the verb
    the time dates, from the time up to the first verb ("Police identified the victim on Thursday":
    identify; "Sunday's divisional playoff game": game; "arrested on suspicion of drunk driving on
    Tuesday": suspicion, arrest, since the parser may hang the time on either). A time that modifies
    a noun dates that noun alone ("the winner of Friday's semifinal" is no playing on Friday). Empty
    where the parse names none. Two reports' times of two events ("identified on Thursday", "hit while
    walking Wednesday night") do not disagree on when anything happened."""
    if root is None:
        return ()
    token, events = root, []
    if token.dep_ in ("poss", "compound", "nmod") and token.head.pos_ in ("NOUN", "PROPN"):
        return (token.head.lemma_.lower(),)  # "Friday's second semifinal" dates the semifinal, nothing above it
    while token.head.i != token.i and len(events) < 4:
        token = token.head
        lemma = token.lemma_.lower()
        if token.pos_ == "ADP" or lemma in _TIME_WORDS or token.ent_type_ in ("DATE", "TIME"):
            continue
        if token.pos_ in ("VERB", "AUX"):
            if lemma not in _LIGHT_VERBS:
                events.append(lemma)
            break
        if token.pos_ in ("NOUN", "PROPN"):
            events.append(lemma)
    return tuple(events)


def _withholds(head, neg) -> bool:
    """ "would not say what she was treated for", "did not say whether he would run": the negation
    withholds an answer, and denies nothing another report says ("said Friday that she went to
    Promises"). Its verb's clause or object after it opens with a wh-word, "whether" or "if"."""
    for child in head.children:
        if child.i < neg.i:
            continue
        if child.dep_ == "prep":  # "would not comment on where she was"
            child = next((g for g in child.children if g.dep_ in ("pobj", "pcomp")), None)
            if child is None:
                continue
        elif child.dep_ not in ("ccomp", "dobj", "xcomp"):
            continue
        edge = child.left_edge
        if edge.tag_ in _WH_TAGS or edge.lower_ in ("whether", "if"):
            return True
        if edge.lower_ == "that" and edge.i + 1 < len(edge.doc) and edge.nbor().tag_ in _WH_TAGS:
            return True  # "it was not specified that how many": written so in a real report
    return False


def _is_claim(sentence: Sentence, span) -> bool:
    words = [t for t in span if not t.is_punct]
    has_verb = any(t.pos_ in ("VERB", "AUX") for t in span)
    # "Updated May 3, 2013 at 7: 31 AM ET" stamps the page: two pages' stamps are no conflicting times
    return len(words) >= _MIN_WORDS and (has_verb or len(words) >= 8) and not is_dateline(span.text)


def extract_claims(article: Article, nlp=None) -> list[Claim]:
    return extract_claims_many([article], nlp)[0]


def extract_claims_many(articles: list[Article], nlp=None) -> list[list[Claim]]:
    """Claims of each article, with every distinct paragraph parsed once."""
    per_article: list[list[Claim]] = [[] for _ in articles]
    for index, claim in iter_claims(articles, nlp):
        per_article[index].append(claim)
    return per_article


def iter_claims(articles: list[Article], nlp=None, batch_chars: int = 2000) -> Iterator[tuple[int, Claim]]:
    """(article index, claim) in reading order, each paragraph's claims as soon as it is parsed.

    Reports of one event share paragraphs (wire copies, rewrites that keep a
    paragraph), and a parse depends only on the paragraph's text, so each
    distinct paragraph is parsed once. Yielding as the parse goes lets a
    caller embed the first claims while spaCy reads the rest (pipeline.py).
    """
    nlp = nlp or load_nlp()
    paras = [paragraphs(article.text) for article in articles]
    distinct = list(dict.fromkeys(text for article_paras in paras for _, text in article_paras))
    parsed = zip(distinct, (doc for batch in _batches(distinct, batch_chars) for doc in _parse(nlp, batch)))
    docs: dict[str, object] = {}

    def doc_of(text: str):
        while text not in docs:  # paragraphs are parsed in first-use order, so this reads ahead at most once
            key, doc = next(parsed)
            docs[key] = doc
        return docs[text]

    for index, (article, article_paras) in enumerate(zip(articles, paras)):
        for claim in _article_claims(article, ((offset, doc_of(text)) for offset, text in article_paras)):
            yield index, claim


def _parse(nlp, texts: list[str]) -> list:
    """One batch's docs, with numpy's BLAS on one thread: the embedder runs beside the parse."""
    with one_blas_thread():
        return list(nlp.pipe(texts, batch_size=len(texts)))


def _batches(texts: list[str], chars: int) -> Iterator[list[str]]:
    """Consecutive texts in batches of about `chars` characters: spaCy batches by count, and one
    batch of 32 long paragraphs held back the first claims until most of a text was parsed."""
    batch: list[str] = []
    size = 0
    for text in texts:
        batch.append(text)
        size += len(text)
        if size >= chars:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _article_claims(article: Article, docs_with_offsets) -> Iterator[Claim]:
    """An article's claims from its paragraph docs, yielded as each paragraph arrives.

    An opening "Later," reads its anchor in the sentence before, but across a
    line break only when the lines are single sentences (`_real_paragraphs`),
    which is known at the article's end. So a paragraph's first claim whose
    order relations depend on that waits, and the claims after it wait with
    it (reading order is kept); it is rare, as it needs such an opening.
    """
    seen_texts: set[str] = set()
    sentence_count = lines = 0
    before = None  # (doc offset, span) of the sentence before, whatever paragraph it is in
    last_person = None  # who a paragraph's opening "He" most likely is: the last person named before it
    waiting: list[Claim] = []  # the first has an order anchored across a line break
    for offset, doc in docs_with_offsets:
        sentences = split_sentences([(offset, doc)], sentence_count)
        quotes = quotes_from_doc(doc, offset)
        sentence_count += len(sentences)
        lines += 1
        for k, sentence in enumerate(sentences):
            span = doc.char_span(sentence.start - offset, sentence.end - offset, alignment_mode="expand")
            previous, before = before, (offset, span)
            person_before, last_person = last_person, _last_person(span, last_person)
            if span is None or not _is_claim(sentence, span) or sentence.text in seen_texts:
                continue
            seen_texts.add(sentence.text)
            if previous is not None and previous[1] is None:
                previous = None
            claim = _claim(article, sentence, span, quotes, offset, previous, person_before)
            if waiting or (k == 0 and any(o.anchor_sentence is not None for o in claim.orders)):
                waiting.append(claim)
            else:
                yield claim
    if waiting and _real_paragraphs(sentence_count, lines):
        first = waiting[0]
        waiting[0] = replace(first, orders=tuple(o for o in first.orders if o.anchor_sentence is None))
    yield from waiting


def _real_paragraphs(sentences: int, lines: int) -> bool:
    """Whether the article's lines are paragraphs of several sentences, not a sentence each.

    In paragraphs of several sentences an opening "Later," is not read against
    the paragraph before: a new paragraph often turns to another thread, and a
    wrong anchor (a false conflict) costs more than a miss. Text with a
    sentence per line (ECB+, and news pages that give each sentence its own
    paragraph) reads on across the line break as across a sentence break.
    """
    return sentences - lines > 0.1 * lines


def _claim_orders(span, doc_offset: int, previous=None) -> tuple:
    return tuple(extract_orders(span, offset=doc_offset, previous=previous and previous[1],
                                previous_offset=previous and previous[0]))


def _last_person(span, person: str | None) -> str | None:
    people = [e.text for e in span.ents if e.label_ == "PERSON"] if span is not None else []
    return people[-1] if people else person


def _claim(article: Article, sentence: Sentence, span, quotes, doc_offset: int, previous=None,
           person_before: str | None = None) -> Claim:
    quantities = tuple(q if q.holder != PRONOUN_HOLDER else replace(q, holder=person_before)
                       for q in extract_quantities(sentence.text, doc=span, offset=sentence.start))
    own_quotes = tuple(q for q in quotes if sentence.start <= q.start < sentence.end)
    times = tuple(replace(t, of_report=_dates_a_report(root), events=_time_events(root))
                  for t in extract_times(sentence.text, offset=sentence.start)
                  for root in [_time_root(span, t.start - sentence.start, t.end - sentence.start)])
    entities = tuple(dict.fromkeys(normalise_entity(e) for e in span.ents if e.label_ in _ENTITY_LABELS))
    negated = any(t.dep_ == "neg" for t in span)
    denied, withheld = negations(span)
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
        lemmas=content_lemmas(span),
        negated_lemmas=denied,
        withheld_lemmas=withheld,
        orders=_claim_orders(span, doc_offset, previous),
    )
