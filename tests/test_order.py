"""The order of events: what sentences say happened before, after or during what, and conflicts on it.

Sentences are real news text: the example pair (examples/gaza-talks) and ECB+
articles (../shared/data/stories/ecbplus-dev.jsonl, Cybulska & Vossen, CC BY
3.0), quoted with their ECB+ id. A sentence marked "edited" is a real one with
one word changed (the order flipped) to make the opposite claim.
"""

from __future__ import annotations

import pytest

import storydiff
from storydiff import judge
from storydiff.ingest import make_article
from storydiff.model import EventOrder
from storydiff.nlp.language import load_nlp
from storydiff.nlp.order import extract_orders


def _orders(sentence: str) -> list[EventOrder]:
    return extract_orders(load_nlp()(sentence))


# (sentence, source, [(event words, relation, anchor words, cue)])
READ = [
    ("The minister met the envoy hours before the strike.", "the issue's example",
     [("The minister met the envoy", "before", "the strike", "hours before")]),
    ("An earlier meeting involving a delegation from Qatar took place before Netanyahu and Trump’s discussions, "
     "wherein Qatari officials spent hours engaging with White House representatives.", "gaza-talks rewrite",
     [("An earlier meeting involving a delegation from Qatar took place", "before",
       "Netanyahu and Trump’s discussions", "before")]),
    ("This high-profile meeting followed remarks from Trump's Middle East envoy, Steve Witkoff, indicating that "
     "only one remaining issue stood between Israel and Hamas in reaching a 60-day ceasefire agreement.",
     "gaza-talks rewrite",
     [("This high-profile meeting", "after", "remarks from Trump's Middle East envoy", "followed")]),
    ("The closed-door meeting lasted about two hours, and afterwards, Netanyahu expressed that while discussions "
     "were ongoing, he believed the military operations in Gaza were not yet complete.", "gaza-talks rewrite",
     [("Netanyahu expressed that", "after", "The closed-door meeting lasted about two hours", "afterwards")]),
    ("Ahead of the talks on Tuesday, Trump said he would be speaking with Netanyahu “almost exclusively” about Gaza.",
     "gaza-talks Al Jazeera",
     [("Trump said he would be speaking", "before", "the talks on Tuesday", "Ahead of")]),
    ("The plan outlined by the Israeli defence minister, Israel Katz, calls for the initial forcible transfer of "
     "some 600,000 Palestinians to the tent city, followed by the remainder of the enclave’s 2.1 million people.",
     "gaza-talks Al Jazeera",
     [("the initial forcible transfer", "before", "the remainder of the enclave’s", "followed by")]),
    ("A Mafia boss in Palermo hanged himself in jail after hours before he was arrested in a police's raid.",
     "ecb-26_10ecb", [("hanged himself in jail", "before", "he was arrested in a police's raid", "before")]),
    ("An alleged Mafia boss who was caught on wiretaps purportedly discussing Cosa Nostra's new hierarchy hanged "
     "himself in a Sicilian jail hours after his arrest, police said Wednesday.", "ecb-26_12ecb",
     [("hanged himself in a Sicilian jail", "after", "his arrest", "hours after")]),
    ("Chela Ortiz, who married the deputy three weeks before he was murdered, told Orozco in a firm voice, "
     "\"I want you to know you did not break our family, \" as her family began to cry.", "ecb-16_10ecbplus",
     [("who married the deputy", "before", "he was murdered", "three weeks before")]),
    ("He had also boasted prior to Ortiz's killing that he wanted to kill a cop, that he wanted to make a name "
     "for his gang, the judge added.", "ecb-16_10ecbplus",
     [("He had also boasted that he wanted to kill a cop", "before", "Ortiz's killing", "prior to")]),
    ("The shooting was followed by confusion as scores of deputies descended on the area with dogs and rifles "
     "but little knowledge of what had occurred.", "ecb-16_5ecbplus",
     [("The shooting", "before", "confusion", "followed by")]),
    ("One day after Chris Ivory was surprisingly lost for the season, the Saints placed Thomas on injured reserve.",
     "ecb-25_13ecbplus",
     [("the Saints placed Thomas on injured reserve", "after", "Chris Ivory was surprisingly lost", "One day after")]),
    ("Her latest stay at Betty Ford comes after Lohan rear - ended a truck with her Porsche on Pacific Coast "
     "Highway on June 8, and then lied to police, telling them she was not driving.", "ecb-1_10ecbplus",
     [("Her latest stay at Betty Ford comes", "after", "Lohan rear - ended a truck", "after"),
      ("lied to police", "after", "Lohan rear - ended a truck", "then")]),
    ("Deputy Jerry Ortiz was shot and killed after knocking on a door during an investigation.", "ecb-16_3ecbplus",
     [("killed", "after", "knocking on a door", "after"), ("a door", "during", "an investigation", "during")]),
    ("Mr. LaCalamita fled in his car before officers arrived, but witnesses took note of the license plate "
     "number, the authorities said.", "ecb-18_9ecbplus",
     [("Mr. LaCalamita fled in his car", "before", "officers arrived", "before")]),
]


