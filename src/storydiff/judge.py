"""Verdicts for two articles' aligned claims: agree, conflict, compatible, only in one, unclear.

Rules, in order of how specific the evidence is:
1. quotes: the same quotation in both (by words matched in order) agrees, or
   conflicts on wording (with a word diff) or on who said it;
2. figures: quantities with the same unit whose claims align and whose
   surrounding words say the same thing are paired one-to-one; their hedged
   intervals decide: equal agrees, overlapping is compatible, disjoint conflicts
   with a severity from the size of the gap;
3. times: aligned claims naming different dates, days or clock times conflict,
   and so do claims that put the same two events in opposite order;
4. statements: aligned claims agree (or are unclear when only loosely related),
   and conflict when one denies a word the other affirms;
5. whatever has no counterpart is only in its source.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from difflib import SequenceMatcher

import numpy as np

from .align import ScoreMatrix
from .model import Article, Claim, EventOrder, Evidence, Quantity, Quote, Span, TimeMention, Verdict, relative_gap
from .nlp.opposites import as_written, compound_parts, opposite_words
from .nlp.places import place_of
from .nlp.quotes import is_named_speaker
from .nlp.times import same_time
from .nlp.wording import content_share, word_diff
from .settings import Settings

STAGE_VERSION = "storydiff.judge.rules.v23"  # v2: order-of-events conflicts; v3: anchors in the sentence before;
# v4: a negation conflicts only where it denies a word the other sentence affirms; v5: figures that agree
# are paired first, and differing ordinals conflict only when they rank the same thing; v6: quotes pair
# only when they share their content words, respellings are no rewording, a surname spelled two ways
# ("Del Giudice", "DelGiudice") is one speaker, and figures of two different holders are two measures
# v7: figures that count different things ("rebounds", "points") are two measures; v8: a sentence that
# withholds a word ("would not specify how many") does not affirm it against a denial, and figures that
# touch at an open bound ("30 hours" / "more than 30 hours") are compatible; v9: the time a source spoke
# ("said on Tuesday") is no time of the event; v10: a holder and its initials are one ("IDF"); v11: a
# converted amount is no figure reported only by one side; v12: figures that differ conflict only when
# each is the other's best counterpart; v13: two times conflict only when they can date one happening;
# v14: two conversions are not paired (their amounts are); v15: a possessive's apostrophe moved
# ("population's" / "populations'") is no rewording of a quote, and counts of different casualty
# outcomes (killed, wounded, shot) are two measures; v16: two matching statements that give another
# name in one place, unknown to the other article ("envoy Steve Witkoff" / "envoy Marco Rubio"), conflict;
# v17: of two candidate counterparts, a figure naming the same counted thing ranks first ("Ten live hostages");
# v18: two claims that give the same two figures or more pair them whatever words stand around each;
# v19: one country's forms ("U.K.", "British") are no name swap; v20: two matching statements where one
# says the opposite word of the other ("rose" / "fell", "yellow" / "white" paint) conflict; v21: more
# opposite pairs, and a word against its negated form ("suitable" / "unsuitable"); v22: "first" / "last"
# are no pair ("miss last 2 games" / "a former first-round pick" rank different things); v23: a participle
# counts as its verb for the opposite words ("struggle" / "a financially thriving company", nlp/opposites.py)

QUOTE_MATCH = 0.7  # share of the shorter quote's words found in order in the other
FIGURE_PAIR_MIN = 0.5  # combined claim + context similarity for two figures to be about one thing
CONTEXT_MIN = 0.35
CLAIM_MIN_FOR_FIGURES = 0.3
AGREE_SCORE = 0.66
NEGATION_SCORE = 0.72
SWAP_WORDING = 0.6  # share of the shorter sentence's words two sentences keep, in order, around a swapped name
SWAP_EXTRA_WORDS = 2  # words besides the name in a swapped stretch ("Undersheriff James Gage")
TIME_SCORE = 0.62
ORDER_CLAIM_MIN = 0.45  # two sentences ordering events must be about the same thing
EVENT_MATCH = 0.6  # cosine each event needs with its counterpart
EVENT_MARGIN = 0.1  # ... and by how much that pairing must beat the swapped one


@dataclass
class PhraseVectors:
    """Embeddings of short phrases, made when first needed (one batch per `embed` call) and kept."""

    embedder: object  # anything with encode(texts) -> unit vectors, e.g. backends.embedder.Embedder
    vectors: dict[str, np.ndarray] = field(default_factory=dict)

    def embed(self, texts) -> None:
        missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, self.embedder.encode(missing)))

    def similarity(self, a: str, b: str) -> float:
        return float(self.vectors[a] @ self.vectors[b])


@dataclass
class FigureVectors:
    """Embeddings of each figure's surrounding words and of its predicate + thing, by (claim id, index)."""

    context: dict[tuple[str, int], np.ndarray]
    frame: dict[tuple[str, int], np.ndarray]

    def similarity(self, a: Claim, ia: int, b: Claim, ib: int) -> tuple[float, float]:
        context = float(self.context[(a.id, ia)] @ self.context[(b.id, ib)])
        qa, qb = a.quantities[ia], b.quantities[ib]
        if qa.predicate and qa.predicate == qb.predicate:
            frame = 1.0  # "lasted" and "lasted": the same thing happened
        elif (a.id, ia) in self.frame and (b.id, ib) in self.frame:
            frame = float(self.frame[(a.id, ia)] @ self.frame[(b.id, ib)])
        else:
            frame = context
        return context, frame


