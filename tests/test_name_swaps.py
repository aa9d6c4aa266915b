"""A statement that two texts word alike but for one name: a rewrite that put another person, place or
body into it (the audit's edit of the example: "Steve Witkoff" to "Marco Rubio", "the White House" to
"Camp David"), or two reports that disagree on who it was. Real sentences from ECB+ dev
(../shared/data/stories/ecbplus-dev.jsonl, article ids noted; the corpus spaces out hyphens and
apostrophes, undone here).
"""

from __future__ import annotations

import storydiff
from storydiff.ingest import make_article

from conftest import EXAMPLE


def _other_conflicts(left: str, right: str) -> list:
    report = storydiff.compare_articles([make_article(left, "left.txt"), make_article(right, "right.txt")])
    return [v for v in report.conflicts if v.conflict_kind == "other"]


def test_a_rewrite_that_swaps_a_person_and_a_place_conflicts():
    source = (EXAMPLE / "aljazeera.txt").read_text(encoding="utf-8")
    edited = source.replace("Steve Witkoff", "Marco Rubio").replace("at the White House for a second time",
                                                                      "at Camp David for a second time")
    found = {(v.detail["left_name"], v.detail["right_name"]) for v in _other_conflicts(source, edited)}
    assert found == {("Steve Witkoff", "Marco Rubio"), ("the White House", "Camp David")}
    assert _other_conflicts(source, source) == []


def test_two_reports_naming_different_officials_conflict():
    left = ('"We\'re aware of the off-the-field issue involving Vincent," Chargers general manager A.J. Butler '
            'said in a statement.')  # ecb-35_3ecb
    right = ('"We\'re aware of the off-the-field issue involving Vincent," team general manager A.J. Smith said '
             'in a statement.')  # ecb-35_1ecb
    [conflict] = _other_conflicts(left, right)
    assert "Butler" in conflict.reason and "Smith" in conflict.reason


def test_one_name_written_two_ways_is_no_swap():
    # initials
    assert _other_conflicts("He was on probation for a previous DUI arrest, the California Highway Patrol said.",
                            "He was on probation for a previous DUI arrest, the CHP said.") == []  # ecb-35_7/10ecbplus
    # a spelling
    assert _other_conflicts(
        "Mr Buckley's death came a day after 36-year-old Duncan Raite died when he slipped and fell around 200ft "
        "from a ridge in the same national park.",  # ecb-23_11ecbplus
        "Mr Buckley's death came a day after 36-year-old Duncan Rait was killed after slipping and falling 200ft "
        "from a ridge in the same national park.") == []  # ecb-23_5ecbplus
    # an accent
    assert _other_conflicts(
        "The heist near the Place Vendôme is the latest to hit France after a spate of high-profile robberies.",
        "The heist near the Place Vendome is the latest to hit France after a spate of high-profile robberies.",
    ) == []  # ecb-24_5ecbplus, ecb-24_6ecbplus
    # one country's forms (the example writes "the US" and "United States", never "America")
    assert _other_conflicts(
        "Netanyahu has meanwhile praised Trump, saying that there has never been closer coordination between "
        "the US and Israel in his country’s history.",
        "Netanyahu has meanwhile praised Trump, saying that there has never been closer coordination between "
        "America and Israel in his country’s history.") == []


def test_a_name_both_reports_give_elsewhere_is_only_worded_apart():
    left = "Trump met Netanyahu at the White House on Monday. Netanyahu later spoke to Witkoff about the talks."
    right = "Trump met Witkoff at the White House on Monday. Netanyahu later spoke to Witkoff about the talks."
    assert _other_conflicts(left, right) == []
