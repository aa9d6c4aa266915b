"""Time expressions from real sentences of the example pair (examples/gaza-talks) and of ECB+ dev
(../shared/data/stories/ecbplus-dev.jsonl, article id noted; one sentence, never a record)."""

import pytest

from storydiff.nlp.times import extract_times, same_time


@pytest.mark.parametrize("sentence, expected", [
    ("An estimated 1,139 people were killed in Israel during the Hamas-led attacks of October 7, 2023, and more than 200 were taken captive.",
     [("October 7, 2023", "date", "2023-10-07")]),
    ("Netanyahu's arrival at the White House was timed shortly after 5 p.m. EST, while the media was not allowed to cover the proceedings.",
     [("5 p.m.", "time", "17:00")]),
    ("The unscheduled talks on Tuesday evening lasted just over an hour, with no media access.",
     [("Tuesday", "weekday", "tuesday")]),
    ("during Netanyahu’s third visit to the US since the president began his second term on January 20.",
     [("January 20", "date", "--01-20")]),
    # ecb-18_1ecb: the corpus spaces the colon; the figure is 6 p.m., not "00 p.m."
    ("who gave himself up to police just after 6: 00 p.m.,\" Fanning said in a statement.",
     [("6: 00 p.m.", "time", "18:00")]),
    ("The earthquake struck at 14:35 local time on 3 August 2014.",
     [("14:35", "time", "14:35"), ("3 August 2014", "date", "2014-08-03")]),
])
def test_extract_times(sentence, expected):
    found = extract_times(sentence)
    assert [(t.text, t.kind, t.value) for t in found] == expected
    for t in found:
        assert sentence[t.start:t.end] == t.text


def test_offsets_are_shifted():
    found = extract_times("met on Tuesday", offset=100)
    assert (found[0].start, found[0].end) == (107, 114)


def test_same_time_matches_a_date_without_year():
    [full] = extract_times("on October 7, 2023")
    [bare] = extract_times("on October 7")
    [other] = extract_times("on October 8")
    assert same_time(full, bare) is True
    assert same_time(full, other) is False


def test_different_kinds_are_not_comparable():
    [weekday] = extract_times("on Tuesday")
    [clock] = extract_times("at 5 p.m.")
    assert same_time(weekday, clock) is None


def test_numbers_that_are_not_times():
    assert extract_times("Israeli forces killed at least 95 Palestinians") == []


def test_when_a_source_spoke_is_no_time_of_the_event():
    # Two ECB+ reports of Turkmenistan's first two-party election (ecb-11_2ecbplus, ecb-11_3ecbplus):
    # the election's date against the day a news agency reported it was compare's "time conflict".
    import storydiff
    from storydiff.ingest import make_article

    scheduled = ("Parliamentary elections in Turkmenistan that are scheduled for December 15 of this year will "
                 "be held on a two-party basis, for the first time in the country's history, according to the "
                 "Central Elections Commission of Turkmenistan.")
    reported = ("For the first time in post-Soviet Turkmenistan's history, its parliamentary elections will have "
                "two parties, ITAR-TASS reported September 26, citing the country's Central Election and "
                "Referendum Commission.")
    report = storydiff.compare_articles([make_article(scheduled, "a.txt"), make_article(reported, "b.txt")])
    assert [v.reason for v in report.conflicts if v.conflict_kind == "time"] == []
    [mention] = [t for c in storydiff.nlp.claims.extract_claims(report.articles[1]) for t in c.times]
    assert (mention.text, mention.of_report) == ("September 26", True)
    # The date of the event itself still conflicts.
    held = reported.replace("ITAR-TASS reported September 26", "to be held on September 26, ITAR-TASS reported")
    report = storydiff.compare_articles([make_article(scheduled, "a.txt"), make_article(held, "c.txt")])
    assert [v.conflict_kind for v in report.conflicts] == ["time"]


@pytest.mark.parametrize(("left", "right"), [
    # ecb-21_8ecb, ecb-21_6ecb: the police named the victim a day after she was hit
    ("Police identified the victim on Thursday as LuAnn Marie Johnson of Burnsville.",
     "66-year-old Luann Johnson, of Burnsville, was hit while walking in the crosswalk around 7 p.m. "
     "Wednesday night."),
    # ecb-35_3ecb, ecb-35_1ecb: the arrest on Tuesday, the game on Sunday
    ("San Diego Chargers receiver Vincent Jackson was arrested on suspicion of drunk driving on Tuesday "
     "morning, five days before a key NFL playoff game.",
     "An arrest for suspicion of driving under the influence will not affect the playing status of San Diego "
     "Chargers wide receiver Vincent Jackson for Sunday's divisional playoff game at Pittsburgh."),
])
def test_the_days_of_two_happenings_do_not_conflict(left, right):
    import storydiff
    from storydiff.ingest import make_article

    report = storydiff.compare_articles([make_article(left, "a.txt"), make_article(right, "b.txt")])
    assert [v.reason for v in report.conflicts if v.conflict_kind == "time"] == []


def test_the_days_of_one_happening_still_conflict():
    import storydiff
    from storydiff.ingest import make_article

    # ecb-21_6ecb's sentence against the same with the day changed: one accident, two days
    left = ("66-year-old Luann Johnson, of Burnsville, was hit while walking in the crosswalk around 7 p.m. "
            "Wednesday night.")
    right = "Luann Johnson, 66, of Burnsville, was hit by a car while walking in a crosswalk on Tuesday night."
    report = storydiff.compare_articles([make_article(left, "a.txt"), make_article(right, "b.txt")])
    assert [v.conflict_kind for v in report.conflicts] == ["time"]


def test_a_day_that_modifies_a_noun_dates_that_noun_alone():
    import storydiff
    from storydiff.ingest import make_article

    # ecb-31_5ecbplus, ecb-31_4ecbplus: Creighton plays on Saturday the winner of Friday's semifinal
    left = "Creighton (25-7) will play the winner of Friday's second semifinal between Evansville and Indiana State."
    right = ("Creighton improved to 25-7 on the season and advances to play Saturday in a 1:35 pm semifinal against "
             "Indiana State.")
    report = storydiff.compare_articles([make_article(left, "a.txt"), make_article(right, "b.txt")])
    assert [v.reason for v in report.conflicts if v.conflict_kind == "time"] == []
