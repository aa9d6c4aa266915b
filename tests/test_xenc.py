"""The cross-encoder's input building, pooling and adapters (backends/xenc.py, scripts/train_xenc.py).

The model itself is not shipped (docs/evaluation.md); these tests keep the
training code honest for the next attempt. The adapter test builds its own
tiny BERT, as DEVELOPERS.md asks for model code.
"""

from __future__ import annotations

import numpy as np
import pytest

from storydiff.backends import xenc
from storydiff.backends.embedder import packaged_minilm_path

from conftest import EXAMPLE


@pytest.fixture(scope="module")
def tokenizer():
    return xenc.load_tokenizer(packaged_minilm_path())


@pytest.mark.parametrize("text, expected", [
    # SummEdits-style and SummaC-style (lower-cased) summaries
    ("U.K. activists dumped paint in front of the embassy. Police arrested two of them.", 2),
    ("the u.s. army said 12 people died . mr. smith was there .", 2),
    ("Mr. Netanyahu met Donald J. Trump at 6 p.m. on Tuesday.", 1),
    ("“We are hopeful,” Witkoff said. Ten live hostages will be released!", 2),
    ("No full stop at the end", 1),
])
def test_split_sentences_keeps_abbreviations_whole(text, expected):
    sentences = xenc.split_sentences(text)
    assert len(sentences) == expected
    assert " ".join(sentences).replace(" ", "") == text.replace(" ", "")


def test_long_source_becomes_overlapping_windows_that_fit(tokenizer):
    source = (EXAMPLE / "aljazeera.txt").read_text(encoding="utf-8")
    derived = "Trump met Netanyahu at the White House. The talks lasted just over an hour."
    encoded = xenc.encode(tokenizer, [(derived, source)])
    source_tokens = len(tokenizer.encode(source, add_special_tokens=False).ids)
    assert source_tokens > xenc.MAX_TOKENS  # the example needs windows
    assert encoded.sentences_per_text == [2]
    assert all(len(ids) <= xenc.MAX_TOKENS for ids in encoded.ids)
    windows_per_sentence = np.bincount(encoded.sentence_of)
    assert (windows_per_sentence >= 2).all() and windows_per_sentence[0] == windows_per_sentence[1]
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    first, second = encoded.ids[0], encoded.ids[1]
    assert first[0] == cls and first[-1] == sep
    hyp_len = first.index(sep) - 1
    # Types: 0 for [CLS] + sentence + [SEP], 1 for the window and its [SEP].
    assert encoded.types[0][: hyp_len + 2] == [0] * (hyp_len + 2) and set(encoded.types[0][hyp_len + 2:]) == {1}
    # Consecutive windows overlap by WINDOW_OVERLAP tokens, so no fact is only ever cut in half.
    tail = first[hyp_len + 2: -1][-xenc.WINDOW_OVERLAP:]
    head = second[hyp_len + 2: -1][: xenc.WINDOW_OVERLAP]
    assert tail == head


def test_short_source_is_one_window_and_text_granularity_one_item(tokenizer):
    encoded = xenc.encode(tokenizer, [("Two men met. They talked.", "Two men met on Tuesday and talked.")],
                          granularity="text")
    assert len(encoded.ids) == 1 and encoded.sentences_per_text == [1]


def test_pool_takes_best_window_then_weakest_sentence():
    encoded = xenc.Encoded(ids=[[0]] * 5, types=[[0]] * 5, text_of=np.array([0, 0, 0, 1, 1]),
                           sentence_of=np.array([0, 0, 1, 2, 2]), sentences_per_text=[2, 1])
    sentence, text = xenc.pool(np.array([-1.0, 2.0, 0.5, -3.0, -2.0]), encoded)
    assert sentence.tolist() == [2.0, 0.5, -2.0]
    assert text.tolist() == [0.5, -2.0]


def test_adapters_train_alone_and_start_as_the_base_model():
    torch = pytest.importorskip("torch")
    from transformers import BertConfig, BertModel

    config = BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=32)
    torch.manual_seed(0)
    base = BertModel(config, add_pooling_layer=False).eval()
    adapted = BertModel(config, add_pooling_layer=False).eval()
    adapted.load_state_dict(base.state_dict())
    xenc.add_lora(adapted, rank=4, alpha=8)
    trainable = [n for n, p in adapted.named_parameters() if p.requires_grad]
    assert trainable and all(".lora_" in n for n in trainable)  # the base stays frozen
    assert len(trainable) == 2 * len(xenc.LORA_TARGETS) * config.num_hidden_layers
    ids = torch.tensor([[1, 5, 7, 9, 2]])
    with torch.no_grad():
        unchanged = base(input_ids=ids).last_hidden_state
        assert torch.allclose(adapted(input_ids=ids).last_hidden_state, unchanged, atol=1e-6)  # lora_b starts at 0
        for name, p in adapted.named_parameters():
            if name.endswith("lora_b"):
                p.normal_()
        assert not torch.allclose(adapted(input_ids=ids).last_hidden_state, unchanged, atol=1e-3)
    arrays = xenc.adapter_arrays(adapted, torch.nn.Linear(16, 1), rank=4, alpha=8)
    assert set(arrays) >= {"rank", "alpha", "head.weight", "head.bias"} | {f"{n}" for n in trainable}
    assert all(arrays[n].dtype == np.float16 for n in trainable)  # the weights file stays small


def _edits_script():
    import importlib.util
    import sys

    path = EXAMPLE.parent.parent / "scripts" / "train_xenc_edits.py"
    spec = importlib.util.spec_from_file_location("train_xenc_edits", path)
    module = sys.modules["train_xenc_edits"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_edit_supervision_labels_only_the_edited_sentences(tokenizer):
    """A SummEdits-style group built from the founding example: the seed, a paraphrase, and an edit."""
    edits = _edits_script()
    source = (EXAMPLE / "aljazeera.txt").read_text(encoding="utf-8")
    first = "Trump has met Netanyahu at the White House for a second time in 24 hours."
    second = "The meeting lasted just over an hour."
    rows = [
        {"id": "g_og", "source": source, "derived": f"{first} {second}", "consistent": True},
        {"id": "g_0", "source": source, "derived": f"{first} The talks lasted a little over an hour.",
         "consistent": True},
        {"id": "g_1", "source": source, "derived": f"{first} The meeting lasted about two hours.",
         "consistent": False},
    ]
    assert edits.edited_sentences([first, "The talks lasted a little over an hour."], [first, second]) == \
        ([False, True], [1])
    data = edits.Data(tokenizer, rows)
    assert len(data.ids) == 4  # the unedited first sentence is one item, shared by all three rows
    assert [len(items) for items in data.row_items] == [2, 2, 2]
    units = sorted((label, len(items), len(seed)) for items, label, seed in data.units)
    # seed: two supported sentences; paraphrase: its edited sentence, supported; edit: its edited
    # sentence, unsupported, to be outranked by the seed sentence it replaced
    assert units == [(0.0, 1, 1), (1.0, 1, 0), (1.0, 1, 0), (1.0, 1, 0)]
    unsupported = next(u for u in data.units if u[1] == 0.0)
    assert unsupported[2] == [data.row_items[0][1]]
    # the context is the source's own sentence about the meeting's length
    context = tokenizer.decode(data.ids[unsupported[0][0]])
    assert "just over an hour" in context