@dataclass
class PairContext:
    left_article: Article
    right_article: Article
    left: list[Claim]
    right: list[Claim]
    matrix: ScoreMatrix
    figure_vecs: FigureVectors
    settings: Settings
    pair_judge: object | None = None  # a backends.judges.PairJudge ([judge] backend nli|llm), else rules
    # Embeds the events that order relations name, for the claim pairs that need them; None: order is not judged.
    phrases: PhraseVectors | None = None
    labels: dict[str, str] | None = None  # article id -> the report's name for it (model.unique_labels)

    @property
    def left_label(self) -> str:
        return (self.labels or {}).get(self.left_article.id, self.left_article.label)

    @property
    def right_label(self) -> str:
        return (self.labels or {}).get(self.right_article.id, self.right_article.label)

    # Each article's text without case or accents, made once per pair: `_swapped_names` looks names up in it
    # for every matching statement.
    @cached_property
    def left_plain(self) -> str:
        return _plain(self.left_article.text)

    @cached_property
    def right_plain(self) -> str:
        return _plain(self.right_article.text)


def evidence(claim: Claim, highlights=()) -> Evidence:
    return Evidence(claim.article_id, claim.id, claim.text, claim.start, tuple(highlights))


# ---------------------------------------------------------------- quotes

def _speaker_keys(speaker: str | None) -> set[str]:
    """A named speaker's surname, alone and joined to the word before it, so that one name spelled
    "Del Giudice" and "DelGiudice" is one speaker; empty for a pronoun or a bare role."""
    if not is_named_speaker(speaker):
        return set()
    words = [w for w in re.split(r"[\s-]+", re.sub(r"[’']s$", "", speaker).lower()) if w]
    return {words[-1], "".join(words[-2:])}


def judge_quotes(ctx: PairContext, used: set) -> list[Verdict]:
    verdicts = []
    pairs = []
    for a in ctx.left:
        for qa_index, qa in enumerate(a.quotes):
            for b in ctx.right:
                for qb_index, qb in enumerate(b.quotes):
                    similarity, a_changed, b_changed, ops = word_diff(qa.text, qb.text, qa.start, qb.start)
                    if (similarity >= QUOTE_MATCH and min(len(qa.text.split()), len(qb.text.split())) >= 3
                            and content_share(qa.text, qb.text) >= QUOTE_MATCH):
                        pairs.append((similarity, a, qa, b, qb, a_changed, b_changed, ops))
    pairs.sort(key=lambda p: -p[0])
    taken: set = set()
    for similarity, a, qa, b, qb, a_changed, b_changed, ops in pairs:
        if (a.id, qa.start) in taken or (b.id, qb.start) in taken:
            continue
        taken |= {(a.id, qa.start), (b.id, qb.start)}
        used |= {a.id, b.id}
        verdicts.append(_quote_verdict(ctx, similarity, a, qa, b, qb, a_changed, b_changed, ops))
    return verdicts


def _describe_edit(op: dict) -> str:
    if op["op"] == "insert":
        return f"adds “{op['right']}”"
    if op["op"] == "delete":
        return f"drops “{op['left']}”"
    return f"“{op['left']}” → “{op['right']}”"


def _quote_verdict(ctx, similarity, a, qa: Quote, b, qb: Quote, a_changed, b_changed, ops) -> Verdict:
    sa, sb = _speaker_keys(qa.speaker), _speaker_keys(qb.speaker)
    detail = {"left_speaker": qa.speaker, "right_speaker": qb.speaker, "diff": ops}
    la, lb = ctx.left_label, ctx.right_label
    if sa and sb and not sa & sb:
        return Verdict(
            "conflict", f"the same words are attributed to {qa.speaker} by {la} and to {qb.speaker} by {lb}",
            round(0.6 + 0.3 * similarity, 3),
            (evidence(a, [Span(qa.start, qa.end)]), evidence(b, [Span(qb.start, qb.end)])),
            conflict_kind="attribution", severity=0.8, detail=detail,
        )
    if a_changed or b_changed:
        changes = "; ".join(_describe_edit(op) for op in ops[:3])
        return Verdict(
            "conflict", f"the quote is worded differently: {changes}",
            round(min(0.95, 0.5 + 0.5 * similarity), 3),
            (evidence(a, a_changed), evidence(b, b_changed)),
            conflict_kind="quote_wording", severity=round(1 - similarity, 3), detail=detail,
        )
    return Verdict(
        "agree", "the same quotation, word for word" + (f", from {qa.speaker}" if is_named_speaker(qa.speaker) else ""),
        round(0.7 + 0.3 * similarity, 3),
        (evidence(a, [Span(qa.start, qa.end)]), evidence(b, [Span(qb.start, qb.end)])),
        detail=detail,
    )


# ---------------------------------------------------------------- figures

def _format_duration(minutes: float) -> str:
    if minutes >= 2 * 1440:
        # a calendar span's bounds fall between whole days ("seven-year": 2,548 to 2,557.5 days)
        days = minutes / 1440
        return f"{days:,.0f} days" if days.is_integer() or days >= 10 else f"{days:.1f} days"
    if minutes >= 120 and minutes % 30 == 0:
        return f"{minutes / 60:g} h"
    return f"{minutes:g} min"


def _format_number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"


