"""The order of events a sentence states, read from the spaCy dependency parse.

"The minister met the envoy hours before the strike" places one event (the
minister met the envoy) before another (the strike). Such a relation is an
`EventOrder`: `event`, `relation` (before, after, during) and `anchor`, with
the cue words ("hours before") and their offsets. Two reports that put the
same two events in opposite order conflict (judge.judge_order).

An order whose anchor is the sentence before ("The strike began at dawn.
Hours later, the minister met the envoy.") is read only when the cue opens the
sentence and refers back by itself ("Afterwards,", "An hour later,", "Before
that,", "The next day,"): the anchor is then the earlier sentence's main event.
Cues that name a date instead ("Later this year", "Earlier on Sunday") or are
not about order ("Then-president", "Then came the anger") are left alone: a
wrong anchor would make a false conflict.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..model import EventOrder, Span

# Prepositions and subordinators ("after the strike", "before he was shot").
_MARKERS = {"before": "before", "after": "after", "following": "after", "during": "during"}
# Two-word cues whose second word carries the anchor: "prior to X", "ahead of X".
_PAIRED = {("prior", "to"): "before", ("ahead", "of"): "before"}
# "in the wake of X", "on the eve of X": the noun after the first preposition.
_NOUN_CUES = {"wake": "after", "aftermath": "after", "eve": "before", "run": "before"}
# Verbs that order their subject and object: "the arrest followed an investigation".
_ORDER_VERBS = {"follow": "after", "precede": "before"}
# "A, and then B": B comes after A, when B is coordinated with A in one sentence.
_SEQUENCE_ADVERBS = {"then", "later", "afterwards", "afterward", "subsequently", "thereafter"}
_OPPOSITE = {"before": "after", "after": "before"}

# An anchor that is a time, not an event ("after midnight", "before the end of
# the week"): dates and clock times are compared by judge_times instead.
_TIME_NOUNS = {
    "morning", "afternoon", "evening", "night", "midnight", "noon", "dawn", "dusk", "day", "week",
    "weekend", "month", "year", "hour", "minute", "second", "season", "decade", "century", "time",
    "end", "start", "beginning", "middle", "today", "yesterday", "tomorrow", "tonight", "period",
}
# "look after", "named after", "appear before the court": place or care, not time.
_NOT_TEMPORAL = {("look", "after"), ("name", "after"), ("rename", "after"), ("appear", "before"),
                 ("testify", "before"), ("stand", "before"), ("plead", "before")}
_BEFORE_WHOM = {"judge", "court", "magistrate", "jury", "committee", "congress", "parliament", "senate",
                "panel", "tribunal", "camera", "audience", "crowd", "reporter", "journalist"}
# Words too vague to say which event is meant ("after that", "before it").
_VAGUE = {"that", "this", "it", "then", "which", "what", "so", "these", "those", "them"}
_CLOCK = re.compile(r"\d{1,2}(?:\s*[:.]\s*\d\d)?\s*(?:[ap]\.?\s*m\b|GMT|BST|EST|UTC|$|:)", re.I)
_NOT_CORE_ENTS = {"DATE", "TIME", "PERSON", "ORG", "GPE", "NORP"}
_CORE_DEPS = {"nsubj", "nsubjpass", "dobj", "compound", "poss", "prt"}
_EDGE_DEPS = {"punct", "cc", "mark", "prep", "agent"}


def extract_orders(span, offset: int = 0, previous=None, previous_offset: int | None = None) -> list[EventOrder]:
    """Every order of two events stated in `span` (a spaCy Span or Doc), in reading order.

    `offset` is added to the doc's character offsets to give article offsets.
    `previous`, the sentence before (a spaCy Span, from a doc at
    `previous_offset`, by default the same doc), is where an opening
    "Afterwards," or "Hours earlier," finds its anchor.
    """
    found = []
    if previous is not None:
        across = order_across(span, previous, offset, offset if previous_offset is None else previous_offset)
        if across is not None:
            found.append(across)
    for token in span:
        order = _read(token)
        if order is not None:
            found.append(replace(order, start=order.start + offset, end=order.end + offset))
    return found


def _read(t):
    lower = t.lower_
    if lower in _MARKERS and t.dep_ == "mark" and t.head.dep_ == "advcl":
        clause = t.head  # "[before] he was shot": the clause is the anchor, its governor the event
        cue = _modifiers(clause, before=t.i) + [t]
        return _make(clause.head, _words(clause.head, clause.subtree), _MARKERS[lower],
                     clause, _words(clause, cue), cue)
    if lower in _MARKERS and t.dep_ in ("prep", "advcl") and (lower != "following" or t.tag_ == "VBG"):
        anchor = _object(t)  # "after [the strike]"
        if anchor is None or (t.head.lemma_, lower) in _NOT_TEMPORAL:
            return None
        if lower == "before" and (anchor.lemma_.lower() in _BEFORE_WHOM or anchor.ent_type_ == "PERSON"):
            return None  # "in a packed courtroom before Judge Herrick": in front of, not earlier than
        cue = _modifiers(t, before=t.i) + _modifiers(anchor, before=t.i) + [t]
        return _make(t.head, _words(t.head, t.subtree), _MARKERS[lower], anchor, _words(anchor), cue)
    if t.dep_ == "prep" and (t.head.lower_, lower) in _PAIRED:
        anchor, cue_head = _object(t), t.head  # "[prior] to [the talks]": "prior" hangs off the event
        if anchor is None:
            return None
        return _make(cue_head.head, _words(cue_head.head, cue_head.subtree), _PAIRED[(cue_head.lower_, lower)],
                     anchor, _words(anchor), [cue_head, t])
    if lower in _NOUN_CUES and t.dep_ == "pobj" and t.head.dep_ == "prep":
        of = [c for c in t.children if c.dep_ == "prep" and c.lower_ in ("of", "to")]
        anchor = _object(of[0]) if of else None
        if anchor is None or (lower == "run" and not any(c.lower_ == "up" for c in t.children)):
            return None
        prep = t.head  # "[in] the wake of [the storm]", hanging off the event
        return _make(prep.head, _words(prep.head, prep.subtree), _NOUN_CUES[lower], anchor, _words(anchor),
                     [w for w in prep.doc[prep.i : of[0].i + 1]])
    if t.lemma_ in _ORDER_VERBS and t.pos_ == "VERB":
        return _order_verb(t)
    if lower in _SEQUENCE_ADVERBS and t.dep_ == "advmod" and t.head.dep_ == "conj" and t.head.head.pos_ in ("VERB", "AUX"):
        later, earlier = t.head, t.head.head  # "police arrived, and [the gunman was later arrested]"
        cue = _modifiers(t, before=t.i) + [t]
        return _make(later, _words(later, cue), "after", earlier, _words(earlier, later.subtree), cue)
    return None


def _order_verb(t):
    """'A followed B' (A after B), 'A was followed by B' and 'A, followed by B' (A before B)."""
    relation = _ORDER_VERBS[t.lemma_]
    agent = [c for c in t.children if c.dep_ == "agent"]
    if agent:  # passive: the agent is the other event; this one is the subject, or the noun modified
        other = _object(agent[0])
        subject = [c for c in t.children if c.dep_ == "nsubjpass"]
        if other is None:
            return None
        if subject:
            return _make(subject[0], _words(subject[0]), _OPPOSITE[relation], other, _words(other), [t, agent[0]])
        if t.dep_ in ("acl", "advcl"):
            return _make(t.head, _words(t.head, t.subtree), _OPPOSITE[relation], other, _words(other),
                         [t, agent[0]])
        return None
    subject = [c for c in t.children if c.dep_ == "nsubj"]
    obj = [c for c in t.children if c.dep_ == "dobj"]
    # "Police followed the suspect", "he followed the rules": a person following is not an order.
    if not subject or not obj or subject[0].pos_ in ("PRON", "PROPN") or subject[0].ent_type_:
        return None
    return _make(subject[0], _words(subject[0]), relation, obj[0], _words(obj[0]), [t])


def _object(prep):
    for c in prep.children:
        if c.dep_ in ("pobj", "pcomp"):
            return c
    return None


def _modifiers(head, before: int) -> list:
    """'hours', 'shortly', 'two days': what measures the gap, left of the cue word."""
    return [w for c in head.lefts if c.i < before and c.dep_ in ("advmod", "npadvmod") for w in c.subtree]


def _words(head, *without) -> list:
    """The words of the phrase `head` heads, less `without` and less clauses coordinated with it."""
    drop = {w for group in without for w in group}
    verb_conj = [c for c in head.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")]
    for c in verb_conj:
        drop |= set(c.subtree)
    if verb_conj:
        drop |= {c for c in head.children if c.dep_ == "cc"}
    return _trim([w for w in head.subtree if w not in drop])


def _make(event_head, event, relation, anchor_head, anchor, cue) -> EventOrder | None:
    """The relation, or None when either side is not a usable event."""
    if event_head == anchor_head or not _meaningful(event) or not _meaningful(anchor):
        return None
    if any(c.dep_ == "neg" for c in event_head.children):
        return None  # "had not met before the strike" says little about the order
    if _is_time(anchor_head, anchor) or _is_time(event_head, event):
        return None
    cue = sorted(cue, key=lambda w: w.i)
    start, end = cue[0].idx, cue[-1].idx + len(cue[-1].text)
    return EventOrder(event=_text(event), relation=relation, anchor=_text(anchor),
                      cue=cue[0].doc.text[start:end], start=start, end=end,
                      event_core=_core(event_head, event), anchor_core=_core(anchor_head, anchor))


def _core(head, tokens) -> str:
    """'minister met envoy': the head with its subject and object, without modifiers, dates or names.

    Names are left out because two different things one person did ("Comeaux
    produced a weapon", "Comeaux took two officers hostage") must not match.
    """
    keep = {head}
    for c in head.children:
        if c.dep_ in _CORE_DEPS:
            keep |= {c} | {g for g in c.children if g.dep_ in ("compound", "poss")}
    allowed = set(tokens)
    words = [w for w in sorted(keep, key=lambda w: w.i)
             if w in allowed and not w.is_punct and w.dep_ != "det" and w.ent_type_ not in _NOT_CORE_ENTS]
    return " ".join(w.text for w in words) or head.text


def _trim(tokens):
    """Without punctuation and function words at either edge."""
    while tokens and (tokens[0].dep_ in _EDGE_DEPS or tokens[0].is_punct):
        tokens = tokens[1:]
    while tokens and (tokens[-1].dep_ in _EDGE_DEPS or tokens[-1].is_punct):
        tokens = tokens[:-1]
    return tokens


def _text(tokens) -> str:
    return "".join(w.text_with_ws for w in tokens).strip()


def _meaningful(tokens) -> bool:
    return any(not (w.is_stop or w.is_punct) and w.lower_ not in _VAGUE for w in tokens)


def _is_time(head, tokens) -> bool:
    """'midnight', 'the end of the week', '5 p.m.', 'Tuesday', 'it': a time or a pronoun, not an event."""
    if head.pos_ == "PRON" or head.like_num or head.ent_type_ in ("DATE", "TIME"):
        return True
    if head.pos_ in ("NOUN", "PROPN") and head.lemma_.lower() in _TIME_NOUNS:
        return True
    # "3 p. m.", "06: 00 BST": a clock time however it was tokenised
    return bool(tokens) and (tokens[0].like_num and _CLOCK.match(_text(tokens)) is not None)


# ---------------------------------------------------------------- orders whose anchor is the sentence before

# Words that open a sentence and order its event against the sentence before.
_BACK_ADVERBS = {"later": "after", "afterwards": "after", "afterward": "after", "subsequently": "after",
                 "thereafter": "after", "then": "after", "earlier": "before"}
# "After that,", "Before this,", "Following that," and, with nothing after them, "Soon after,", "Minutes before,".
_BACK_PREPOSITIONS = {"after": "after", "following": "after", "before": "before"}
_BACK_WORDS = {"that", "this"}
# The gap in "Hours later", "A few days earlier", "Soon after", "Not long afterwards".
_GAP_WORDS = {"a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "few",
              "several", "some", "many", "soon", "shortly", "just", "immediately", "not", "long", "only", "moments"}
_GAP_UNITS = {"second", "moment", "minute", "hour", "day", "night", "week", "month", "year"}
# "The next day,", "The previous night,": counted from the sentence before.
_RELATIVE = {"next": "after", "following": "after", "previous": "before", "preceding": "before"}
_DAYS = {"day", "morning", "afternoon", "evening", "night", "week", "month", "year"}
# Right after the cue these name a date instead of the sentence before: "Later this year", "Earlier on Sunday".
_DATE_OPENERS = {"this", "last", "next", "on", "in", "at", "during", "today", "tonight", "yesterday", "tomorrow"}
# "Then President Bush", "Then host Jerry Lewis": then-president, a title, not a sequence.
_TITLES = {"president", "vice", "prime", "deputy", "governor", "senator", "minister", "premier", "chancellor", "mayor",
           "secretary", "attorney", "chief", "leader", "chairman", "head", "coach", "host", "ceo", "director",
           "commander", "king", "queen", "prince"}
# "Police said the gunman fled": the event is what was said.
_SPEECH_VERBS = {"say", "tell", "add", "report", "announce", "confirm", "state", "claim", "explain", "write", "note"}


def order_across(span, previous, offset: int, previous_offset: int) -> EventOrder | None:
    """The order an opening cue ("Hours later, ...") states against the main event of `previous`, or None."""
    opening = _opening_cue(span)
    if opening is None:
        return None
    cue, relation = opening
    event_head = _cue_governor(span, cue)
    anchor_head = _main_event(previous)
    if event_head is None or anchor_head is None:
        return None
    drop = [w for c in cue for w in c.subtree]
    event = _words(event_head, drop)
    anchor = _words(anchor_head)
    order = _make(event_head, event, relation, anchor_head, anchor, cue)
    if order is None:
        return None
    anchor_start, anchor_end = anchor[0].idx, anchor[-1].idx + len(anchor[-1])
    return replace(order, start=order.start + offset, end=order.end + offset,
                   anchor_span=Span(anchor_start + previous_offset, anchor_end + previous_offset),
                   anchor_sentence=Span(previous.start_char + previous_offset, previous.end_char + previous_offset))


def _opening_cue(span):
    """(cue tokens, relation) when the sentence opens with a cue that refers back, else None."""
    words = [w for w in span]
    if len(words) < 4:
        return None
    lower = [w.lower_ for w in words] + ["", "", ""]
    relation, end = None, 0
    if lower[0] == "the" and lower[1] in _RELATIVE and lower[2] in _DAYS:
        relation, end = _RELATIVE[lower[1]], 3  # "The next day,"
    elif lower[0] == "the" and lower[1] in _DAYS and lower[2] in _BACK_PREPOSITIONS and lower[3] == ",":
        relation, end = _BACK_PREPOSITIONS[lower[2]], 3  # "The day before,"; "The day before his death" is in-sentence
    else:
        gap = 0
        while gap < 3 and (lower[gap] in _GAP_WORDS or words[gap].like_num):
            gap += 1
        if words[gap].lemma_.lower() in _GAP_UNITS:
            gap += 1
        word = lower[gap]
        if word in _BACK_ADVERBS and not (word == "then" and gap):
            relation, end = _BACK_ADVERBS[word], gap + 1
            if word == "later" and lower[end] == "on" and lower[end + 1] == ",":
                end += 1  # "Later on,"
        elif word in _BACK_PREPOSITIONS and lower[gap + 1] in _BACK_WORDS:
            relation, end = _BACK_PREPOSITIONS[word], gap + 2  # "After that,", "Three years after that,"
        elif word in _BACK_PREPOSITIONS and word != "following" and lower[gap + 1] == ",":
            relation, end = _BACK_PREPOSITIONS[word], gap + 1  # "Soon after,", "Minutes before,"
        elif word == "prior" and lower[gap + 1] == "to" and lower[gap + 2] in _BACK_WORDS:
            relation, end = "before", gap + 3  # "Prior to that"
    if relation is None or end >= len(words):
        return None
    if lower[end] == "that" and lower[end + 1] in _DAYS:
        end += 2  # "Later that day": that day is the sentence before's
    after = words[end]
    if after.lower_ in _DATE_OPENERS or after.ent_type_ in ("DATE", "TIME"):
        return None  # "Later this year", "Earlier on Sunday", "Earlier Saturday": a date, compared by judge_times
    if lower[end - 1] == "then" and (after.pos_ in ("NUM", "ADJ", "NOUN") or after.is_punct and after.text != ","
                                     or after.lower_ in _TITLES or after.lower_ == "there"):
        return None  # "Then-president", "Then 67,", "Then host Jerry Lewis", "Then there are ..."
    return words[:end], relation


def _cue_governor(span, cue):
    """The verb the opening cue modifies: the sentence's main verb (or what a speech verb reports), else None."""
    inside = set(cue)
    head = cue[-1]
    while head in inside or head.pos_ not in ("VERB", "AUX"):
        if head.head == head:
            return None
        if head not in inside and span[len(cue)].text != ",":
            return None  # "Later reports said": without a comma, the cue must hang on the verb itself
        head = head.head
    if head.lemma_ == "be":
        return None  # "Not long after, her images were everywhere": a state, not an event
    main = head.dep_ == "ROOT" or (head.dep_ == "ccomp" and head.head.dep_ == "ROOT"
                                   and head.head.lemma_ in _SPEECH_VERBS)
    if not main or not _has_subject_before(head, cue[-1].i):
        return None  # "Then came the anger": no subject before the verb, not a plain sequence
    return head


def _main_event(previous):
    """The event a sentence reports: its main verb, or what it says was said; None for states and questions."""
    root = head = previous.root
    if head.lemma_ in _SPEECH_VERBS:
        said = [c for c in head.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")]
        head = said[0] if said else head
    if (head.pos_ not in ("VERB", "AUX") or head.lemma_ == "be" or previous.text.rstrip().endswith("?")
            or any(c.dep_ == "neg" for v in (root, head) for c in v.children)
            or not _has_subject_before(head, previous.start - 1)):
        return None
    before = head.doc.text[previous.start_char : head.idx]
    if before.count("“") > before.count("”") or before.count('"') % 2:
        return None  # inside a quotation: what someone said, not an event the report states
    return head


def _has_subject_before(verb, after: int) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") and after < c.i < verb.i and c.lower_ != "there"
               for c in verb.children)