@pytest.mark.parametrize("sentence, source, expected", READ, ids=[f"{r[1]}: {r[0][:40]}" for r in READ])
def test_reads_the_order_of_events(sentence, source, expected):
    found = _orders(sentence)
    assert len(found) == len(expected), [(o.event, o.relation, o.anchor) for o in found]
    for order, (event, relation, anchor, cue) in zip(found, expected):
        assert event in order.event and anchor in order.anchor, order
        assert order.relation == relation
        assert order.cue == cue and sentence[order.start:order.end] == cue
        assert order.event_core and order.anchor_core


@pytest.mark.parametrize("sentence, source", [
    # care, naming and "in front of", not time
    ("\"Surrey Police would particularly like to thank the local community and those local groups and individuals "
     "who've worked alongside the emergency services to look after the welfare of personnel and members of the "
     "community affected.\"", "ecb-14_7ecb"),
    ("Mr Pitman, of High Street, Wellington, entered a not guilty plea at Taunton Deane Magistrates and was "
     "remanded in custody to appear before Taunton Crown Court on 19 August.", "ecb-14_2ecbplus"),
    ("Rossi laid out the prosecution's case earlier Tuesday in a packed courtroom before Judge Stephen Herrick.",
     "ecb-33_3ecb"),
    # a clock time is a time, compared by judge_times, not an event
    ("Authorities said he spotted Orozco shortly after 3 p. m. and chased him to the apartment.", "ecb-16_1ecbplus"),
    # the anchor is in another sentence: not read rather than guessed
    ("Lohan has spent time at Betty Ford before.", "ecb-1_8ecbplus"),
    ("Critics say the plan would then lead to Palestinians being forcibly transferred to other countries.",
     "gaza-talks Al Jazeera"),
])
def test_no_order_where_none_is_stated(sentence, source):
    assert _orders(sentence) == []


def test_offsets_index_the_article():
    text = ("Trump and Netanyahu met on Tuesday.\nThe closed-door meeting lasted about two hours, and afterwards, "
            "Netanyahu spoke to reporters.")
    article = make_article(text, "test")
    from storydiff.nlp.claims import extract_claims

    orders = [o for c in extract_claims(article) for o in c.orders]
    assert [text[o.start:o.end] for o in orders] == ["afterwards"]


# ---------------------------------------------------------------- orders whose anchor is the sentence before

def _across(previous: str, sentence: str) -> list[EventOrder]:
    nlp = load_nlp()
    before, doc = nlp(previous), nlp(sentence)
    return [o for o in extract_orders(doc, previous=before[:], previous_offset=0) if o.anchor_sentence is not None]


VIGIL = "Students of the school attended by Grigoropoulos held a silent vigil during the day in Syntagma Square."
CANDLES = "hundreds of others brought candles to the site, while others gathered at the site of the shooting."
TROUBLE = ("The latest trouble began as protestors gathered in the capital city to target the station where the "
           "policeman charged with Alexandros ' murder was based.")
SERVICES = "several peaceful services had been held to remember the teenager."

