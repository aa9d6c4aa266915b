"""The nli pair judge, run on tiny BERT classifiers built here: no hub, no downloads."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from storydiff.backends.judges import get_pair_judge  # noqa: E402
from storydiff.backends.nli import FALLBACK_3_CLASS, NliJudge, map_labels  # noqa: E402
from storydiff.errors import ModelUnavailableError, SettingsError  # noqa: E402
from storydiff.settings import load_settings  # noqa: E402

WORDS = "the talks lasted an hour two hours in doha on tuesday fifty captives remain gaza , .".split()
ITEMS = [
    ("The talks lasted an hour.", "The talks lasted two hours."),
    ("Fifty captives remain in Gaza.", "Fifty captives remain."),
    ("The talks in Doha on Tuesday.", "The talks lasted an hour on Tuesday."),
]


def build_model(path, id2label, winner=None, max_positions=64, seed=0):
    """Save a 2-layer BERT classifier and its WordPiece tokenizer under `path`.

    With `winner`, the class of that id gets a large bias, so it wins every pair.
    """
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    vocab = {token: i for i, token in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS])}
    tokenizer = BertTokenizer(vocab=vocab)
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
        max_position_embeddings=max_positions, num_labels=len(id2label),
        id2label=id2label, label2id={v: k for k, v in id2label.items()},
    )
    torch.manual_seed(seed)
    model = BertForSequenceClassification(config)
    if winner is not None:
        with torch.no_grad():
            model.classifier.bias.zero_()
            model.classifier.bias[winner] = 50.0
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def settings_for(model: str, **judge):
    return load_settings().with_overrides({"judge": {"backend": "nli", "nli_model": model, **judge}})


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    return str(build_model(tmp_path_factory.mktemp("nli") / "tiny",
                           {0: "entailment", 1: "neutral", 2: "contradiction"}))


@pytest.fixture(scope="module")
def judge(model_path):
    return NliJudge.from_settings(settings_for(model_path))


def test_one_judgement_per_item_in_order(judge, model_path):
    judgements = judge.judge(ITEMS)
    assert len(judgements) == len(ITEMS)
    # each item alone gives the same answer as in the batch: order is kept
    for item, judgement in zip(ITEMS, judgements):
        alone = judge.judge([item])[0]
        assert alone.label == judgement.label
        for key in ("entailment", "neutral", "contradiction"):
            assert alone.probabilities[key] == pytest.approx(judgement.probabilities[key], abs=1e-5)
    assert judge.judge([]) == []
    assert judge.name == f"nli:{model_path}" and judge.premise_scope == "evidence"


def test_probabilities_sum_to_one_and_label_is_argmax(judge):
    for judgement in judge.judge(ITEMS):
        assert set(judgement.probabilities) == {"entailment", "neutral", "contradiction"}
        assert math.isclose(sum(judgement.probabilities.values()), 1.0, abs_tol=1e-5)
        assert judgement.label == max(judgement.probabilities, key=judgement.probabilities.get)


def test_batches_give_the_same_answers(model_path):
    one_by_one = NliJudge.from_settings(settings_for(model_path, nli_batch_size=1)).judge(ITEMS)
    together = NliJudge.from_settings(settings_for(model_path, nli_batch_size=16)).judge(ITEMS)
    for a, b in zip(one_by_one, together):
        assert a.probabilities["entailment"] == pytest.approx(b.probabilities["entailment"], abs=1e-5)


def test_registry_builds_the_nli_judge(model_path):
    judge = get_pair_judge(settings_for(model_path))
    assert isinstance(judge, NliJudge)
    assert [j.label for j in judge.judge(ITEMS[:1])] in (["entailment"], ["neutral"], ["contradiction"])


@pytest.mark.parametrize("id2label, winner, expected", [
    ({0: "CONTRADICTION", 1: "NEUTRAL", 2: "ENTAILMENT"}, 0, "contradiction"),  # roberta-large-mnli order
    ({0: "contradiction", 1: "entailment", 2: "neutral"}, 1, "entailment"),  # cross-encoder/nli-* order
    ({0: "Entailment", 1: "Not Entailment"}, 1, "contradiction"),  # binary, named
    ({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}, 2, FALLBACK_3_CLASS[2]),  # unnamed: MultiNLI order
])
def test_labels_follow_the_models_own_id2label(tmp_path, id2label, winner, expected):
    path = build_model(tmp_path / "m", id2label, winner=winner)
    judgement = NliJudge.from_settings(settings_for(str(path))).judge(ITEMS[:1])[0]
    assert judgement.label == expected
    assert judgement.probabilities[expected] > 0.99
    assert math.isclose(sum(judgement.probabilities.values()), 1.0, abs_tol=1e-5)
    if len(id2label) == 2:
        assert judgement.probabilities["neutral"] == 0.0 and "2-class" in judgement.reason


def test_nli_labels_setting_overrides_unnamed_labels(tmp_path):
    path = build_model(tmp_path / "m", {0: "LABEL_0", 1: "LABEL_1"}, winner=1)
    with pytest.raises(SettingsError, match="nli_labels"):  # binary and unnamed: ambiguous
        NliJudge.from_settings(settings_for(str(path)))
    judge = NliJudge.from_settings(settings_for(str(path), nli_labels=["contradiction", "entailment"]))
    assert judge.judge(ITEMS[:1])[0].label == "entailment"


def test_label_mapping_rules():
    assert map_labels({0: "SUPPORTED", 1: "REFUTED", 2: "NOT ENOUGH INFO"}) == ("entailment", "contradiction", "neutral")
    assert map_labels({"0": "unsupported", "1": "supported"}) == ("contradiction", "entailment")
    with pytest.raises(SettingsError, match="0=positive, 1=negative"):
        map_labels({0: "positive", 1: "negative", 2: "mixed"})
    with pytest.raises(ModelUnavailableError, match="5 output classes"):
        map_labels({i: f"LABEL_{i}" for i in range(5)})
    with pytest.raises(SettingsError, match="does not fit"):
        map_labels({0: "a", 1: "b", 2: "c"}, override=["entailment", "entailment", "neutral"])


def test_long_premise_is_truncated_not_fatal(judge, tmp_path):
    # the model has 64 positions and its tokenizer names no limit: the judge must cut to fit
    premise = " ".join(WORDS * 60)
    judgements = judge.judge([(premise, "The talks lasted two hours."), (premise, " ".join(WORDS * 10))])
    assert len(judgements) == 2 and judge.max_length == 64
    assert all(math.isclose(sum(j.probabilities.values()), 1.0, abs_tol=1e-5) for j in judgements)
    encoded = judge._encode([premise], ["The talks lasted two hours."])
    ids = encoded["input_ids"][0].tolist()
    assert len(ids) == 64
    # the claim survives whole after the premise's [SEP]
    claim = judge.tokenizer("The talks lasted two hours.", add_special_tokens=False)["input_ids"]
    assert ids[-len(claim) - 1:-1] == claim


def test_empty_model_setting_says_what_to_set():
    with pytest.raises(SettingsError) as err:
        get_pair_judge(settings_for(""))
    message = str(err.value)
    assert "nli_model" in message and "MoritzLaurer/DeBERTa-v3-base-mnli-fever-anli" in message
    assert "MiniCheck-Flan-T5-Large" in message and "not supported" in message


def test_missing_directory_is_named(tmp_path):
    missing = str(tmp_path / "no-such-model")
    with pytest.raises(ModelUnavailableError, match="no-such-model.*no such directory"):
        NliJudge.from_settings(settings_for(missing))


def test_directory_without_config_is_refused(tmp_path):
    with pytest.raises(ModelUnavailableError, match="config.json"):
        NliJudge.from_settings(settings_for(str(tmp_path)))


def test_uncached_hub_name_fails_fast_with_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-cache"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with pytest.raises(ModelUnavailableError) as err:
        NliJudge.from_settings(settings_for("storydiff-tests/no-such-nli-model"))
    message = str(err.value)
    assert "storydiff-tests/no-such-nli-model" in message and "hf download" in message
    assert "local directory" in message


def test_seq2seq_model_is_refused(tmp_path):
    from transformers import T5Config

    path = tmp_path / "t5"
    T5Config(d_model=16, d_kv=8, d_ff=32, num_layers=1, num_heads=2, vocab_size=32,
             architectures=["T5ForConditionalGeneration"]).save_pretrained(path)
    with pytest.raises(SettingsError, match="unsupported"):
        NliJudge.from_settings(settings_for(str(path)))


def test_cuda_without_gpu_is_refused(model_path):
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(ModelUnavailableError, match="no CUDA GPU"):
        NliJudge.from_settings(settings_for(model_path, device="cuda"))