def describe(q: Quantity) -> str:
    """'“just over an hour” (60–75 min)': the phrase with the range it was read as."""
    iv = q.interval
    fmt = _format_duration if q.kind == "duration" else _format_number
    lo = None if iv.low is None else fmt(iv.low)
    hi = None if iv.high is None else fmt(iv.high)
    if lo == hi:
        rng = lo
    elif hi is None:
        rng = f"{'more than' if iv.low_open else 'at least'} {lo}"
    elif iv.low is None or iv.low == 0:
        rng = f"{'under' if iv.high_open else 'up to'} {hi}"
    else:
        rng = f"{lo} to {hi}"
    if q.hedge == "converted":
        rng += ", converted from the amount before it"
    return f"“{q.text}” ({rng})"


def _same_holder(a: Quantity, b: Quantity) -> bool:
    """Whether two figures can belong to one holder: "Jordan Clarke had 10 rebounds" and "McDermott ...
    grabbing seven rebounds" are two players' figures, "Richard Carter" and "Carter" one player's.
    A figure whose holder the sentence does not name may be anyone's."""
    if not a.holder or not b.holder:
        return True
    return bool(_name_words(a.holder) & _name_words(b.holder)) or _initials(a.holder) == _initials(b.holder)


def _initials(name: str) -> str:
    """"IDF" and "Israel Defense Forces" are one name: a one-word name as it is, a longer one by its
    capitalised words' initials."""
    parts = [w for w in re.split(r"\s+", name) if w[:1].isupper()]
    return name.lower().replace(".", "") if len(parts) <= 1 else "".join(w[0] for w in parts).lower()


def _name_words(name: str) -> set[str]:
    """'U.S.' and 'US', 'Gomes’' and 'Gomes' are one name."""
    return {re.sub(r"[.’']", "", re.sub(r"[’']s$", "", w)) for w in name.lower().split()} - {""}


# Casualty reports count the dead, the hurt and everyone shot apart ("shooting three people, killing
# one", "wounding two"): a figure of one outcome is no other report's figure of another.
_OUTCOMES = {
    **dict.fromkeys(("kill", "die", "murder", "slay", "execute", "behead", "drown"), "dead"),
    **dict.fromkeys(("wound", "injure", "hurt", "hospitalize", "hospitalise", "maim"), "hurt"),
    "shoot": "shot",
}


def _same_measure(a: Quantity, b: Quantity) -> bool:
    if not _same_holder(a, b):
        return False
    outcome_a, outcome_b = _OUTCOMES.get(a.predicate or ""), _OUTCOMES.get(b.predicate or "")
    if outcome_a and outcome_b and outcome_a != outcome_b:
        return False
    if a.kind == b.kind == "ordinal":
        # An ordinal ranks a thing: two that differ only contradict each other when they rank the same
        # thing ("a second-round draft choice" and "the third deal" do not); two that agree may name it
        # differently ("a second time", "their second meeting").
        return a.interval.overlaps(b.interval) or bool(a.thing) and a.thing.lower() == (b.thing or "").lower()
    return a.kind == b.kind and a.unit == b.unit


# Nouns that count people. Two of them count the same people however each report names them
# ("1,139 people were killed", "1,200 Israeli fatalities", "57,500 deaths"); two figures that count
# other things are one measure only when they count the same thing, or nearly the same word
# ("homes", "houses"): "10 rebounds" is no other report's "2,302 points", "50 firefighters" no "ten
# fire engines".
_PEOPLE_NOUNS = frozenset(
    "people person individual fatality casualty death victim resident civilian soldier troop hostage "
    "captive prisoner detainee inmate worker employee migrant refugee child kid adult man woman boy girl "
    "student member officer police policeman firefighter passenger patient survivor fan protester "
    "demonstrator voter citizen inhabitant suspect militant fighter rebel journalist staff personnel "
    "crew sailor pilot climber miner pirate player teenager baby family household".split())
THING_MATCH_BONUS = 0.05  # ranking only: two figures that name one counted thing before one that names none
THING_SIMILAR_MIN = 0.7  # MiniLM: house/home 0.80, troop/soldier 0.74; firefighter/engine 0.24


def _counts_people(thing: str) -> bool:
    return thing[:1].isupper() or thing.lower().rstrip("s") in _PEOPLE_NOUNS  # "Palestinians", "Israelis"


def _same_thing(a: Quantity, b: Quantity, phrases: PhraseVectors | None) -> bool:
    """Whether two figures that differ count the same thing. Figures that agree may name it differently
    or be read with different things ("six AK-47 rifles", "six AK 47 rifles"), as ordinals may; a figure
    whose thing is not known may count anything. (Ordinals have their own rule in `_same_measure`.)"""
    if a.kind == "ordinal" or a.interval.overlaps(b.interval) or not a.thing or not b.thing:
        return True
    ta, tb = a.thing.lower(), b.thing.lower()
    if _named_same_thing(a, b) or _counts_people(a.thing) and _counts_people(b.thing):
        return True
    return phrases is not None and phrases.similarity(ta, tb) >= THING_SIMILAR_MIN


def _value(q: Quantity) -> tuple:
    return (q.kind, q.unit, q.interval.low, q.interval.high)


def _shared_values(a: Claim, b: Claim) -> set[tuple]:
    """The exact figures (kind, unit, range) both claims give."""
    return {_value(q) for q in a.quantities} & {_value(q) for q in b.quantities}


