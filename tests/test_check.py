"""storydiff check: each derived claim supported, contradicted or not in source, and an overall verdict.

The source is examples/gaza-talks/aljazeera.txt (Al Jazeera, 8 July 2025); the
derived texts are its rewrite (rewrite.txt) and hand-edited copies of its own
sentences.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner

import storydiff
from storydiff.backends import judges
from storydiff.backends.embedder import get_embedder
from storydiff.backends.judges import PairJudgement
from storydiff.cli import main
from storydiff.consistency import analyse, check, check_analysed
from storydiff.ingest import make_article
from storydiff.judge_features import FEATURE_NAMES, load_judge_model
from storydiff.report.checkfmt import check_to_dict, render_check

from conftest import EXAMPLE

SOURCE = EXAMPLE / "aljazeera.txt"
# Three sentences of the source, copied word for word.
COPY = (
    "The unscheduled talks on Tuesday evening lasted just over an hour, with no media access, and came as "
    "Israeli forces killed at least 95 Palestinians in Gaza.\n"
    "The two men had also met for several hours during a dinner at the White House on Monday, during "
    "Netanyahu’s third visit to the US since the president began his second term on January 20.\n"
    "Israel’s war in Gaza has killed at least 57,575 Palestinians and wounded 136,879 others.\n"
)
# The same with one figure changed: 136,879 wounded becomes 163,879.
EDITED = COPY.replace("136,879", "163,879")


@pytest.fixture(scope="module")
def rewrite_check():
    return check(SOURCE, EXAMPLE / "rewrite.txt")


def _claim(report, words):
    found = [c for c in report.claims if words in c.claim.text]
    assert found, f"no derived claim contains {words!r}"
    return found[0]


def test_meeting_length_is_contradicted_with_the_source_sentence(rewrite_check):
    c = _claim(rewrite_check, "about two hours")
    assert c.label == "contradicted"
    assert "just over an hour" in c.evidence.sentence
    assert "just over an hour" in c.reason and "about two hours" in c.reason


def test_death_toll_with_a_compatible_hedge_is_supported(rewrite_check):
    c = _claim(rewrite_check, "over 57,500 deaths")
    assert c.label == "supported"
    assert "57,575" in c.evidence.sentence


def test_qatar_delegation_is_not_in_source(rewrite_check):
    c = _claim(rewrite_check, "delegation from Qatar")
    assert c.label == "not in source"
    assert "no sentence of the source" in c.reason


def test_rewrite_is_inconsistent_overall(rewrite_check):
    assert not rewrite_check.consistent and rewrite_check.verdict == "inconsistent"
    assert 0.0 <= rewrite_check.probability < rewrite_check.threshold
    assert rewrite_check.judge == "rules+logreg"
    assert rewrite_check.versions["judge_model"].startswith("storydiff.judge.logreg.")


def test_exact_copy_is_consistent_and_a_changed_figure_is_not():
    source = SOURCE.read_text(encoding="utf-8")
    same = check(source, COPY)  # raw strings, not paths
    assert same.consistent, same.reason
    assert {c.label for c in same.claims} == {"supported"}
    edited = check(source, EDITED)
    assert not edited.consistent, edited.reason
    assert edited.probability < same.probability
    changed = _claim(edited, "163,879")
    assert changed.label == "contradicted"
    assert "136,879" in changed.reason and "163,879" in changed.reason


# The source's first report sentence with one figure edited: “just over an hour” becomes “about three hours”.
LONGER = COPY.splitlines()[0].replace("just over an hour", "about three hours")


@pytest.mark.parametrize("name", ["aljazeera.txt", "rewrite.txt"])
def test_an_unchanged_copy_of_a_whole_article_is_consistent(name):
    # The model was trained on summaries of mostly one to three claims; a whole article (27 and 18 claims)
    # fed to it at once scored 16% and 24% likely consistent, "more claims" alone outweighing the rest.
    text = (EXAMPLE / name).read_text(encoding="utf-8")
    report = check(text, text)
    assert len(report.claims) > 6 and {c.label for c in report.claims} == {"supported"}
    assert report.consistent and report.probability >= report.threshold


def test_long_texts_are_judged_in_windows_no_longer_than_the_training_summaries():
    from storydiff.consistency import MODEL_WINDOW_CLAIMS, claim_windows

    assert claim_windows(0) == [[]] and claim_windows(MODEL_WINDOW_CLAIMS) == [list(range(MODEL_WINDOW_CLAIMS))]
    windows = claim_windows(27)
    assert [i for w in windows for i in w] == list(range(27))
    assert len(windows) == -(-27 // MODEL_WINDOW_CLAIMS) and max(map(len, windows)) <= MODEL_WINDOW_CLAIMS


def test_a_far_off_duration_makes_the_text_inconsistent_whatever_the_model_says():
    source = SOURCE.read_text(encoding="utf-8")
    edited = check(source, LONGER)
    c = _claim(edited, "about three hours")
    assert c.label == "contradicted" and c.verdict.conflict_kind == "duration" and c.verdict.severity == 1.0
    assert not edited.consistent and edited.verdict == "inconsistent"
    assert edited.reason.startswith("inconsistent: the derived text's duration contradicts the source (")
    assert "“about three hours” where the source says “just over an hour”" in edited.reason
    # Models before f6e6ad16 called this text consistent on their own (P 0.48 against af4e6fd2's threshold
    # 0.39; docs/evaluation.md, failure kind 2); f6e6ad16 gives 0.45 against 0.55. A model that calls
    # everything consistent is overruled the same way.
    settings = storydiff.load_settings()
    embedder = get_embedder(settings)
    src = analyse(make_article(source, "source"), embedder)
    lenient = replace(load_judge_model(), threshold=0.0)
    overruled = check_analysed(src, analyse(make_article(LONGER, "edited"), embedder), settings, embedder=embedder,
                               model=lenient)
    assert not overruled.consistent and "overruled by the contradicted duration" in overruled.reason
    unedited = check_analysed(src, analyse(make_article(COPY.splitlines()[0], "copy"), embedder), settings,
                              embedder=embedder, model=lenient)
    assert unedited.consistent and "overruled" not in unedited.reason


@pytest.mark.parametrize(("derived", "what"), [
    (COPY.replace("on Tuesday evening", "on Wednesday evening"), "time"),
    (SOURCE.read_text(encoding="utf-8").splitlines()[8].replace("Steve Witkoff", "Marco Rubio"), "statement"),
])
def test_any_contradicted_claim_makes_the_text_inconsistent(derived, what):
    # Only a far-off figure or duration used to overrule the model, which calls the changed weekday 86%
    # likely consistent. Any conflict did as well or better on every training file (docs/evaluation.md).
    report = check(SOURCE.read_text(encoding="utf-8"), derived)
    assert report.by_label("contradicted") and not report.consistent
    assert report.reason.startswith(f"inconsistent: the derived text's {what} contradicts the source (")
    assert f"{report.probability:.0%} likely consistent" in report.reason
    overruled = report.probability >= report.threshold
    assert overruled == (what == "time")  # the name swap the model already calls inconsistent
    assert ("a contradicted claim decides; the model alone" in render_check(report, "markdown")) == overruled


def test_a_name_the_source_never_mentions_is_not_in_source_and_decides():
    # The source's sentence, with the speaker changed: every figure in it agrees, so the rules alone
    # called it supported (the audit).
    derived = ("Marco Rubio told reporters at a meeting of Trump's Cabinet that a 60-day ceasefire could be "
               "agreed this week, with ten live hostages released.")
    report = check(SOURCE.read_text(encoding="utf-8"), derived)
    [claim] = report.claims
    assert claim.label == "not in source" and claim.reason.startswith("names “Rubio”, which the source never")
    assert not report.consistent
    assert report.reason.startswith("inconsistent: the derived text names “Rubio”, which the source never mentions")
    faithful = check(SOURCE.read_text(encoding="utf-8"), derived.replace("Marco Rubio", "Witkoff"))
    assert faithful.consistent and [c.label for c in faithful.claims] == ["supported"]


# The source's sentence on the issues left (line 10 of aljazeera.txt), as a summary would put it, with or
# without a figure it never gives (an inserted detail, or a year changed).
ISSUES = "Witkoff said the issues keeping Israel and Hamas from agreeing had dropped to one from four."


@pytest.mark.parametrize("derived, figure", [
    (ISSUES.replace("had dropped", "had dropped in 21 days of talks"), "“21”"),
    (ISSUES.replace("Witkoff said", "Witkoff said in 2019"), "“2019”"),
    # the source names Monday and Tuesday; a lower-cased day (XSum writes so) is no capitalised new name
    (ISSUES.lower().replace("witkoff said", "witkoff said on friday"), "“friday”"),
])
def test_a_figure_the_source_never_gives_is_not_in_source_and_decides(derived, figure):
    report = check(SOURCE.read_text(encoding="utf-8"), derived)
    [claim] = report.claims
    # the figure rules may already call it reported only in the derived text ("in 21 days")
    assert claim.label == "not in source" and figure.strip("“”") in claim.reason
    assert not report.consistent
    assert report.reason.startswith(f"inconsistent: the derived text gives {figure}, which the source never gives")
    assert check(SOURCE.read_text(encoding="utf-8"), ISSUES).consistent


@pytest.mark.parametrize("derived", [
    # the source writes "Ten live hostages" and "a 60-day ceasefire": the same values in other forms
    "Witkoff said 10 live hostages would be released under a 60 day ceasefire.",
    # one digit is left to the model: "five" and "5" are too often the same
    ISSUES.replace("one from four", "one from 5"),
])
def test_a_figure_the_source_gives_in_another_form_is_no_new_figure(derived):
    from storydiff.consistency import claim_verdicts, specifics_not_in_source, judge_derived
    from storydiff.settings import load_settings

    settings = load_settings()
    embedder = get_embedder(settings)
    result = judge_derived(analyse(make_article(SOURCE.read_text(encoding="utf-8"), "s"), embedder),
                           analyse(make_article(derived, "d"), embedder), settings, embedder)
    assert specifics_not_in_source(result, claim_verdicts(result)) == {}


@pytest.mark.parametrize("country", ["U.S.", "American"])
def test_a_country_named_in_another_form_is_no_new_name(country):
    # The source's first sentence says "United States President Donald Trump" and later "the US"; the
    # rewrite's "U.S." or "American" names no one new (a dev error: "U.K. activists" for "British").
    source = SOURCE.read_text(encoding="utf-8")
    derived = (f"{country} President Donald Trump has met Israel’s Prime Minister Benjamin Netanyahu at the "
               "White House for a second time in 24 hours to discuss a possible ceasefire deal in Gaza.")
    report = check(source, derived)
    assert [c.label for c in report.claims] == ["supported"] and report.consistent
    swapped = check(source, derived.replace(country, "Egyptian"))
    assert not swapped.consistent and "“Egyptian”, which the source never mentions" in swapped.reason


def test_a_word_swapped_for_its_opposite_is_contradicted_whatever_the_model_says():
    # The source's sentence with "supported" made "opposed": every other word agrees, so the rules called it
    # the same statement and the model 78% likely consistent (check v6, judge rules v19).
    source = SOURCE.read_text(encoding="utf-8")
    sentence = next(line for line in source.splitlines() if line.startswith("For his part, Trump has strongly"))
    report = check(source, sentence.replace("supported", "opposed"))
    [claim] = report.claims
    assert claim.label == "contradicted" and claim.evidence.sentence == sentence
    assert "say opposite things" in claim.reason and "“supported”" in claim.reason and "“opposed”" in claim.reason
    assert not report.consistent and report.probability >= report.threshold
    assert report.reason.startswith("inconsistent: the derived text's statement contradicts the source (the "
                                    "statements match but say opposite things")
    assert check(source, sentence).consistent


# A summary sentence drawn from two source sentences ("… suggested a ceasefire deal in Gaza is close …" and "He
# said the issues keeping Israel and Hamas from agreeing had now dropped to one from four."), with "dropped to
# one" made "risen to four". It matches neither sentence well enough for the compare rule above.
SUMMARY = ("Trump's envoy Steve Witkoff said the issues keeping Israel and Hamas from a deal had dropped to one, "
           "and that a Gaza ceasefire was close.")


@pytest.mark.parametrize("edit, reason", [
    # an opposed word (check v9)
    ("risen to four", "says “risen” where the source says “dropped”, and the source never says “risen”"),
    # a denied word (check v10)
    ("not dropped", "denies “dropped”; the source says “dropped” and never denies it"),
])
def test_a_nearby_source_sentence_contradicts_the_claim(edit, reason):
    source = SOURCE.read_text(encoding="utf-8")
    report = check(source, SUMMARY.replace("dropped to one", edit))
    [claim] = report.claims
    assert claim.label == "contradicted" and claim.reason == reason
    assert claim.evidence.sentence.startswith("He said the issues keeping Israel and Hamas from agreeing had now "
                                              "dropped")
    start = claim.evidence.sentence_start
    assert [claim.evidence.sentence[h.start - start:h.end - start] for h in claim.evidence.highlights] == ["dropped"]
    # the model alone calls it consistent; the nearby sentence decides
    assert report.probability >= report.threshold and not report.consistent
    assert report.reason.startswith(f"inconsistent: the derived text's statement contradicts the source ({reason}")
    faithful = check(source, SUMMARY)
    assert [c.label for c in faithful.claims] == ["supported"] and faithful.consistent


def test_wordnet_antonyms_of_adjectives_count_as_opposed_words():
    # "the involuntary transfer" in the source's Sheline quotation; the closed list of nlp/opposites.py does
    # not pair "voluntary" with "involuntary" (compare's negated forms stop at adjective endings), WordNet does
    from storydiff.nlp.opposites import OPPOSITE, wordnet_opposites

    assert "involuntary" not in OPPOSITE.get("voluntary", frozenset())
    assert "involuntary" in wordnet_opposites()["voluntary"] and "long" in wordnet_opposites()["short"]
    derived = "Sheline said Washington had influence but Trump demurred over an involuntary transfer of Palestinians."
    assert check(SOURCE, derived).consistent
    report = check(SOURCE, derived.replace("an involuntary", "a voluntary"))
    [claim] = report.claims
    assert claim.reason == "says “voluntary” where the source says “involuntary”, and the source never says “voluntary”"
    assert report.probability >= report.threshold and not report.consistent


@pytest.mark.parametrize("derived, source_edit", [
    # says both words: the rise and the drop of different things
    (SUMMARY.replace("dropped to one", "dropped to one, though tensions have risen"), None),
    # "not easy" in the source is what "difficult" says, not its opposite
    ("Al Jazeera's Mike Hanna said it has been difficult to ascertain what was discussed.",
     ("it has been difficult to", "it has not been easy to")),
    # the source denies it too, elsewhere
    (SUMMARY.replace("had dropped to one", "had not dropped"),
     ("Israel’s war in Gaza has killed", "Support for the war has not dropped. Israel’s war in Gaza has killed")),
    # "the Middle East" is a name: its "East" is no opposite of "west"
    ("Before the talks, Steve Witkoff, flying in from the west, suggested a ceasefire deal in Gaza is close.", None),
    # "have" denies nothing of its own ("Washington has significant influence over the details", says the
    # source; whether it lacks the influence is the withheld word's business)
    ("Sheline said Washington does not have significant influence over the details.", None),
])
def test_no_nearby_contradiction_when_the_claim_says_both_or_the_source_negates_it(derived, source_edit):
    from storydiff.consistency import judge_derived, nearby_contradictions
    from storydiff.settings import load_settings

    settings = load_settings()
    embedder = get_embedder(settings)
    source = SOURCE.read_text(encoding="utf-8")
    if source_edit:
        assert source_edit[0] in source
        source = source.replace(*source_edit)
    result = judge_derived(analyse(make_article(source, "s"), embedder),
                           analyse(make_article(derived, "d"), embedder), settings, embedder)
    assert not any(nearby_contradictions(result, {}).values())


def test_a_changed_count_is_set_against_the_figure_that_counts_the_same_thing():
    # The source's quote gives "Ten live hostages will be released. Nine deceased will be released": the
    # derived "twelve live hostages" answers the ten, whose counted thing it names (the audit found "Nine").
    derived = ("Witkoff told reporters at a meeting of Trump's Cabinet that a 60-day ceasefire could be agreed "
               "this week, with twelve live hostages released.")
    report = check(SOURCE.read_text(encoding="utf-8"), derived)
    c = _claim(report, "twelve")
    assert c.label == "contradicted" and "“Ten”" in c.reason and "Nine" not in c.reason


def test_a_compatible_figure_the_source_does_not_establish_is_not_supported():
    raised = check(SOURCE.read_text(encoding="utf-8"), COPY.replace("at least 57,575", "at least 87,575"))
    c = _claim(raised, "87,575")
    assert c.label == "not in source"
    assert "does not establish" in c.reason and "at least 57,575" in c.reason


def test_articles_are_accepted_as_inputs():
    from storydiff.ingest import make_article

    report = storydiff.check(make_article(SOURCE.read_text(encoding="utf-8"), "aljazeera"),
                             make_article(COPY, "copy"))
    assert report.source.source == "aljazeera" and report.derived.source == "copy"
    assert len(report.claims) == 3


def test_json_and_markdown_renderings(rewrite_check):
    data = json.loads(render_check(rewrite_check, "json"))
    assert data == json.loads(json.dumps(check_to_dict(rewrite_check)))
    assert data["verdict"] == "inconsistent"
    labels = {c["label"] for c in data["claims"]}
    assert labels == {"supported", "contradicted", "not in source"}
    two_hours = next(c for c in data["claims"] if "about two hours" in c["text"])
    assert two_hours["conflict_kind"] == "duration" and two_hours["evidence"]["highlights"] == ["just over an hour"]
    md = render_check(rewrite_check, "markdown")
    assert md.startswith("# storydiff check") and "| ✗ |" in md
    assert md.index("contradicted |") < md.index("supported |")


def test_cli_check_exit_status_and_json(tmp_path):
    runner = CliRunner()
    copy = tmp_path / "copy.txt"
    copy.write_text(COPY, encoding="utf-8")
    ok = runner.invoke(main, ["check", str(SOURCE), str(copy), "--format", "json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["consistent"] is True
    bad = runner.invoke(main, ["check", str(SOURCE), str(EXAMPLE / "rewrite.txt"), "--no-color", "--width", "120"])
    assert bad.exit_code == 1
    assert "INCONSISTENT" in bad.stdout and "contradicted" in bad.stdout
    missing = runner.invoke(main, ["check", str(SOURCE), str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2 and "nope.txt" in missing.output


def test_check_help_names_the_labels():
    out = CliRunner().invoke(main, ["check", "--help"]).output
    for words in ("SOURCE", "DERIVED", "supported", "contradicted", "not in", "Exit status"):
        assert words in out


def test_shipped_model_matches_the_features():
    model = load_judge_model()
    assert set(model.feature_names) <= set(FEATURE_NAMES)
    trained_on = set(model.meta["files"])
    assert "summedits-other-train.jsonl" in trained_on
    assert not any("dev" in name for name in trained_on)  # summedits-news-dev is scored, never trained on
    # Every SummaC file trained on has its score from a model that never saw it (docs/evaluation.md).
    assert trained_on - {"summedits-other-train.jsonl"} == set(model.meta["leave_one_file_out"])
    assert 0.0 < model.threshold < 1.0


# ---------------------------------------------------------------- a pair judge (NLI / LLM) through the plugin path

class FakePairJudge:
    """Says "contradiction" for the two-hours claim, "neutral" for Qatar, else entailment."""

    name = "fake-nli"

    def __init__(self, scope):
        self.premise_scope = scope
        self.items = []

    def judge(self, items):
        self.items.extend(items)
        out = []
        for _premise, hypothesis in items:
            if "about two hours" in hypothesis:
                out.append(PairJudgement("contradiction", {"entailment": 0.05, "contradiction": 0.9, "neutral": 0.05}))
            elif "Qatar" in hypothesis:
                out.append(PairJudgement("neutral", {"entailment": 0.2, "contradiction": 0.1, "neutral": 0.7},
                                         reason="the source never mentions Qatar"))
            else:
                out.append(PairJudgement("entailment", {"entailment": 0.9, "contradiction": 0.05, "neutral": 0.05}))
        return out


@pytest.mark.parametrize("scope", ["evidence", "document"])
def test_pair_judge_decides_each_claim(monkeypatch, scope):
    fake = FakePairJudge(scope)
    monkeypatch.setitem(judges.PAIR_JUDGES, "nli", lambda settings: fake)
    settings = storydiff.load_settings().with_overrides({"judge": {"backend": "nli"}})
    report = check(SOURCE, EXAMPLE / "rewrite.txt", settings)
    assert report.judge == "fake-nli" and not report.consistent
    assert _claim(report, "about two hours").label == "contradicted"
    qatar = _claim(report, "delegation from Qatar")
    assert qatar.label == "not in source" and qatar.reason == "the source never mentions Qatar"
    assert _claim(report, "over 57,500 deaths").label == "supported"
    assert report.probability == pytest.approx(0.05)
    assert len(fake.items) == len(report.claims)
    premise = next(p for p, h in fake.items if "about two hours" in h)
    source_text = SOURCE.read_text(encoding="utf-8")
    if scope == "document":
        assert premise == report.source.text
    else:
        assert "just over an hour" in premise and len(premise) < len(source_text) / 4


class AllEntailed(FakePairJudge):
    """Entails every claim with one probability."""

    def __init__(self, probability):
        super().__init__("evidence")
        self.probability = probability

    def judge(self, items):
        return [PairJudgement("entailment", {"entailment": self.probability}) for _ in items]


def _nli_settings(monkeypatch, pair_judge):
    monkeypatch.setitem(judges.PAIR_JUDGES, "nli", lambda settings: pair_judge)
    return storydiff.load_settings().with_overrides({"judge": {"backend": "nli"}})


def test_pair_judge_all_entailed_is_consistent(monkeypatch):
    report = check(SOURCE, COPY, _nli_settings(monkeypatch, AllEntailed(0.8)))
    assert report.consistent and report.probability == pytest.approx(0.8)


def test_the_rules_still_decide_what_they_are_sure_of_under_a_pair_judge(monkeypatch):
    # A pair judge that entails everything: the rules' duration conflict and the name the source never
    # mentions still decide those two claims, as the default judge's overrides and compare's rules do
    settings = _nli_settings(monkeypatch, AllEntailed(0.9))
    report = check(SOURCE, EXAMPLE / "rewrite.txt", settings)
    hours = _claim(report, "about two hours")
    assert hours.label == "contradicted" and hours.reason.endswith("(the rules decide; fake-nli: entailment)")
    assert "just over an hour" in hours.evidence.sentence
    qatar = _claim(report, "delegation from Qatar")
    assert qatar.label == "not in source" and qatar.reason.startswith("names “Qatar”")
    assert _claim(report, "over 57,500 deaths").label == "supported"
    assert not report.consistent
    # a new name alone decides too, and the header says so rather than "90% likely consistent"
    rubio = check(SOURCE, "Marco Rubio told reporters at a meeting of Trump's Cabinet that a 60-day ceasefire "
                          "could be agreed this week, with ten live hostages released.", settings)
    assert [c.label for c in rubio.claims] == ["not in source"] and not rubio.consistent
    assert "a claim not in the source decides; the model alone: 90% likely consistent" in render_check(rubio, "markdown")


def test_check_reads_the_order_of_events_as_compare_does():
    # Sentences of ecb-18_9ecbplus (a real report, quoted in tests/test_order.py); the derived text turns
    # the order of the chase and the arrest round.
    source = ("Police officers chased Mr. LaCalamita for about 30 miles at speeds of up to 120 miles an hour on "
              "Interstate 75 before apprehending him near Bay City.")
    report = check(source, source.replace(" before ", " after "))
    [claim] = report.claims
    assert claim.label == "contradicted"
    assert claim.verdict is not None and "left_order" in claim.verdict.detail
    assert check(source, source).claims[0].label == "supported"


@pytest.mark.parametrize(("derived", "label"), [
    # a rewrite that gives only the converted amount says what the source says
    ("Robbers stole diamonds worth $108 million from Harry Winston in Paris, prosecutors said.", "supported"),
    # more than the amount is not established by it, though it overlaps the conversion's range
    ("Robbers stole diamonds worth at least $110 million from Harry Winston in Paris, prosecutors said.",
     "not in source"),
])
def test_a_converted_amount_in_the_source_establishes_that_amount(derived, label):
    # ecb-24_3ecb; the derived sentences are rewrites of it written for this test
    source = ("Armed robbers stole diamonds valued at 85 million euros ($108 million) from the Paris branch of "
              "jeweler Harry Winston, the city prosecutors' office said.")
    report = check(make_article(source, "source.txt"), make_article(derived, "derived.txt"))
    assert [c.label for c in report.claims] == [label]