# (sentence before, sentence, source, (event words, relation, anchor words, cue))
READ_ACROSS = [
    (VIGIL, "Hours later, " + CANDLES, "ecb-19_1ecb",
     ("hundreds of others brought candles", "after", "Students of the school attended by Grigoropoulos held",
      "Hours later")),
    (TROUBLE, "Earlier, " + SERVICES, "ecb-19_10ecb",
     ("several peaceful services had been held", "before", "The latest trouble began", "Earlier")),
    ("Outside the courtroom, Nichols shot and killed a sheriff's deputy sergeant.",
     "Later that day, as he attempted to elude police, he shot and killed a U.S. Customs agent.", "ecb-3_3ecb",
     ("he shot", "after", "Nichols shot", "Later that day")),
    # the sentence before reports what was said: the anchor is what Reavey said happened
    ("Reavey said Microsoft went into \"emergency response\" mode on December 9 after it first learned of the "
     "attacks on IE browsers.",
     "A day later, Microsoft published a security advisory that \"listed workarounds that blocked all known "
     "attacks.\"", "ecb-27_11ecb",
     ("Microsoft published a security advisory", "after", "Microsoft went into", "A day later")),
    ("On the last drive he caught 3 passes for 37 yards and a touchdown.",
     "Prior to that he had caught 2 passes for 44.", "ecb-29_4ecbplus",
     ("he had caught 2 passes for 44", "before", "he caught 3 passes", "Prior to that")),
    ("On November 19, Tabar sank a Somalian pirate vessel after being threatened with disastrous consequences.",
     "A few days before that, the same warship foiled two hijack attempts in the Gulf of Aden -- - the world's "
     "most dangerous waters for commercial shipping.", "ecb-12_6ecb",
     ("the same warship foiled two hijack attempts", "before", "Tabar sank a Somalian pirate vessel",
      "A few days before that")),
    ("\"Expedite,\" he commanded.",
     "The next day, in a notation on another memo that passed across his desk, he pointed to a prosecutor as "
     "the source of the leak.", "ecb-28_1ecb", ("he pointed to a prosecutor", "after", "he commanded", "The next day")),
    ("The driver, LaSalle, then paused as Johnson's husband tried to stop him.",
     "Then LaSalle hit the gas, running her over and dragging her as he tried to get away.", "ecb-21_7ecb",
     ("LaSalle hit the gas", "after", "The driver, LaSalle, then paused", "Then")),
    ("After a sweep of the area was made authorities determined no bomb had been present.",
     "Shortly after, the West Coast Bank received a call with a similar warning.", "ecb-8_4ecb",
     ("the West Coast Bank received a call", "after", "a sweep of the area was made", "Shortly after")),
    ("Felt left the FBI in 1973 for the lecture circuit.",
     "Five years later he was indicted on charges of authorizing FBI break-ins at homes associated with suspected "
     "bombers from the 1960s radical group the Weather Underground.", "ecb-28_3ecb",
     ("he was indicted", "after", "Felt left the FBI", "Five years later")),
]
# edited: the same real sentence with another opening cue put in front
READ_ACROSS += [(VIGIL, f"{cue}, {CANDLES}", "ecb-19_1ecb, cue edited",
                 ("hundreds of others brought candles", "after", "held a silent vigil", cue))
                for cue in ("Afterwards", "After that", "Later", "An hour later", "Minutes later", "Soon after",
                            "The next day", "The following morning", "Later on")]
READ_ACROSS += [(TROUBLE, f"{cue}, {SERVICES}", "ecb-19_10ecb, cue edited",
                 ("several peaceful services had been held", "before", "The latest trouble began", cue))
                for cue in ("Before that", "Prior to that", "Hours earlier", "Minutes before", "The day before",
                            "The previous day")]


@pytest.mark.parametrize("previous, sentence, source, expected", READ_ACROSS,
                         ids=[f"{r[2]}: {r[1][:30]}" for r in READ_ACROSS])
def test_reads_an_order_anchored_in_the_sentence_before(previous, sentence, source, expected):
    event, relation, anchor, cue = expected
    [order] = _across(previous, sentence)
    assert event in order.event and anchor in order.anchor, order
    assert order.relation == relation
    assert order.cue == cue and sentence[order.start:order.end] == cue
    assert order.anchor_sentence.start == 0 and order.anchor_sentence.end == len(previous)
    assert anchor in previous[order.anchor_span.start:order.anchor_span.end]
    assert order.event_core and order.anchor_core