def _named_same_thing(a: Quantity, b: Quantity) -> bool:
    return bool(a.thing and b.thing) and a.thing.lower().rstrip("s") == b.thing.lower().rstrip("s")


def _magnitude(a: Quantity, b: Quantity) -> float:
    """1 for figures of the same size, falling to 0 at a factor of ten apart.

    Two reports of one toll differ by percent, rarely by orders of magnitude,
    so size helps tell which figure answers which.
    """
    if a.value <= 0 or b.value <= 0:
        return 1.0 if a.value == b.value else 0.0
    return max(0.0, 1.0 - abs(math.log10(a.value / b.value)))


def _subject(q: Quantity) -> str:
    """'kill people' for a reason line; a bare verb lemma ("last") reads as noise, so it needs a thing."""
    return f"{q.predicate} {q.thing}" if q.predicate and q.thing else (q.thing or "")


def judge_figures(ctx: PairContext, used: set) -> list[Verdict]:
    if ctx.phrases is not None:  # every counted thing in one batch: `_same_thing` may compare any two
        ctx.phrases.embed([q.thing.lower() for c in (*ctx.left, *ctx.right) for q in c.quantities if q.thing])
    candidates = []
    for i, a in enumerate(ctx.left):
        for j, b in enumerate(ctx.right):
            claim_score = float(ctx.matrix.score[i, j])
            if claim_score < CLAIM_MIN_FOR_FIGURES:
                continue
            shared = _shared_values(a, b)
            for ia, qa in enumerate(a.quantities):
                for ib, qb in enumerate(b.quantities):
                    if not _same_measure(qa, qb) or not _same_thing(qa, qb, ctx.phrases):
                        continue
                    if qa.hedge == qb.hedge == "converted":
                        continue  # two conversions are compared through the amounts they convert
                    context, frame = ctx.figure_vecs.similarity(a, ia, b, ib)
                    if len(shared) >= 2 and _value(qa) == _value(qb) and _value(qa) in shared:
                        # Two sentences that give the same two figures or more ("dropped to one from four",
                        # "a reduction from four issues to just one") say the same of them, whatever words
                        # stand around each figure.
                        context = frame = 1.0
                    if max(context, frame) < CONTEXT_MIN:
                        continue
                    pair_score = 0.3 * claim_score + 0.25 * context + 0.25 * frame + 0.2 * _magnitude(qa, qb)
                    if pair_score >= FIGURE_PAIR_MIN:
                        # Ranked a little higher when both name the same counted thing: "twelve live
                        # hostages" answers "Ten live hostages", not "Nine deceased" beside it.
                        rank = pair_score + THING_MATCH_BONUS * _named_same_thing(qa, qb)
                        candidates.append((rank, pair_score, a, ia, qa, b, ib, qb))
    # A figure the other claim also reports is its counterpart there: pairs that agree go first, so
    # "Gomes, 61, and Mendes, 48" against "Mendes, 48, ... Gomes, 61" is two agreements, not two
    # conflicts; among agreeing pairs, and then among the rest, the best-scored pair goes first.
    candidates.sort(key=lambda c: (not c[4].interval.overlaps(c[7].interval), -c[0]))
    # Two figures that differ conflict only when each is the other's best counterpart: a figure whose
    # best match went elsewhere ("Charles had 226 yards" met "Quinn ... 162 yards" after its own
    # counterpart was taken) is more likely about something else than contradicted.
    best: dict = {}
    for rank, _, a, ia, qa, b, ib, qb in candidates:
        for key in ((a.id, ia), (b.id, ib)):
            best[key] = max(best.get(key, 0.0), rank)
    taken: set = set()
    verdicts = []
    for rank, pair_score, a, ia, qa, b, ib, qb in candidates:
        if (a.id, ia) in taken or (b.id, ib) in taken:
            continue
        if _differ(qa, qb) and rank < max(best[(a.id, ia)], best[(b.id, ib)]):
            continue
        taken |= {(a.id, ia), (b.id, ib)}
        used |= {a.id, b.id}
        verdicts.append(_figure_verdict(ctx, pair_score, a, qa, b, qb))
    verdicts += _unpaired_figures(ctx, taken, used)
    return verdicts


def _differ(qa: Quantity, qb: Quantity) -> bool:
    """The two figures' ranges neither overlap nor touch: paired, they would conflict."""
    return not (qa.interval.overlaps(qb.interval) or qa.interval.gap(qb.interval) == 0.0)


def _figure_verdict(ctx, pair_score: float, a: Claim, qa: Quantity, b: Claim, qb: Quantity) -> Verdict:
    ev = (evidence(a, [Span(qa.start, qa.end)]), evidence(b, [Span(qb.start, qb.end)]))
    detail = {"left": _quantity_detail(qa), "right": _quantity_detail(qb)}
    about = _subject(qa) or _subject(qb)
    about = f" ({about})" if about else ""
    la, lb = ctx.left_label, ctx.right_label
    # Touching at an open bound ("30 hours" / "more than 30 hours", "three seasons" / "just over three
    # seasons"): the plain figure is most likely rounded, so both can be true.
    if not _differ(qa, qb):
        if qa.interval == qb.interval:
            return Verdict("agree", f"both report {describe(qa)}{about}", round(pair_score, 3), ev, detail=detail)
        return Verdict(
            "compatible", f"{describe(qa)} and {describe(qb)} can both be true{about}",
            round(pair_score, 3), ev, detail=detail,
        )
    gap = relative_gap(qa.interval, qb.interval)
    severity = round(min(1.0, 0.1 + gap / 0.2), 3)
    kind = "duration" if qa.kind == "duration" else "figure"
    return Verdict(
        "conflict", f"{la} says {describe(qa)}, {lb} says {describe(qb)}{about}: the ranges do not overlap",
        round(pair_score, 3), ev, conflict_kind=kind, severity=severity, detail=detail,
    )


