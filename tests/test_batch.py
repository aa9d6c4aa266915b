"""storydiff batch / load: the same stages in-process and on Ray give the same stories and verdicts.

The input is 30 real articles of ECB+ (../shared/data/stories/ecbplus-dev.jsonl,
three from each of ten event clusters), half of them given publication dates
so that both time blocks and arrival blocks are stitched, plus an exact
duplicate and an empty record. Small blocks force several boundaries.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from storydiff.batch import BatchError, BlockParams, load_batch, read_table, run_batch
from storydiff.batch import clustering

from conftest import SHARED_DATA

ECB = SHARED_DATA / "stories" / "ecbplus-dev.jsonl"
PARAMS = BlockParams(block_days=7, margin_days=2, undated_block=5, undated_margin=3)


@pytest.fixture(scope="module")
def batch_input(tmp_path_factory):
    if not ECB.exists():
        pytest.skip(f"{ECB} is not here (the shared ECB+ data); the batch tests need real articles")
    by_story: dict[str, list[dict]] = {}
    for line in ECB.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        by_story.setdefault(row["story"], []).append(row)
    records = []
    for k, rows in enumerate(list(by_story.values())[:10]):
        for j, row in enumerate(rows[:3]):
            record = {"text": row["text"], "outlet": row["outlet"], "url": row["url"]}
            if k % 2 == 0:
                record["published"] = (datetime.date(2013, 1, 1) + datetime.timedelta(days=3 * k + j)).isoformat()
            records.append(record)
    records.insert(5, dict(records[0]))  # the same text again
    records.insert(9, {"text": "   "})  # nothing to read
    path = tmp_path_factory.mktemp("batch-in") / "news.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def local_output(batch_input, tmp_path_factory):
    """The local run, and how many times each article's claims were extracted in it."""
    from storydiff.nlp import claims as claims_stage

    extracted: Counter = Counter()
    iter_claims = claims_stage.iter_claims  # what every claim extraction goes through

    def counting(articles, *args, **kwargs):
        extracted.update(a.id for a in articles)
        return iter_claims(articles, *args, **kwargs)

    out = str(tmp_path_factory.mktemp("batch-local") / "out")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(claims_stage, "iter_claims", counting)
        summary = run_batch(batch_input, out, engine="local", params=PARAMS)
    return out, summary, extracted


