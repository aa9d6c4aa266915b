"""Five real reports of one event at a time (ECB+ dev, read from ../shared/data; skipped where absent):
the conflicts a reader must see among them are found, and the false ones that sports recaps invite
stay few. The article sets are draws of `scripts/multi_source_scan.py` (seeds 3 and 21), whose
conflict points were read by hand (docs/evaluation.md, Compare).
"""

from __future__ import annotations

import json

import pytest

from conftest import SHARED_DATA

import storydiff
from storydiff.ingest import make_article

ECB = SHARED_DATA / "stories" / "ecbplus-dev.jsonl"
pytestmark = pytest.mark.skipif(not ECB.exists(), reason=f"{ECB} is absent (evaluation data lives in ../shared/data)")


@pytest.fixture(scope="module")
def ecb_rows() -> dict[str, dict]:
    return {row["id"]: row for row in map(json.loads, ECB.open(encoding="utf-8"))}


def conflict_points(ecb_rows, ids: list[str]) -> list[list]:
    report = storydiff.compare_articles([make_article(ecb_rows[i]["text"], i) for i in ids])
    return [point for point in report.points if point[0].label == "conflict"]


def figures_of(point) -> set[float]:
    return {v.detail[side]["value"] for v in point for side in ("left", "right")
            if isinstance(v.detail.get(side), dict) and "value" in v.detail[side]}


@pytest.mark.parametrize(("ids", "values"), [
    # one quake: five, two and three people injured, in one point across the sources
    (["ecb-20_5ecb", "ecb-20_1ecb", "ecb-20_2ecb", "ecb-20_3ecb", "ecb-20_4ecb"], {2, 3, 5}),
    # one seizure: 12 magazines against 31, about 300 rounds against 923
    (["ecb-12_9ecbplus", "ecb-12_2ecbplus", "ecb-12_3ecbplus", "ecb-12_7ecbplus", "ecb-12_10ecbplus"], {12, 31}),
    (["ecb-12_9ecbplus", "ecb-12_2ecbplus", "ecb-12_3ecbplus", "ecb-12_7ecbplus", "ecb-12_10ecbplus"], {300, 923}),
    # a 60-year-old against a 61-year-old
    (["ecb-22_4ecb", "ecb-22_7ecb", "ecb-22_3ecb", "ecb-22_5ecb", "ecb-22_8ecb"], {60, 61}),
    # the killer 27 years old in two reports, 29 in another
    (["ecb-16_1ecbplus", "ecb-16_6ecbplus", "ecb-16_10ecbplus", "ecb-16_8ecbplus", "ecb-16_7ecbplus"], {27, 29}),
])
def test_real_conflicts_among_five_reports_are_found(ecb_rows, ids, values):
    assert any(values <= figures_of(point) for point in conflict_points(ecb_rows, ids))


# Conflict points at most, read by hand as all false (statistics of other players, games and seasons).
# Lower a ceiling when a change removes more; raise one only with the new points read and the reason given.
@pytest.mark.parametrize(("ids", "ceiling"), [
    (["ecb-29_2ecbplus", "ecb-29_4ecbplus", "ecb-29_5ecbplus", "ecb-29_3ecbplus", "ecb-29_13ecbplus"], 7),
    (["ecb-5_6ecb", "ecb-5_12ecb", "ecb-5_7ecb", "ecb-5_3ecb", "ecb-5_10ecb"], 6),
])
def test_false_conflicts_of_a_sports_recap_stay_few(ecb_rows, ids, ceiling):
    assert len(conflict_points(ecb_rows, ids)) <= ceiling


def test_a_figure_only_one_report_gives_is_listed_once(ecb_rows):
    # five reports of one heist: "85 million euros" was listed three times under "Only in", once per
    # pair that lacks it; "an estimated $102 million", which another report's figure conflicts with,
    # was listed under "Only in" as well as in the conflict
    ids = ["ecb-24_12ecb", "ecb-24_5ecb", "ecb-24_10ecb", "ecb-24_8ecb", "ecb-24_3ecb"]
    report = storydiff.compare_articles([make_article(ecb_rows[i]["text"], i) for i in ids])
    figures = [v.detail["figure"]["text"] for v in report.unique if "figure" in v.detail]
    assert figures.count("85 million euros") == 1
    assert "an estimated $102 million" not in figures
    assert any("an estimated $102 million" in v.reason for v in report.conflicts)
