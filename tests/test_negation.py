"""Negation conflicts: a negation conflicts only where it denies a word the other sentence affirms.

The sentences are the founding example's own (examples/gaza-talks, Al Jazeera
and the rewrite); each edited one says how it was edited. The ECB+ case reads
two real reports from ../shared/data (skipped where the folder is absent).
"""

from __future__ import annotations

import json

import pytest

from conftest import SHARED_DATA

import storydiff
from storydiff.ingest import make_article
from storydiff.model import Article
from storydiff.nlp.claims import extract_claims

RAFAH = ("According to the Israeli minister of defence, Israel plans to build a tent city in Rafah, where it will "
         "concentrate the population, control who enters, not allow anyone to leave, and then push the population "
         "out of Gaza.")  # aljazeera.txt paragraph 18, the quotation's end cut
MEDIA = ("Netanyahu's arrival at the White House was timed shortly after 5 p.m. EST, while the media was not allowed "
         "to cover the proceedings.")  # rewrite.txt paragraph 7


def _claim(text: str):
    (claim,) = extract_claims(Article("x", text, "x"))
    return claim


def _negation_conflicts(left: str, right: str) -> list:
    report = storydiff.compare_articles([Article("a", left, "a"), Article("b", right, "b")])
    return [v for v in report.conflicts if v.conflict_kind == "negation"]


@pytest.mark.parametrize("text, denied", [
    (RAFAH, ("allow",)),
    (MEDIA, ("allow",)),
    ("Officials said the ceasefire agreement was not signed by both sides on Tuesday evening.", ("sign",)),
    # "is not": the word denied is the complement, not "be"
    ("Netanyahu said the military operations in Gaza were not complete.", ("complete",)),
    # "it's not the first": the noun the copula's complement names
    ("It is not the first time Netanyahu has visited the White House this year.", ("time",)),
])
def test_what_a_negation_denies(text, denied):
    claim = _claim(text)
    assert claim.negated
    assert claim.negated_lemmas == denied
    assert set(denied) <= set(claim.lemmas)


def test_a_sentence_without_negation_denies_nothing():
    claim = _claim("The closed-door meeting lasted about two hours, and afterwards Netanyahu spoke to reporters.")
    assert not claim.negated and claim.negated_lemmas == ()
    assert {"meeting", "last", "hour", "speak", "reporter"} <= set(claim.lemmas)
    assert "be" not in claim.lemmas


def test_denying_what_the_other_affirms_conflicts_and_names_the_word():
    affirmed = MEDIA.replace("was not allowed", "was allowed")  # edited: the negation removed
    (conflict,) = _negation_conflicts(MEDIA, affirmed)
    assert "“allow”" in conflict.reason and "a negates" in conflict.reason


def test_a_negated_clause_the_other_report_leaves_out_is_no_conflict():
    # edited: the rewrite keeps the sentence but drops the clause with the negation
    shorter = RAFAH.replace(" not allow anyone to leave,", "")
    assert _claim(RAFAH).negated and not _claim(shorter).negated
    assert _negation_conflicts(RAFAH, shorter) == []
    # and putting the clause back without its "not" is a denial again
    assert len(_negation_conflicts(RAFAH, RAFAH.replace("not allow", "allow"))) == 1


def test_both_negated_is_no_conflict():
    # rewrite.txt paragraph 8 says "were not yet complete"; a paraphrase that also negates agrees
    assert _negation_conflicts("Netanyahu said the military operations in Gaza were not yet complete.",
                               "Netanyahu said the military operations in Gaza were not complete yet.") == []


ECB = SHARED_DATA / "stories" / "ecbplus-dev.jsonl"


@pytest.mark.skipif(not ECB.exists(), reason=f"{ECB} not found")
def test_two_real_reports_of_a_bank_bombing_do_not_conflict_on_a_clause_one_leaves_out():
    # ECB+ topic 8 (ecb): one report adds "and state police did not have any suspects" to a
    # sentence the other gives without it; the old sentence-level rule called that a conflict.
    rows = [json.loads(line) for line in ECB.open(encoding="utf-8")]
    texts = [r["text"] for r in rows if r["story"] == "ecb-8ecb"][:2]
    assert any("did not have any suspects" in t for t in texts)
    report = storydiff.compare_articles([make_article(t, f"ecb-8ecb#{i}") for i, t in enumerate(texts)])
    assert [v for v in report.conflicts if v.conflict_kind == "negation"] == []


def test_a_negation_that_withholds_an_answer_denies_nothing():
    # Two ECB+ reports of Tara Reid's rehab (ecb-1_10ecb, ecb-1_2ecb): the publicist would not say what for,
    # and said where; read as "not say" against "said", compare called a negation conflict.
    withheld = 'Ketsoyan would not say what the "American Pie" star was being treated for.'
    said = 'Jack Ketsoyan said Friday that the "American Pie" star went to the Promises Treatment Center.'
    assert _claim(withheld).negated_lemmas == ()
    assert _negation_conflicts(withheld, said) == []
    assert _claim(withheld).withheld_lemmas == ("say",)
    # Two reports that both withhold it (ecb-13_12ecb, ecb-13_3ecb; the first as written) agree.
    assert _negation_conflicts(
        "Still, it was not specified that how many people were in the building at the time of the blaze.",
        "He would not specify how many people were in the building at the time of the blaze.") == []
    # ... and so do one that withholds and one that denies (the second edited from ecb-13_3ecb's words).
    assert _negation_conflicts(
        "He would not specify how many people were in the building at the time of the blaze.",
        "He did not specify the number of people in the building at the time of the blaze.") == []
    # A denial of what the other says still conflicts.
    assert _claim("Ketsoyan did not say the star went to the Promises Treatment Center.").negated_lemmas == ("say",)


def test_not_just_denies_nothing():
    # ecb-29_4ecbplus against ecb-29_3ecbplus: "not just a rookie record" says it is one, and more
    left = ("This game was Andrew Luck's 7th game-winning drive of the season, tying an NFL record - not just a "
            "rookie record.")
    right = "That's both a rookie record and an NFL record."
    assert _claim(left).negated_lemmas == ()
    report = storydiff.compare_articles([make_article(left, "a.txt"), make_article(right, "b.txt")])
    assert [v.reason for v in report.conflicts if v.conflict_kind == "negation"] == []


def test_no_before_a_noun_denies_it():
    # aljazeera.txt paragraph 1, cut; "no" is the noun's determiner, not a "neg" dependency (claims v27)
    talks = "The unscheduled talks on Tuesday evening lasted just over an hour, with no media access."
    assert "access" in _claim(talks).negated_lemmas
    (conflict,) = _negation_conflicts(talks, talks.replace("with no media access", "with media access"))
    assert "“access”" in conflict.reason
    assert _negation_conflicts(talks, talks) == []
    # "no longer" was already read by the parser as a negation of its own; "no more room" denies the room
    assert _claim("There was no more room in the shelters, officials said.").negated_lemmas == ("room",)