def _quantity_detail(q: Quantity) -> dict:
    iv = q.interval
    return {
        "text": q.text, "value": q.value, "unit": q.unit, "kind": q.kind, "hedge": q.hedge,
        "thing": q.thing, "predicate": q.predicate, "holder": q.holder,
        "interval": {"low": iv.low, "high": iv.high, "low_open": iv.low_open, "high_open": iv.high_open},
    }


def _unpaired_figures(ctx, taken: set, used: set) -> list[Verdict]:
    """Figures inside claims that otherwise have a counterpart: say they are one-sided.

    A claim with no counterpart at all is reported whole by `judge_unique`.
    """
    verdicts = []
    for claims, matrix, article, others in ((ctx.left, ctx.matrix.score, ctx.left_article, ctx.right),
                                            (ctx.right, ctx.matrix.score.T, ctx.right_article, ctx.left)):
        min_score = ctx.settings.get("align", "min_score")
        for i, claim in enumerate(claims):
            has_counterpart = matrix.shape[1] and matrix[i].max() >= min_score
            if not has_counterpart:
                continue
            for iq, q in enumerate(claim.quantities):
                if (claim.id, iq) in taken or not _worth_reporting(q) or _reported_by(q, others):
                    continue
                about = f" ({_subject(q)})" if _subject(q) else ""
                verdicts.append(Verdict(
                    "only_in", f"figure reported only by {article.label}: {describe(q)}{about}",
                    0.6, (evidence(claim, [Span(q.start, q.end)]),), only_in=article.id,
                    detail={"figure": _quantity_detail(q)},
                ))
    return verdicts


def _worth_reporting(q: Quantity) -> bool:
    # "the two men", "a second time": small counts and ordinals are grammar, not news; a converted
    # amount ("85 million euros ($108 million)") says nothing the amount before it does not.
    return (q.kind != "ordinal" and q.hedge != "converted"
            and not (q.kind == "count" and q.value < 3 and not q.hedge))


def _reported_by(q: Quantity, claims: list[Claim]) -> bool:
    """The other article gives this very figure somewhere (maybe in a sentence paired elsewhere)."""
    return any(o.kind == q.kind and o.unit == q.unit and o.interval == q.interval for c in claims for o in c.quantities)


# ---------------------------------------------------------------- times, statements

# MiniLM cosine of two single words above which two times may date one happening: talk / meeting 0.49,
# attack / strike 0.50, shoot / kill 0.59, meet / meeting 0.85; identify / hit 0.35, fire (a coach) /
# return 0.35, game / arrest 0.26.
EVENT_WORD_MIN = 0.4


def _same_event(x: TimeMention, y: TimeMention, phrases: PhraseVectors | None) -> bool:
    """Whether two times can date one happening: either names none, they share a word, or two of
    their words are near in meaning. "Police identified the victim on Thursday" and "was hit while
    walking ... Wednesday night" date two happenings, and do not disagree on either's day."""
    if not x.events or not y.events or set(x.events) & set(y.events):
        return True
    return phrases is not None and any(phrases.similarity(p, q) >= EVENT_WORD_MIN for p in x.events for q in y.events)


def judge_times(ctx: PairContext, used_pairs: set) -> list[Verdict]:
    if ctx.phrases is not None:
        ctx.phrases.embed([w for c in (*ctx.left, *ctx.right) for t in c.times for w in t.events])
    verdicts = []
    for i, a in enumerate(ctx.left):
        for j, b in enumerate(ctx.right):
            if ctx.matrix.score[i, j] < TIME_SCORE or not a.times or not b.times:
                continue
            for kind in ("date", "weekday", "time"):
                # When a source spoke is no time of the event: "reported September 26" / "scheduled for December 15"
                ta = [t for t in a.times if t.kind == kind and not t.of_report]
                tb = [t for t in b.times if t.kind == kind and not t.of_report]
                comparable = [(x, y, same_time(x, y)) for x in ta for y in tb if _same_event(x, y, ctx.phrases)]
                comparable = [c for c in comparable if c[2] is not None]
                if comparable and not any(same for _, _, same in comparable):
                    x, y, _ = comparable[0]
                    used_pairs.add((a.id, b.id))
                    verdicts.append(Verdict(
                        "conflict", f"{ctx.left_label} says “{x.text}”, {ctx.right_label} says “{y.text}”",
                        round(float(ctx.matrix.score[i, j]), 3),
                        (evidence(a, [Span(x.start, x.end)]), evidence(b, [Span(y.start, y.end)])),
                        conflict_kind="time", severity=0.6, detail={"left": x.value, "right": y.value},
                    ))
    return verdicts


def _as_before(o: EventOrder) -> tuple[tuple[str, str], str, tuple[str, str]]:
    """(first, relation, second), each event as (words, core), with 'A after B' turned into 'B before A'."""
    event, anchor = (o.event, o.event_core), (o.anchor, o.anchor_core)
    return (anchor, "before", event) if o.relation == "after" else (event, o.relation, anchor)


