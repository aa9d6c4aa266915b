"""The consistency cross-encoder: MiniLM reads a derived sentence and a window of the source together.

A bi-encoder (the embedder) compares two texts only through their vectors, so
"Smith beat Jones" and "Jones beat Smith" look alike. A cross-encoder attends
across both texts at once and could see a swapped name, a changed figure or an
antonym. We have no hub access, so scripts/train_xenc.py fine-tunes the
packaged all-MiniLM-L6-v2 weights with low-rank adapters (LoRA): its weights
file holds only the adapters and a small head, about a megabyte.

NOT SHIPPED: trained on summedits-other-train (GPU), it scored 0.53 out of
fold and did not separate a source sentence from the same sentence with a
changed figure or place; stacked with the rule features it added nothing at
a fixed threshold (docs/evaluation.md). A second attempt with sentence-level
supervision from SummEdits' minimal edits (scripts/train_xenc_edits.py) learned
its training domains (0.63 held out) but not news: stacked, dev AUC 0.683 ->
0.685. The next attempt needs news edits to learn from, or a pretrained NLI model.

How a text is scored (the training script imports this module):
- the derived text is split into sentences (`split_sentences`);
- the source is cut into windows that fit 512 tokens beside each sentence;
- a sentence's score is its best window (the source supports it somewhere);
- the text's score is its weakest sentence (one unsupported sentence is enough).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_TOKENS = 512
MAX_SENTENCE_TOKENS = 128  # a longer derived sentence is cut: the windows need the room
MAX_WINDOWS = 6  # about 2,700 source tokens; later text is rarely what a summary draws on
WINDOW_OVERLAP = 64  # a fact cut by a window edge is whole in the next window
LORA_TARGETS = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                "intermediate.dense", "output.dense")

# A sentence ends at . ! or ? (and any closing quote) before a space and a letter, digit or opening quote;
# the next letter may be lower case because some benchmark summaries are lower-cased throughout.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"'“‘(]?[A-Za-z0-9])")
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "prof", "gen", "gov", "sen", "rep", "lt", "col", "sgt",
                            "capt", "jr", "sr", "inc", "co", "corp", "ltd", "no", "vs", "etc", "jan", "feb", "aug",
                            "sept", "sep", "oct", "nov", "dec", "u.s", "u.k", "u.n", "a.m", "p.m"})


def split_sentences(text: str) -> list[str]:
    """A light sentence split for derived texts (short summaries); spaCy is not needed on the training machine."""
    text = text.strip()
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        words = text[start:match.start()].split()
        last = words[-1].lower().rstrip(".") if words else ""
        if not words or last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
            continue  # "Mr. Smith", "U.S. officials", "John F. Kennedy": not an end
        sentences.append(text[start:match.end()].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s] or [text]


@dataclass(frozen=True)
class Encoded:
    """The model inputs for many (sentence, window) items, and which text and sentence each belongs to."""

    ids: list[list[int]]
    types: list[list[int]]
    text_of: np.ndarray  # item -> index of the derived text
    sentence_of: np.ndarray  # item -> global sentence index
    sentences_per_text: list[int]


def load_tokenizer(model_dir: Path):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def encode(tokenizer, pairs: list[tuple[str | list[str], str]], *, granularity: str = "sentence",
           max_windows: int = MAX_WINDOWS) -> Encoded:
    """(derived, source) pairs -> one item per derived sentence (or whole text) and source window.

    A derived text given as a list is taken as its sentences already split (check passes its claims)."""
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    source_ids: dict[str, list[int]] = {}
    ids, types, text_of, sentence_of, per_text = [], [], [], [], []
    sentence_index = 0
    for t, (derived, source) in enumerate(pairs):
        if source not in source_ids:
            source_ids[source] = tokenizer.encode(source, add_special_tokens=False).ids
        src = source_ids[source] or [tokenizer.token_to_id("[UNK]")]
        if isinstance(derived, list):
            units = derived
        else:
            units = split_sentences(derived) if granularity == "sentence" else [derived.strip()]
        per_text.append(len(units))
        for unit in units:
            hyp = tokenizer.encode(unit, add_special_tokens=False).ids[:MAX_SENTENCE_TOKENS]
            room = MAX_TOKENS - len(hyp) - 3
            step = room - WINDOW_OVERLAP
            starts = list(range(0, max(len(src) - WINDOW_OVERLAP, 1), step))[:max_windows]
            for start in starts:
                window = src[start:start + room]
                ids.append([cls, *hyp, sep, *window, sep])
                types.append([0] * (len(hyp) + 2) + [1] * (len(window) + 1))
                text_of.append(t)
                sentence_of.append(sentence_index)
            sentence_index += 1
    return Encoded(ids, types, np.array(text_of, dtype=np.int64), np.array(sentence_of, dtype=np.int64), per_text)


def pad(rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(r) for r in rows)
    out = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, r in enumerate(rows):
        out[i, :len(r)] = r
        mask[i, :len(r)] = 1
    return out, mask


def pool(item_logits: np.ndarray, encoded: Encoded) -> tuple[np.ndarray, np.ndarray]:
    """Item logits -> (sentence logits: best window, text logits: weakest sentence)."""
    n_sentences = sum(encoded.sentences_per_text)
    sentence = np.full(n_sentences, -np.inf)
    np.maximum.at(sentence, encoded.sentence_of, item_logits)
    bounds = np.cumsum([0, *encoded.sentences_per_text])
    text = np.array([sentence[a:b].min() for a, b in itertools.pairwise(bounds)])
    return sentence, text


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


# ---------------------------------------------------------------- torch side: the adapters

def add_lora(bert, rank: int, alpha: float):
    """Freeze `bert` and wrap its attention and feed-forward projections with trainable low-rank adapters."""
    import torch
    from torch import nn

    class LoraLinear(nn.Module):
        def __init__(self, base: nn.Linear):
            super().__init__()
            self.base = base
            self.scale = alpha / rank
            self.lora_a = nn.Parameter(torch.randn(rank, base.in_features) / np.sqrt(base.in_features))
            self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))  # zero: training starts at the base model

        def forward(self, x):
            return self.base(x) + (x @ self.lora_a.T @ self.lora_b.T) * self.scale

    for p in bert.parameters():
        p.requires_grad_(False)
    for name, module in list(bert.named_modules()):
        for target in LORA_TARGETS:
            if name.endswith(target) and isinstance(module, nn.Linear):
                parent = bert.get_submodule(name.rsplit(".", 1)[0])
                setattr(parent, name.rsplit(".", 1)[1], LoraLinear(module))
    return bert


def adapter_arrays(bert, head, rank: int, alpha: float) -> dict[str, np.ndarray]:
    """The trainable weights as arrays for an .npz file (fp16 keeps it small)."""
    arrays = {"rank": np.array(rank), "alpha": np.array(alpha),
              "head.weight": head.weight.detach().float().cpu().numpy(),
              "head.bias": head.bias.detach().float().cpu().numpy()}
    for name, p in bert.named_parameters():
        if p.requires_grad:
            arrays[name] = p.detach().float().cpu().numpy().astype(np.float16)
    return arrays