@pytest.fixture(scope="module")
def ray_session():
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'storydiff[ray]'); "
                                            "the Ray engine is not tested")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Missing values as None whichever writer (pandas or Ray) stored them."""
    return df.astype(object).where(df.notna(), None)


def _result(out: str) -> dict:
    articles = read_table(out, "articles").sort_values("seq").reset_index(drop=True)
    stories = read_table(out, "stories").sort_values("story_id").reset_index(drop=True)
    verdicts = read_table(out, "verdicts").sort_values(["story_id", "index"]).reset_index(drop=True)
    return {"articles": articles[["id", "seq", "block", "story_local", "story_id", "vector", "entities",
                                  "figures"]],
            "stories": stories[["story_id", "size", "article_ids", "report"]],
            "verdicts": verdicts, "claims": read_table(out, "claims").sort_values("id").reset_index(drop=True),
            "skipped": read_table(out, "skipped").sort_values("seq").reset_index(drop=True)}


def test_local_run_writes_every_dataset(local_output):
    out, summary, _ = local_output
    result = _result(out)
    assert summary.counts["records"] == 32 and summary.counts["articles"] == 30
    assert len(result["articles"]) == 30 and result["articles"]["id"].is_unique
    # every dropped record says why
    reasons = list(result["skipped"]["reason"])
    assert len(reasons) == 2 and any("the same text as line 1 of" in r for r in reasons)
    assert all(r for r in reasons)
    # the stitching really ran: several blocks of both kinds, and at least one join across a boundary
    blocks = set(result["articles"]["block"])
    assert {b[0] for b in blocks} == {"0", "1"} and len(blocks) > 4
    assert summary.counts["boundary_joins"] >= 1
    assert (result["articles"]["story_id"] != result["articles"]["story_local"]).any()
    # each article in exactly one story; stories hold their reports and verdicts
    members = [a for ids in result["stories"]["article_ids"] for a in json.loads(ids)]
    assert sorted(members) == sorted(result["articles"]["id"])
    assert set(result["verdicts"]["story_id"]) <= set(result["stories"]["story_id"])
    assert len(result["verdicts"]) == summary.counts["verdicts"] > 0
    assert set(result["claims"]["article_id"]) <= set(result["articles"]["id"])


def test_claims_are_extracted_once_and_are_those_of_the_pipeline(local_output):
    # The comparison's own claims are the claims dataset: each article's claims are extracted once,
    # yet the dataset holds what `extract_claims` gives each article, in arrival order, and each
    # story's report is what `compare_articles` gives its articles by themselves.
    from storydiff.batch.stages import article_of, claim_rows
    from storydiff.nlp.claims import extract_claims
    from storydiff.pipeline import compare_articles
    from storydiff.report import to_dict
    from storydiff.settings import load_settings

    out, _, extracted = local_output
    articles = read_table(out, "articles").sort_values("seq")
    twice = [a for a, n in extracted.items() if n > 1]
    assert not twice, f"the claims of {len(twice)} articles were extracted more than once"
    assert set(extracted) == set(articles["id"])
    by_id = {r.id: article_of(r) for r in articles.itertuples(index=False)}
    expected = pd.DataFrame(claim_rows(c for a in by_id.values() for c in extract_claims(a)))
    pd.testing.assert_frame_equal(read_table(out, "claims"), expected, check_dtype=False)
    stories = read_table(out, "stories")
    assert {1, 3} <= set(stories["size"])  # single articles (claims only) and compared stories
    for s in stories.itertuples(index=False):
        report = compare_articles([by_id[i] for i in json.loads(s.article_ids)], load_settings())
        assert json.loads(s.report) == json.loads(json.dumps(to_dict(report))), s.story_id


def test_ray_engine_gives_identical_stories_and_verdicts(batch_input, local_output, ray_session, tmp_path):
    out = str(tmp_path / "out")
    summary = run_batch(batch_input, out, engine="ray", params=PARAMS, workers=2)
    local, remote = _result(local_output[0]), _result(out)
    for name in ("articles", "stories", "verdicts", "claims", "skipped"):
        pd.testing.assert_frame_equal(_plain(local[name]), _plain(remote[name][list(local[name].columns)]),
                                      check_dtype=False, obj=name)
    assert {k: v for k, v in summary.counts.items()} == local_output[1].counts


def test_load_brings_stories_and_comparisons_into_the_corpus(local_output, tmp_path):
    from storydiff.corpus import Corpus

    out, _, _ = local_output
    stories = read_table(out, "stories")
    expected = sorted(sorted(json.loads(ids)) for ids in stories["article_ids"])
    with Corpus(tmp_path / "news.db") as corpus:
        first = load_batch(out, corpus)
        assert (first.articles, first.new_articles, first.stories) == (30, 30, len(stories))
        assert sorted(sorted(s.article_ids) for s in corpus.stories()) == expected
        again = load_batch(out, corpus)  # idempotent
        assert again.new_articles == 0
        assert sorted(sorted(s.article_ids) for s in corpus.stories()) == expected
        assert corpus.store.article_count() == 30
        assert all(corpus.is_cached(s.id) for s in corpus.stories())  # `show` reuses the batch's reports
        biggest = corpus.stories()[0]
        stored = json.loads(stories.set_index("story_id").loc[biggest.id, "report"])
        assert len(corpus.compare_story(biggest.id).verdicts) == len(stored["verdicts"])


def test_load_command(local_output, tmp_path):
    from click.testing import CliRunner

    from storydiff.cli import main

    result = CliRunner().invoke(main, ["load", local_output[0], "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 0, result.output
    assert "loaded 30 articles (30 new)" in result.output


def test_load_refuses_a_broken_output_by_name_and_creates_no_corpus(local_output, tmp_path):
    import shutil

    from click.testing import CliRunner

    from storydiff.cli import main

    broken = tmp_path / "out"
    shutil.copytree(local_output[0], broken)
    runner = CliRunner()
    missing = runner.invoke(main, ["load", str(tmp_path / "nowhere"), "--db", str(tmp_path / "a.db")])
    assert missing.exit_code == 1 and "does not exist" in missing.output and not (tmp_path / "a.db").exists()
    (broken / "manifest.json").write_text("{not json", encoding="utf-8")
    bad_manifest = runner.invoke(main, ["load", str(broken), "--db", str(tmp_path / "b.db")])
    assert bad_manifest.exit_code == 1 and "manifest.json is not valid JSON" in bad_manifest.output
    assert not (tmp_path / "b.db").exists() and "Traceback" not in bad_manifest.output
    shutil.copy(Path(local_output[0]) / "manifest.json", broken / "manifest.json")
    part = next((broken / "articles").rglob("*.parquet"))
    part.write_bytes(b"not parquet at all")
    bad_part = runner.invoke(main, ["load", str(broken), "--db", str(tmp_path / "c.db")])
    assert bad_part.exit_code == 1 and "is not a readable Parquet file" in bad_part.output


# --------------------------------------------------------------------------- the pure parts, no models

def _row(seq, vector, published=None, block="0:+00000000001", entities=("acme",)):
    v = np.asarray(vector, dtype=np.float32)
    v /= np.linalg.norm(v)
    return {"id": f"a{seq}", "seq": seq, "file_index": 0, "line": seq, "vector": v.astype("<f4").tobytes(),
            "entities": json.dumps(sorted(entities)), "figures": "[]", "published_utc": published, "block": block}


def test_stitching_joins_a_story_across_a_time_boundary_and_only_that():
    params = BlockParams(block_days=1, margin_days=0.5)
    day = lambda d: (datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)  # noqa: E731
                     + datetime.timedelta(days=d)).isoformat()
    rows = [_row(1, [1, 0, 0, 0], day(10.8)), _row(2, [1, 0.05, 0, 0], day(10.9)),   # story A, late in block 10
            _row(3, [1, 0.02, 0, 0], day(11.1)),                                      # A again, just after
            _row(4, [0, 0, 1, 0], day(11.2), entities=("other",)),                    # an unrelated story
            _row(5, [0, 1, 0, 0], day(10.1), entities=("third",))]                    # early in block 10
    df = clustering.assign_block(pd.DataFrame(rows).drop(columns="block"), params)
    clustered = pd.concat([clustering.cluster_block(g, None) for _, g in df.groupby("block")])
    previous = clustering.previous_blocks(clustered["block"], params)
    near = clustering.boundary_rows(clustered, previous, params)
    assert set(near[near.side == "left"]["id"]) == {"a1", "a2"}  # story of a5 ended long before the boundary
    assert set(near[near.side == "right"]["id"]) == {"a3", "a4"}
    edges = pd.concat([clustering.stitch_boundary(g, None) for _, g in near.groupby("boundary")])
    final = clustering.apply_merges(clustered, clustering.resolve_merges(edges)).set_index("id")["story_id"]
    assert final["a3"] == final["a1"] == "s-a1"
    assert final["a4"] != final["a1"] and final["a5"] != final["a1"]


def test_stitching_never_refines_the_stories_it_asks(monkeypatch):
    # 70 later articles, more than `refine_every` (64): the clusterer that stitches a boundary only asks
    # where each would join, so a split there could only lose a link.
    from storydiff.stories import StoryClusterer

    def refuse(self):
        raise AssertionError("stitching must not refine")

    monkeypatch.setattr(StoryClusterer, "refine", refuse)
    left = [dict(_row(i, [1, 0.01 * i, 0, 0]), side="left", story_local="s-a1", story_first_seq=1, boundary="b")
            for i in range(1, 6)]
    right = [dict(_row(i, [1, 0.001 * i, 0, 0]), side="right", story_local=f"s-a{i}", story_first_seq=i, boundary="b")
             for i in range(6, 76)]
    edges = clustering.stitch_boundary(pd.DataFrame(left + right), None)
    assert len(edges) == 70 and set(edges["story_a"]) == {"s-a1"}

def test_merges_do_not_depend_on_edge_order():
    edges = pd.DataFrame([("s-b", 20, "s-c", 30), ("s-a", 10, "s-b", 20), ("s-d", 40, "s-e", 50)],
                         columns=clustering.EDGE_COLUMNS)
    forward = clustering.resolve_merges(edges)
    backward = clustering.resolve_merges(edges.iloc[::-1])
    assert forward == backward == {"s-b": "s-a", "s-c": "s-a", "s-e": "s-d"}


def test_previous_blocks_skip_gaps_and_chain_arrival_blocks():
    blocks = ["0:+00000000003", "0:+00000000004", "0:+00000000006", "1:00000000:00000000", "1:00000001:00000000"]
    assert clustering.previous_blocks(blocks, PARAMS) == {
        "0:+00000000004": "0:+00000000003", "1:00000001:00000000": "1:00000000:00000000"}


def test_bad_settings_and_engines_say_what_to_do(tmp_path, monkeypatch):
    with pytest.raises(Exception, match="margin_days must be between 0 and block_days"):
        BlockParams(block_days=1, margin_days=2)
    (tmp_path / "in.jsonl").write_text('{"text": "x"}\n')
    with pytest.raises(BatchError, match="unknown engine 'spark'; valid: local, ray"):
        run_batch(str(tmp_path / "in.jsonl"), str(tmp_path / "o"), engine="spark")
    with pytest.raises(BatchError, match="no such file or folder"):
        run_batch(str(tmp_path / "missing.jsonl"), str(tmp_path / "o"))
    import builtins

    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray" or name.startswith("ray."):
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(BatchError, match=r"pip install 'storydiff\[ray\]'"):
        run_batch(str(tmp_path / "in.jsonl"), str(tmp_path / "o"), engine="ray")


class _Cluster:
    """Enough of the `ray` module for `_gpus_per_actor`: a cluster's resources."""

    def __init__(self, gpus: float):
        self.gpus = gpus

    def cluster_resources(self) -> dict:
        return {"CPU": 16.0, "GPU": self.gpus}


@pytest.mark.parametrize(("backend", "device", "gpus", "expected"), [
    ("minilm", "cuda", 1, 1.0),  # the packaged MiniLM goes to torch on a GPU
    ("minilm", "auto", 1, 0.0),  # ... but stays on ONNX Runtime's CPU with "auto"
    ("minilm-torch", "auto", 1, 1.0),
    ("sentence-transformers", "cuda", 1, 1.0),
    ("minilm-int8", "cuda", 1, 0.0),  # CPU only
    ("minilm-torch", "cpu", 1, 0.0),
    ("minilm-torch", "cuda", 0, 0.0),  # no GPU in the cluster
])
def test_model_actors_ask_for_a_gpu_only_where_their_embedder_would_use_one(backend, device, gpus, expected):
    from storydiff.batch.ray_engine import _gpus_per_actor
    from storydiff.settings import load_settings

    settings = load_settings().with_overrides({"embedder": {"device": device}})
    assert _gpus_per_actor(_Cluster(gpus), settings, None, backend) == expected
    assert _gpus_per_actor(_Cluster(gpus), settings, 0.25, backend) == 0.25  # an explicit share always wins