@pytest.mark.parametrize("previous, sentence, source", [
    # "then" as in then-president, then 67 years old, then host: a former title or age, not a sequence
    ("Seven months after the conviction, President Ronald Reagan pardoned Felt.",
     "Then 67, Felt celebrated the decision as one of great symbolic value.", "ecb-28_7ecb"),
    ("It happened in 1959.",
     "Then host Jerry Lewis forced that year's winners to dance awkwardly around the stage in order to fill the "
     "last twenty minutes of his broadcast.", "ecb-2_8ecb"),
    ("Seven months after the conviction, President Ronald Reagan pardoned Felt.",
     "Then-president Reagan celebrated the decision as one of great symbolic value.", "ecb-28_7ecb, edited"),
    # "then" that lists or introduces, not "after that"
    ("First came the shooting: an armed teenager killed by police officers on a darkened Brooklyn street.",
     "Then came the anger: a Monday evening vigil marred by an unruly young mob thrashing its way through local "
     "businesses.", "ecb-19_7ecbplus"),
    ("Where was the outrage?", "Then there are those who have blasted the governor for her daughter's pregnancy.",
     "ecb-13_11ecb"),
    # a date after the cue: "earlier this year" is this year, not earlier than the sentence before
    ("But I think it was that the people I partied with were not the best people.",
     "Earlier this year, the star said she had turned a corner from being a hard-hitting drinker and was now a "
     "\"social drinker.\"", "ecb-1_14ecb"),
    ("Monday's earthquake was the second one to hit Qeshm in the past 24 hours.",
     "Earlier on Sunday a 5.6 quake jolted the island, some 930 miles south of the capital, Tehran.", "ecb-20_5ecb"),
    ("\"In the end, the violence that we use is minimal in comparison to the violence of the system uses, like "
     "the banks,\" Kyriakides said.",
     "Earlier Saturday, a crowd of about 1,000 people attended a peaceful sit-down demonstration in Athens and "
     "another 1,000 demonstrated in the northern city of Thessaloniki.", "ecb-19_9ecb"),
    (TROUBLE, "Earlier this month, " + SERVICES, "ecb-19_10ecb, cue edited"),
    (VIGIL, "Later this year, " + CANDLES, "ecb-19_1ecb, cue edited"),
    # a state, not an event
    ("He suggested the black bangs, which became her trademark, her bio said.",
     "Not long after, her images were everywhere, gracing magazine covers and locker pin-ups.", "ecb-4_6ecb"),
    # the order is stated inside the sentence: read there, not against the sentence before
    ("Suddenly, the No. 5 Saints don ’ t look as quite as big a threat to make a repeat trip to the Super Bowl.",
     "One day after Chris Ivory was surprisingly lost for the season, the Saints placed Thomas on injured reserve.",
     "ecb-25_13ecbplus"),
    # the cue does not open the sentence
    ("The driver, LaSalle, then paused as Johnson's husband tried to stop him.",
     "Johnson's husband then tried to stop him.", "ecb-21_7ecb, edited"),
    # the sentence before is a question, or negated: no event to anchor on
    ("Where was the outrage?", "Later, the governor blasted her critics.", "ecb-13_11ecb, edited"),
    ("Ketsoyan would not say what the \"American Pie\" star was being treated for.",
     "Later, a friend of the actress told People she went to Promises on Tuesday.", "ecb-1_10ecb, cue added"),
])
def test_no_order_across_sentences_where_none_is_stated(previous, sentence, source):
    assert _across(previous, sentence) == []


def test_no_order_across_a_paragraph_break_in_paragraphs_of_several_sentences():
    # ecb-19_1ecb, laid out as the corpus has it (a sentence per line) and as paragraphs of several sentences
    from storydiff.nlp.claims import extract_claims

    lines = ["Violent clashes broke out in the capital, Athens, following a day of demonstrations.",
             "The protests in memory of the teenager had been initially peaceful.", VIGIL, "Hours later, " + CANDLES]

    def across(text):
        return [o.cue for c in extract_claims(make_article(text, "test")) for o in c.orders if o.anchor_sentence]

    assert across("\n".join(lines)) == ["Hours later"]
    assert across(" ".join(lines[:2]) + "\n" + " ".join(lines[2:])) == ["Hours later"]  # same paragraph
    assert across(" ".join(lines[:3]) + "\n" + lines[3]) == []  # the anchor would be in the paragraph before