def order_conflict(x: EventOrder, y: EventOrder, similarity) -> tuple[bool, float, bool] | None:
    """Do x and y order the same two events differently? (conflict, match score, swapped), or None
    when y's events cannot be told to be x's.

    The events are paired straight (x's first with y's first) or swapped,
    whichever matches clearly better: "met after the strike" and "hours
    before the strike, met" pair straight and conflict; "the meeting followed
    the remarks" and "the remarks came before the meeting" pair swapped and agree.
    Two events match when both their words and their cores (head, subject,
    object) are close: long phrases that share names and dates are not enough.
    """
    def match(p, q):
        return min(similarity(p[0], q[0]), similarity(p[1], q[1]))

    xa, xr, xb = _as_before(x)
    ya, yr, yb = _as_before(y)
    straight = min(match(xa, ya), match(xb, yb))
    swapped = min(match(xa, yb), match(xb, ya))
    best = max(straight, swapped)
    if best < EVENT_MATCH or abs(straight - swapped) < EVENT_MARGIN:
        return None
    if straight > swapped:
        return xr != yr, best, False  # before vs during of the same pair also conflicts
    # Swapped: "A before B" against "B before A" conflicts, and so does either against
    # "A during B"; two "during"s the other way round only nest differently.
    return not (xr == yr == "during"), best, True


def _cores_could_match(x: EventOrder, y: EventOrder, similarity) -> bool:
    """Whether the cores alone leave room for a match: the longer words are embedded only then."""
    xa, _, xb = _as_before(x)
    ya, _, yb = _as_before(y)

    def core(p, q):
        return similarity(p[1], q[1])

    return max(min(core(xa, ya), core(xb, yb)), min(core(xa, yb), core(xb, ya))) >= EVENT_MATCH


def _short(phrase: str, words: int = 8) -> str:
    split = phrase.split()
    return phrase if len(split) <= words else " ".join(split[:words]) + "…"


@dataclass(frozen=True)
class _StatedOrder:
    """An order with the claims (by row in the score matrix) that state its two events, in _as_before order.

    An order read inside one sentence has both events in its claim; one whose
    anchor is the sentence before ("Afterwards, ...") has the anchor in that
    sentence's claim.
    """

    claim: Claim
    order: EventOrder
    rows: tuple[int, int]  # (first event's claim, second event's claim)
    texts: tuple[str, ...]  # the sentences it was read from


def _stated_orders(claims: list[Claim]) -> list[_StatedOrder]:
    row_at = {c.start: k for k, c in enumerate(claims)}
    stated = []
    for k, claim in enumerate(claims):
        for o in claim.orders:
            anchor_row = k if o.anchor_sentence is None else row_at.get(o.anchor_sentence.start)
            if anchor_row is None:
                continue  # the sentence before is no claim: nothing to align it with
            rows = (anchor_row, k) if o.relation == "after" else (k, anchor_row)
            stated.append(_StatedOrder(claim, o, rows, tuple(claims[r].text for r in sorted({k, anchor_row}))))
    return stated


def judge_order(ctx: PairContext, used_pairs: set) -> list[Verdict]:
    """Aligned claims that put the same two events in opposite order conflict (kind time).

    Each event's sentence must align with its counterpart's, so an order whose
    anchor is the sentence before is judged only when that sentence too has
    its counterpart in the other article.
    """
    phrases = ctx.phrases
    if phrases is None:
        return []
    score = ctx.matrix.score

    def aligned(rows_x, rows_y) -> float:
        return float(min(score[rows_x[0], rows_y[0]], score[rows_x[1], rows_y[1]]))

    # The same sentences in both (a wire copy) cannot disagree with themselves.
    right = _stated_orders(ctx.right)  # once: a comprehension's inner iterable is rebuilt for every x
    pairs = [(x, y) for x in _stated_orders(ctx.left) for y in right if x.texts != y.texts
             and max(score[i, j] for i in set(x.rows) for j in set(y.rows)) >= ORDER_CLAIM_MIN]
    phrases.embed(c for x, y in pairs for o in (x.order, y.order) for c in (o.event_core, o.anchor_core))
    hopeful = [(x, y) for x, y in pairs if _cores_could_match(x.order, y.order, phrases.similarity)]
    phrases.embed(w for x, y in hopeful for o in (x.order, y.order) for w in (o.event, o.anchor))
    candidates = []
    for x, y in hopeful:
        found = order_conflict(x.order, y.order, phrases.similarity)
        if found is None:
            continue
        conflict, match, swapped = found
        claim_score = aligned(x.rows, y.rows[::-1] if swapped else y.rows)
        if claim_score >= ORDER_CLAIM_MIN:
            candidates.append((match, conflict, claim_score, x, y))
    candidates.sort(key=lambda c: -c[0])
    taken: set = set()
    verdicts = []
    la, lb = ctx.left_label, ctx.right_label
    for match, conflict, claim_score, sx, sy in candidates:
        a, x, b, y = sx.claim, sx.order, sy.claim, sy.order
        if (a.id, x.start) in taken or (b.id, y.start) in taken:
            continue
        taken |= {(a.id, x.start), (b.id, y.start)}  # each stated order is judged once, on its best match
        if not conflict:
            continue
        used_pairs.add((a.id, b.id))
        verdicts.append(Verdict(
            "conflict",
            f"the order of events differs: {la} has “{_short(x.event)}” {x.relation} “{_short(x.anchor)}”, "
            f"{lb} has “{_short(y.event)}” {y.relation} “{_short(y.anchor)}”",
            round(0.5 * claim_score + 0.5 * match, 3),
            (_order_evidence(ctx.left_article, a, x), _order_evidence(ctx.right_article, b, y)),
            conflict_kind="time", severity=0.6,
            detail={"left_order": _order_detail(x), "right_order": _order_detail(y), "event_match": round(match, 3)},
        ))
    return verdicts


