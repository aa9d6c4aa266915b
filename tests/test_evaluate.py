"""storydiff eval consistency (and eval stories' file reading): labelled files, metrics, the command and its --out file."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from storydiff.cli import main
from storydiff.evaluate import EvalFileError, Metrics, read_examples, reliability

from conftest import EXAMPLE, SHARED_DATA

SOURCE_SENTENCES = (EXAMPLE / "aljazeera.txt").read_text(encoding="utf-8").splitlines()[1:9]
SOURCE = "\n".join(SOURCE_SENTENCES)
COPY = SOURCE_SENTENCES[1]  # "The unscheduled talks on Tuesday evening lasted just over an hour, ..."
# Written with digits ("about 3 hours"): a number not in the source. The number-word edit ("about three
# hours") is caught by the far-off duration rule instead (tests/test_check.py).
CHANGED = COPY.replace("just over an hour", "about 3 hours")
ADDED = "An earlier meeting involving a delegation from Qatar took place before the talks, with Qatari officials."


def test_metrics_on_a_hand_computed_confusion_matrix():
    gold = [True, True, True, False, False, False, False, False]
    pred = [True, True, False, False, False, False, True, False]
    m = Metrics.from_labels(gold, pred)
    assert (m.tp, m.fn, m.fp, m.tn) == (2, 1, 1, 4)
    assert m.recall_consistent == pytest.approx(2 / 3)
    assert m.recall_inconsistent == pytest.approx(4 / 5)
    assert m.precision_consistent == pytest.approx(2 / 3)
    assert m.precision_inconsistent == pytest.approx(4 / 5)
    assert m.balanced_accuracy == pytest.approx((2 / 3 + 4 / 5) / 2)
    assert m.accuracy == pytest.approx(6 / 8)
    assert m.to_dict()["confusion"] == {"tp": 2, "fn": 1, "fp": 1, "tn": 4}


def test_metrics_with_an_empty_class_do_not_divide_by_zero():
    m = Metrics.from_labels([False, False], [False, True])
    assert m.recall_consistent == 0.0 and m.precision_consistent == 0.0
    assert m.balanced_accuracy == pytest.approx(0.25)


def test_reliability_table_and_ece():
    gold = [True, False, True, True]
    probs = [0.05, 0.05, 0.95, 0.85]
    ece, table = reliability(gold, probs, bins=10)
    assert len(table) == 10 and sum(r["count"] for r in table) == 4
    assert table[0] == {"low": 0.0, "high": 0.1, "count": 2, "mean_probability": 0.05, "observed": 0.5}
    assert table[8]["count"] == 1 and table[9]["count"] == 1
    # bin 0: |0.05 - 0.5| * 2/4; bin 8: |0.85 - 1| * 1/4; bin 9: |0.95 - 1| * 1/4
    assert ece == pytest.approx(0.45 * 0.5 + 0.15 * 0.25 + 0.05 * 0.25)


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture()
def small_file(tmp_path):
    return _write(tmp_path / "small.jsonl", [
        {"id": "copy", "source": SOURCE, "derived": COPY, "consistent": True, "edit_types": []},
        {"id": "changed", "source": SOURCE, "derived": CHANGED, "consistent": False, "edit_types": ["number"]},
        {"id": "added", "source": SOURCE, "derived": ADDED, "consistent": False},
    ])


def test_eval_consistency_prints_metrics_and_writes_predictions(small_file, tmp_path):
    out = tmp_path / "results.jsonl"
    result = CliRunner().invoke(main, ["eval", "consistency", str(small_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "balanced accuracy 1.000" in result.stdout
    assert "consistent" in result.stdout and "confusion" in result.stdout
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["copy", "changed", "added"]
    assert [r["predicted"] for r in rows] == [True, False, False]
    assert all(r["correct"] and r["file"] == str(small_file) for r in rows)
    assert rows[0]["probability"] > rows[1]["probability"] and rows[0]["probability"] > rows[2]["probability"]
    assert rows[1]["edit_types"] == ["number"]
    changed = rows[1]["claims"][0]
    assert changed["label"] == "contradicted" and "about 3 hours" in changed["reason"]
    assert "just over an hour" in changed["evidence"]
    assert rows[2]["claims"][0]["label"] == "not in source"


def test_an_unreadable_cached_analysis_is_made_again(tmp_path):
    # A cache written before a module moved (or cut short) must not stop an evaluation.
    from storydiff.backends.embedder import get_embedder
    from storydiff.evaluate import AnalysisCache
    from storydiff.settings import load_settings

    settings = load_settings()
    cache = AnalysisCache(settings, get_embedder(settings), tmp_path / "cache")
    first = cache.get(COPY, "derived")
    (stale,) = cache.directory.glob("*.pkl")
    stale.write_bytes(b"not a pickle")
    again = cache.get(COPY, "derived")
    assert [c.text for c in again.claims] == [c.text for c in first.claims]
    assert AnalysisCache(settings, cache.embedder, tmp_path / "cache").get(COPY, "derived").claims == again.claims


def test_another_cache_is_read_but_never_written(tmp_path):
    from storydiff.backends.embedder import get_embedder
    from storydiff.evaluate import AnalysisCache
    from storydiff.settings import load_settings

    settings = load_settings()
    other = AnalysisCache(settings, get_embedder(settings), tmp_path / "other")
    made = other.get(COPY, "derived")
    (pickled,) = other.directory.glob("*.pkl")
    reader = AnalysisCache(settings, other.embedder, tmp_path / "own", also_read=(tmp_path / "other",))
    assert reader.get(COPY, "derived").claims == made.claims
    assert not list(reader.directory.glob("*.pkl"))  # found in the other cache: nothing new to write
    reader.get(COPY + " Another sentence was added.", "derived")
    assert len(list(reader.directory.glob("*.pkl"))) == 1 and list(other.directory.glob("*.pkl")) == [pickled]


def test_limit_scores_only_the_first_rows(small_file, tmp_path):
    out = tmp_path / "not-yet" / "two.jsonl"  # the folder is made
    result = CliRunner().invoke(main, ["eval", "consistency", str(small_file), "--limit", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "n=1" in result.stdout
    assert len(out.read_text().splitlines()) == 1


def test_missing_file_is_named(tmp_path):
    missing = tmp_path / "nope.jsonl"
    result = CliRunner().invoke(main, ["eval", "consistency", str(missing)])
    assert result.exit_code == 1
    assert "nope.jsonl" in result.output and "no such file" in result.output


@pytest.mark.parametrize("line, words", [
    ("{not json", "not valid JSON"),
    ('{"source": "a", "derived": "b"}', "missing field(s) consistent"),
    ('{"source": "a", "derived": "b", "consistent": "yes"}', "consistent true/false"),
    ("[1, 2]", "expected a JSON object"),
])
def test_malformed_rows_name_the_file_and_line(tmp_path, line, words):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"source": "a", "derived": "b", "consistent": true}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(EvalFileError) as err:
        read_examples(bad)
    assert str(bad) in str(err.value) and "line 2" in str(err.value) and words in str(err.value)
    result = CliRunner().invoke(main, ["eval", "consistency", str(bad)])
    assert result.exit_code == 1 and "bad.jsonl" in result.output


def test_a_bad_second_file_stops_before_any_scoring(small_file, tmp_path):
    empty = _write(tmp_path / "empty.jsonl", [])
    result = CliRunner().invoke(main, ["eval", "consistency", str(small_file), str(empty)])
    assert result.exit_code == 1 and "empty.jsonl: no rows" in result.output
    assert "balanced accuracy" not in result.stdout


DEV = SHARED_DATA / "consistency" / "summedits-news-dev.jsonl"


@pytest.mark.skipif(not DEV.exists(), reason=f"{DEV} is absent (evaluation data lives in ../shared/data)")
def test_quality_floor_on_summedits_news_dev(tmp_path):
    """The gate: the shipped judge must not fall below the documented score (docs/evaluation.md)."""
    from storydiff.backends.embedder import get_embedder
    from storydiff.evaluate import AnalysisCache, predict
    from storydiff.settings import load_settings

    settings = load_settings()
    examples = read_examples(DEV)
    predictions = list(predict(examples, AnalysisCache(settings, get_embedder(settings))))
    m = Metrics.from_labels([p.example.consistent for p in predictions], [p.consistent for p in predictions])
    assert m.n == 133
    assert m.balanced_accuracy >= FLOOR_SUMMEDITS_NEWS


# A regression gate for the shipped model: documented 0.755 (e2fd2ddb with check v9-v11, docs/evaluation.md;
# 0.748 with check v8;
# 0.686 for f6e6ad16, gate 0.68).
# It moves only with a model that `make train-judge` wrote or a rule chosen on the training side, never on
# this file; raise it, never lower it silently (0.64 until the ninth session's retrain, then 0.62).
FLOOR_SUMMEDITS_NEWS = 0.75


def test_the_cache_key_follows_what_the_code_does_not_its_comments(tmp_path):
    # A stage changed without a new version must not read analyses the old code made (a reverted trial's
    # "claims v25" cache once gave a wrong dev score under the real claims v25).
    from storydiff.evaluate import code_digest

    (tmp_path / "nlp").mkdir()
    module = tmp_path / "nlp" / "stage.py"
    module.write_text('"""What it does."""\n\ndef read(x):\n    """Doc."""\n    return x + 1  # why\n')
    before = code_digest("nlp", root=tmp_path)
    module.write_text('"""What it does, better said."""\n\ndef read(x):\n    """Other doc."""\n    # a new comment\n'
                      '    return x + 1  # why, again\n')
    assert code_digest("nlp", root=tmp_path) == before
    module.write_text('"""What it does."""\n\ndef read(x):\n    """Doc."""\n    return x + 2  # why\n')
    assert code_digest("nlp", root=tmp_path) != before
    assert len(code_digest("nlp", "pipeline.py")) == 8  # the package's own code reads