# ---------------------------------------------------------------- judging, with a stand-in similarity

def _order(event, relation, anchor):
    return EventOrder(event, relation, anchor, relation, 0, len(relation), event, anchor)


def _same_words(a: str, b: str) -> float:
    return 1.0 if a == b else 0.0


@pytest.mark.parametrize("x, y, expected", [
    # met after the strike / met before the strike: straight pairing, opposite order
    (("met", "after", "strike"), ("met", "before", "strike"), True),
    # the meeting followed the remarks / the remarks came before the meeting: the same order, turned round
    (("meeting", "after", "remarks"), ("remarks", "before", "meeting"), False),
    (("meeting", "after", "remarks"), ("meeting", "after", "remarks"), False),
    # the meeting came after the remarks / the remarks came after the meeting
    (("meeting", "after", "remarks"), ("remarks", "after", "meeting"), True),
    # riot during the vigil / riot after the vigil
    (("riot", "during", "vigil"), ("riot", "after", "vigil"), True),
    # two "during"s the other way round nest differently; not an order conflict
    (("talks", "during", "visit"), ("visit", "during", "talks"), False),
])
def test_order_conflict_logic(x, y, expected):
    found = judge.order_conflict(_order(*x), _order(*y), _same_words)
    assert found is not None and found[0] is expected


def test_different_events_are_not_compared():
    assert judge.order_conflict(_order("met", "after", "strike"), _order("rally", "before", "vote"), _same_words) is None


# ---------------------------------------------------------------- compare, end to end on real sentences

def _compare(left: str, right: str):
    return storydiff.compare_articles([make_article(left, "left"), make_article(right, "right")])


def _order_conflicts(report):
    return [v for v in report.conflicts if "left_order" in v.detail]


def test_real_reports_that_disagree_on_the_order():
    # ecb-26_10ecb and ecb-26_12ecb report one suicide in a Palermo jail: before or after the arrest?
    report = _compare(READ[6][0], READ[7][0])
    [conflict] = _order_conflicts(report)
    assert conflict.conflict_kind == "time"
    assert conflict.reason.startswith("the order of events differs")
    highlights = [report.article(e.article_id).text[h.start:h.end] for e in conflict.evidence for h in e.highlights]
    assert highlights == ["before", "hours after"]
    assert conflict.detail["left_order"]["relation"] == "before"
    assert conflict.detail["right_order"]["relation"] == "after"


def test_a_reordered_rewrite_across_sentences_conflicts_quoting_both_sentences():
    # ecb-19_1ecb, and a rewrite that puts the vigil after the candles with "Afterwards"
    left = VIGIL + "\nHours later, " + CANDLES + "\n"
    right = ("Hundreds of people brought candles to the site, while others gathered at the site of the shooting.\n"
             "Afterwards, students of the school attended by Grigoropoulos held a silent vigil in Syntagma Square.\n")
    report = _compare(left, right)
    [conflict] = _order_conflicts(report)
    assert conflict.conflict_kind == "time" and conflict.reason.startswith("the order of events differs")
    left_evidence, right_evidence = conflict.evidence
    assert left_evidence.sentence == left.strip() and right_evidence.sentence == right.strip()
    highlights = [[report.article(e.article_id).text[h.start:h.end] for h in e.highlights] for e in conflict.evidence]
    assert highlights == [[VIGIL[:-1], "Hours later"], [right.split("\n")[0][:-1], "Afterwards"]]
    assert conflict.detail["left_order"]["anchor_in_sentence_before"] is True
    assert (conflict.detail["left_order"]["relation"], conflict.detail["right_order"]["relation"]) == ("after", "after")