def _order_evidence(article: Article, claim: Claim, o: EventOrder) -> Evidence:
    """The cue highlighted in its sentence; for an anchor in the sentence before, both sentences and the anchor."""
    if o.anchor_sentence is None:
        return evidence(claim, [Span(o.start, o.end)])
    start = o.anchor_sentence.start
    return Evidence(claim.article_id, claim.id, article.text[start:claim.end], start,
                    (o.anchor_span, Span(o.start, o.end)))


def _order_detail(o: EventOrder) -> dict:
    return {"event": o.event, "relation": o.relation, "anchor": o.anchor, "cue": o.cue,
            "anchor_in_sentence_before": o.anchor_sentence is not None}


def _denial(a: Claim, b: Claim) -> tuple[Claim, str] | None:
    """The claim that denies a word the other affirms ("was not signed" / "was signed"), and the word.

    A sentence whose negation sits in a clause the other leaves out is no denial of it, and
    one that withholds the word ("would not specify how many") does not affirm it.
    """
    for denier, other in ((a, b), (b, a)):
        for word in denier.negated_lemmas:
            if word in other.lemmas and word not in other.negated_lemmas and word not in other.withheld_lemmas:
                return denier, word
    return None


def _opposite(a: Claim, b: Claim) -> tuple[str, str, Span | None, Span | None] | None:
    """Words of the two sentences that say the opposite of each other ("supported" / "opposed"), as
    written, with their spans where found; None when there are none, or when either is negated
    ("did not rise" / "fell" is no contradiction)."""
    words = opposite_words(a.lemmas, b.lemmas, compound_parts(a.text) | compound_parts(b.text))
    if words is None or words[0] in a.negated_lemmas or words[1] in b.negated_lemmas:
        return None
    found = []
    for claim, lemma in ((a, words[0]), (b, words[1])):
        word, start, end = as_written(claim.text, lemma)
        found.append((word, Span(claim.start + start, claim.start + end) if start >= 0 else None))
    (left, left_span), (right, right_span) = found
    return left, right, left_span, right_span


def _entity_named(words: str, entities: tuple[str, ...]) -> str | None:
    """The claim's entity (a lower-case key: "rubio", "white house") that `words` name, when they say
    nothing else: besides "the" or "a", at most SWAP_EXTRA_WORDS more, each capitalised (a title or
    more of the name: "Undersheriff James Gage"; not "is the fifth NBA")."""
    found = re.findall(r"[\w’'.-]+", words)
    have = {_plain(w) for w in found}
    for entity in entities:
        keys = set(_plain(entity).split())
        extra = [w for w in found if _plain(w) not in keys and w.lower() not in ("the", "a", "an")]
        if keys <= have and len(extra) <= SWAP_EXTRA_WORDS and all(w[:1].isupper() for w in extra):
            return entity
    return None


def _plain(text: str) -> str:
    """Lower case without accents: "Vendôme" and "Vendome" are one name."""
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()


def _one_name(a: str, b: str) -> bool:
    """Two keys of one name: a shared word ("place vendome"), a spelling ("raite", "rait"), initials
    ("chp", "california highway patrol") or one country's forms ("u.k.", "british")."""
    if (place := place_of(a)) is not None and place == place_of(b):
        return True
    a, b = _plain(a), _plain(b)
    if set(a.split()) & set(b.split()) or SequenceMatcher(a=a, b=b).ratio() >= 0.8:
        return True
    return any(len(x.split()) == 1 and "".join(w[0] for w in y.split()) == x for x, y in ((a, b), (b, a)))


def _swapped_names(ctx: PairContext, a: Claim, b: Claim) -> tuple[str, str, Span, Span] | None:
    """A name the two sentences give in one place, one each ("his special envoy, Steve Witkoff,
    suggested" / "his special envoy, Marco Rubio, suggested"), where at least one of the two names
    appears nowhere in the other article: a rewrite that put another person, place or body into the
    same statement. Two reports that name both (in other sentences) only word them apart."""
    if not a.entities or not b.entities:
        return None
    similarity, _, _, ops = word_diff(a.text, b.text)
    if similarity < SWAP_WORDING:
        return None
    for op in ops:
        if op["op"] != "replace":
            continue
        ea, eb = _entity_named(op["left"], a.entities), _entity_named(op["right"], b.entities)
        if not ea or not eb or _one_name(ea, eb) or _one_name(op["left"], op["right"]):
            continue  # "Nixon administration" / "a Richard Nixon White House": one name in both
        if _plain(ea) in ctx.right_plain and _plain(eb) in ctx.left_plain:
            continue
        at, bt = a.text.find(op["left"]), b.text.find(op["right"])
        return (op["left"], op["right"], Span(a.start + at, a.start + at + len(op["left"])),
                Span(b.start + bt, b.start + bt + len(op["right"])))
    return None