@pytest.mark.parametrize("right", [
    # the same order, told with "Afterwards"
    "Students of the school attended by Grigoropoulos held a silent vigil in Syntagma Square.\n"
    "Afterwards, hundreds of people brought candles to the site, while others gathered at the site of the shooting.\n",
    # the same order, told from the later event back
    "Hundreds of people brought candles to the site, while others gathered at the site of the shooting.\n"
    "Earlier, students of the school attended by Grigoropoulos held a silent vigil in Syntagma Square.\n",
    # the vigil after something else: its anchor is no event of the left report
    "Riot police fired tear gas at protesters in the Exarchia district.\n"
    "Afterwards, students of the school attended by Grigoropoulos held a silent vigil in Syntagma Square.\n",
])
def test_a_rewrite_that_keeps_the_order_across_sentences_does_not_conflict(right):
    assert _order_conflicts(_compare(VIGIL + "\nHours later, " + CANDLES + "\n", right)) == []


@pytest.mark.parametrize("sentence, source, cue, flipped", [
    ("Police officers chased Mr. LaCalamita for about 30 miles at speeds of up to 120 miles an hour on "
     "Interstate 75 before apprehending him near Bay City.", "ecb-18_9ecbplus", " before ", " after "),
    ("Mr. LaCalamita fled in his car before officers arrived, but witnesses took note of the license plate "
     "number, the authorities said.", "ecb-18_9ecbplus", " before ", " after "),
    ("One day after Chris Ivory was surprisingly lost for the season, the Saints placed Thomas on injured reserve.",
     "ecb-25_13ecbplus", " after ", " before "),
])
def test_a_flipped_order_conflicts(sentence, source, cue, flipped):
    edited = sentence.replace(cue, flipped)  # edited: the same report with the order turned round
    assert len(_order_conflicts(_compare(sentence, edited))) == 1


@pytest.mark.parametrize("left, right, source", [
    ("After leaving rehab in Newport Beach, Calif., less than an hour after checking in on Thursday, "
     "Lindsay Lohan admitted herself to the Betty Ford Center, according to TMZ. com.",
     "After she abruptly left a rehab facility in Newport Beach on Thursday, Lindsay Lohan has checked "
     "into the Betty Ford Center in Rancho Mirage.", "ecb-1_15ecbplus, ecb-1_9ecbplus"),
    ("The 1000-member evangelical church was the subject of scrutiny after Mrs Palin was named John McCain's "
     "Republican Party running mate.",
     "The 1,000-member evangelical church was the subject of intense scrutiny after Ms. Palin was named Senator "
     "John McCain's running mate.", "ecb-13_1ecb, ecb-13_4ecb"),
    ("A man has been charged with arson after a fire at the Waitrose supermarket in Wellington, Somerset.",
     "Robert Pitman, aged 24 and from Wellington, was charged with arson following the fire at the Waitrose "
     "supermarket in the Somerset town at the weekend.", "ecb-14_3ecbplus, ecb-14_9ecbplus"),
])
def test_reworded_reports_of_the_same_order_do_not_conflict(left, right, source):
    assert _order_conflicts(_compare(left, right)) == []


def test_a_reworded_same_order_is_matched_not_missed():
    # ecb-13_1ecb and ecb-13_4ecb: the events are recognised as the same, in the same order
    from storydiff.backends.embedder import get_embedder

    left = ("The 1000-member evangelical church was the subject of scrutiny after Mrs Palin was named John "
            "McCain's Republican Party running mate.")
    right = ("The 1,000-member evangelical church was the subject of intense scrutiny after Ms. Palin was named "
             "Senator John McCain's running mate.")
    [x], [y] = _orders(left), _orders(right)
    phrases = judge.PhraseVectors(get_embedder())
    phrases.embed([x.event, x.anchor, x.event_core, x.anchor_core, y.event, y.anchor, y.event_core, y.anchor_core])
    found = judge.order_conflict(x, y, phrases.similarity)
    assert found is not None and found[0] is False


def test_the_example_pair_has_no_order_conflict(example_report):
    # "Shortly before Trump met Netanyahu, ... Witkoff suggested" and "This meeting followed remarks from ...
    # Witkoff" say the same order; the October 7 sentences order different events.
    assert _order_conflicts(example_report) == []
    assert not any(v.conflict_kind == "time" for v in example_report.conflicts)