def judge_statements(ctx: PairContext, covered: set, used: set, used_pairs: set) -> list[Verdict]:
    """Best counterparts, both ways, not already judged on a quote, figure or time."""
    min_score = ctx.settings.get("align", "min_score")
    score = ctx.matrix.score
    pairs: set[tuple[int, int]] = set()
    for i in range(len(ctx.left)):
        if len(ctx.right):
            j = int(np.argmax(score[i]))
            if score[i, j] >= min_score:
                pairs.add((i, j))
    for j in range(len(ctx.right)):
        if len(ctx.left):
            i = int(np.argmax(score[:, j]))
            if score[i, j] >= min_score:
                pairs.add((i, j))
    verdicts = []
    undecided = []  # aligned statements the rules call agree/unclear: a pair judge may decide them
    for i, j in sorted(pairs):
        a, b = ctx.left[i], ctx.right[j]
        s = float(score[i, j])
        used |= {a.id, b.id}
        if (a.id, b.id) in used_pairs:
            continue
        ev = (evidence(a), evidence(b))
        denial = _denial(a, b) if s >= NEGATION_SCORE else None
        swap = _swapped_names(ctx, a, b) if s >= AGREE_SCORE and denial is None else None
        opposite = _opposite(a, b) if s >= NEGATION_SCORE and denial is None and swap is None else None
        if swap is not None:
            left_name, right_name, left_span, right_span = swap
            verdicts.append(Verdict(
                "conflict", f"the statements match but name someone or somewhere else: {ctx.left_label} "
                f"says “{left_name}”, {ctx.right_label} says “{right_name}”", round(s * 0.8, 3),
                (evidence(a, [left_span]), evidence(b, [right_span])), conflict_kind="other", severity=0.7,
                detail={"left_name": left_name, "right_name": right_name},
            ))
        elif opposite is not None:
            left_word, right_word, left_span, right_span = opposite
            verdicts.append(Verdict(
                "conflict", f"the statements match but say opposite things: {ctx.left_label} says "
                f"“{left_word}”, {ctx.right_label} says “{right_word}”", round(s * 0.8, 3),
                (evidence(a, [left_span] if left_span else []), evidence(b, [right_span] if right_span else [])),
                conflict_kind="other", severity=0.7, detail={"left_word": left_word, "right_word": right_word},
            ))
        elif denial is not None:
            denier, word = denial
            negated = ctx.left_label if denier is a else ctx.right_label
            verdicts.append(Verdict(
                "conflict", f"the statements match but {negated} negates “{word}”", round(s * 0.8, 3), ev,
                conflict_kind="negation", severity=0.7,
            ))
        elif a.id in covered and b.id in covered:
            continue  # already judged on its figures or quotes
        elif ctx.pair_judge is not None:
            undecided.append((a, b, s, ev))
        elif s >= AGREE_SCORE:
            verdicts.append(Verdict("agree", "the same statement in other words", round(s, 3), ev))
        else:
            verdicts.append(Verdict("unclear", "related statements; too different to call", round(s, 3), ev))
    return verdicts + _pair_judge_verdicts(ctx, undecided)


def _pair_judge_verdicts(ctx: PairContext, undecided: list) -> list[Verdict]:
    """Aligned statements decided by the configured NLI or LLM judge (premise: the left sentence)."""
    if not undecided:
        return []
    judgements = ctx.pair_judge.judge([(a.text, b.text) for a, b, _, _ in undecided])
    verdicts = []
    for (a, b, s, ev), j in zip(undecided, judgements):
        p = j.probabilities.get(j.label, 0.0)
        why = f" ({j.reason})" if j.reason else ""
        if j.label == "entailment":
            verdicts.append(Verdict("agree", f"{ctx.pair_judge.name}: the same statement{why}", round(p, 3), ev))
        elif j.label == "contradiction":
            verdicts.append(Verdict("conflict", f"{ctx.pair_judge.name}: the statements contradict{why}",
                                    round(p, 3), ev, conflict_kind="other", severity=round(p, 3)))
        else:
            verdicts.append(Verdict("unclear", f"{ctx.pair_judge.name}: related but neither follows{why}",
                                    round(p, 3), ev))
    return verdicts


def judge_unique(article: Article, claims: list[Claim], best_scores: np.ndarray, used: set,
                 settings: Settings) -> list[Verdict]:
    """Claims with no counterpart in any other article."""
    min_score = settings.get("align", "min_score")
    verdicts = []
    for claim, best in zip(claims, best_scores):
        if claim.id in used or best >= min_score:
            continue
        highlights = [Span(q.start, q.end) for q in claim.quantities if _worth_reporting(q)]
        confidence = round(min(0.95, 0.5 + (min_score - float(best))), 3)
        verdicts.append(Verdict(
            "only_in", f"only {article.label} reports this", confidence, (evidence(claim, highlights),),
            only_in=article.id,
        ))
    return verdicts


def judge_pair(ctx: PairContext, used: set) -> list[Verdict]:
    """All verdicts between two articles; `used` collects claim ids that found a counterpart."""
    covered: set = set()
    verdicts = judge_quotes(ctx, covered)
    verdicts += judge_figures(ctx, covered)
    used_pairs: set = set()
    verdicts += judge_times(ctx, used_pairs)
    verdicts += judge_order(ctx, used_pairs)
    verdicts += judge_statements(ctx, covered, used, used_pairs)
    used |= {c for c in covered}
    return verdicts
