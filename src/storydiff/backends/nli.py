"""An NLI cross-encoder as a pair judge: [judge] backend = "nli".

Any transformers sequence-classification model trained for NLI (or for
"supported / unsupported" fact checking) works, loaded by hub name or local
path from [judge] nli_model. Nothing is downloaded: a hub name must already
be in the local Hugging Face cache (see docs/judges.md).

Labels come from the model's own config.id2label, matched case-insensitively
(see LABEL_NAMES). When a model only says LABEL_0, LABEL_1, ... the meaning of
each class id is taken from [judge] nli_labels; failing that, a 3-class model
is read in the MultiNLI dataset order (FALLBACK_3_CLASS), and a 2-class model
is refused, because binary datasets disagree (RTE puts entailment first,
MiniCheck-style fact checkers put "supported" second).

A 2-class model says "supported" or "unsupported" and cannot tell a claim
the source contradicts from one the source never makes. Its "unsupported"
is reported as contradiction (neutral gets probability 0), and the reason
says so.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from ..errors import ModelUnavailableError, SettingsError
from ..settings import Settings
from .judges import PairJudgement

NLI_LABELS = ("entailment", "contradiction", "neutral")

# Normalised label (lower case, runs of space/hyphen as "_") -> meaning.
LABEL_NAMES = {
    "entailment": "entailment", "entail": "entailment", "entailed": "entailment", "entails": "entailment",
    "supported": "entailment", "supports": "entailment", "support": "entailment", "consistent": "entailment",
    "contradiction": "contradiction", "contradict": "contradiction", "contradicted": "contradiction",
    "contradicts": "contradiction", "refuted": "contradiction", "refutes": "contradiction",
    "neutral": "neutral", "not_enough_info": "neutral", "nei": "neutral", "not_in_source": "neutral",
}
# Names that only a 2-class model uses for "everything but entailment".
NOT_ENTAILED_NAMES = {
    "not_entailment", "non_entailment", "not_entailed", "unsupported", "not_supported",
    "inconsistent", "unfaithful", "hallucinated", "hallucination",
}
# Class order of the MultiNLI dataset (GLUE "mnli" in Hugging Face datasets), the
# most common training set for models that leave their labels unnamed.
FALLBACK_3_CLASS = ("entailment", "neutral", "contradiction")

EXAMPLE_MODELS = ("MoritzLaurer/DeBERTa-v3-base-mnli-fever-anli", "cross-encoder/nli-deberta-v3-small")
_GENERIC_LABEL = re.compile(r"label_?\d+")


def _normalise(label: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(label).strip().lower())


def map_labels(id2label: dict, override: list[str] | tuple[str, ...] = (), model: str = "model") -> tuple[str, ...]:
    """The meaning (entailment / contradiction / neutral) of each class id, in id order."""
    n = len(id2label)
    if n not in (2, 3):
        raise ModelUnavailableError(
            f"{model} has {n} output classes ({_show(id2label)}); an NLI judge needs 3 "
            "(entailment, neutral, contradiction) or 2 (supported, unsupported)"
        )
    if override:
        meanings = tuple(_normalise(x) for x in override)
        if len(meanings) != n or any(m not in NLI_LABELS for m in meanings) or len(set(meanings)) != n:
            raise SettingsError(
                f"[judge] nli_labels = {list(override)!r} does not fit {model}: give {n} distinct values "
                f"from {', '.join(NLI_LABELS)}, one per class id in order (model labels: {_show(id2label)})"
            )
        return meanings
    names = [_normalise(id2label[i]) for i in sorted(id2label, key=int)]
    if all(_GENERIC_LABEL.fullmatch(x) for x in names):
        if n == 3:
            return FALLBACK_3_CLASS
        raise SettingsError(
            f"{model} names its 2 classes only {_show(id2label)}, and binary models disagree on the order; "
            'set [judge] nli_labels, e.g. ["contradiction", "entailment"] when class 1 means "supported"'
        )
    meanings = []
    for name in names:
        if name in LABEL_NAMES:
            meanings.append(LABEL_NAMES[name])
        elif n == 2 and name in NOT_ENTAILED_NAMES:
            meanings.append("contradiction")
        else:
            meanings.append(None)
    if None in meanings or len(set(meanings)) != n or "entailment" not in meanings:
        raise SettingsError(
            f"cannot tell which of {model}'s labels ({_show(id2label)}) means entailment, neutral, contradiction; "
            'set [judge] nli_labels to their meanings in class-id order, e.g. ["entailment", "neutral", "contradiction"]'
        )
    return tuple(meanings)


def _show(id2label: dict) -> str:
    return ", ".join(f"{i}={id2label[i]}" for i in sorted(id2label, key=int))


@contextmanager
def _hub_offline():
    """Never reach for the hub while loading: fail at once instead of hanging on a dead network."""
    saved = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("HF_HUB_OFFLINE", None)
        else:
            os.environ["HF_HUB_OFFLINE"] = saved


def _resolve_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ModelUnavailableError(
            f'[judge] device = "{device}" but torch sees no CUDA GPU; set device = "cpu" or "auto"'
        )
    return device


class NliJudge:
    premise_scope: Literal["evidence", "document"] = "evidence"

    def __init__(self, model: str, device: str = "cpu", batch_size: int = 16, labels: list[str] | tuple = ()):
        if not model:
            raise SettingsError(
                '[judge] backend = "nli" needs [judge] nli_model: a local directory or the hub name of a '
                f"downloaded NLI cross-encoder, e.g. {EXAMPLE_MODELS[0]!r} or {EXAMPLE_MODELS[1]!r} "
                "(seq2seq checkers such as 'lytang/MiniCheck-Flan-T5-Large' are not supported)"
            )
        if int(batch_size) < 1:
            raise SettingsError(f"[judge] nli_batch_size must be at least 1, not {batch_size!r}")
        self.name = f"nli:{model}"
        self.model_name = model
        self.batch_size = int(batch_size)
        self.device = _resolve_device(device)
        self.tokenizer, self.model = self._load(model)
        self.labels = map_labels(self.model.config.id2label, labels, model=repr(model))
        self.max_length = self._max_length()

    @classmethod
    def from_settings(cls, settings: Settings) -> NliJudge:
        device = settings.get("judge", "device") or settings.get("embedder", "device")
        key = (settings.get("judge", "nli_model"), device, settings.get("judge", "nli_batch_size"),
               tuple(settings.get("judge", "nli_labels")))
        if key not in _loaded:  # models are heavy: load each once per process
            _loaded[key] = cls(*key[:3], labels=key[3])
        return _loaded[key]

    def _load(self, model: str):
        try:
            from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer
        except ImportError as err:  # pragma: no cover - a broken install
            raise ModelUnavailableError(f"transformers is not installed ({err}); run `make install`") from err
        local = Path(model).expanduser()
        if local.exists():
            if not (local / "config.json").is_file():
                raise ModelUnavailableError(f"[judge] nli_model {model!r} is a path but holds no config.json; "
                                            "point it at a directory saved by save_pretrained or `hf download`")
            source = str(local)
        elif model.startswith(("/", ".", "~")) or "\\" in model or model.count("/") > 1:  # hub names are "org/name"
            raise ModelUnavailableError(f"[judge] nli_model {model!r}: no such directory")
        else:
            source = model
        with _hub_offline():
            try:
                config = AutoConfig.from_pretrained(source, local_files_only=True)
            except Exception as err:
                raise ModelUnavailableError(
                    f"cannot load NLI model {model!r}: it is not in the local Hugging Face cache and storydiff "
                    f"does not download (the hub may be unreachable here). On a connected machine run "
                    f"`hf download {model}` (or save it with save_pretrained) and set [judge] nli_model to "
                    f"the local directory. ({type(err).__name__})"
                ) from err
            architectures = config.architectures or []
            if getattr(config, "is_encoder_decoder", False) or not any(
                a.endswith("ForSequenceClassification") for a in architectures
            ):
                raise SettingsError(
                    f"{model!r} is not a sequence-classification (cross-encoder) model "
                    f"(architectures: {', '.join(architectures) or 'none'}); seq2seq checkers such as "
                    f"'lytang/MiniCheck-Flan-T5-Large' are unsupported. Use e.g. {EXAMPLE_MODELS[0]!r}"
                )
            try:
                tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True)
                classifier = AutoModelForSequenceClassification.from_pretrained(source, local_files_only=True)
            except Exception as err:
                raise ModelUnavailableError(f"cannot load NLI model {model!r}: {err}") from err
        classifier.to(self.device)
        classifier.eval()
        return tokenizer, classifier

    def _max_length(self) -> int:
        limit = self.tokenizer.model_max_length
        if not limit or limit > 100_000:  # tokenizers saved without a limit report ~1e30
            limit = min(getattr(self.model.config, "max_position_embeddings", 512) or 512, 512)
        return int(limit)

    def _encode(self, premises: list[str], hypotheses: list[str]):
        # Cut the premise, never the claim; a claim longer than the model's window is cut too.
        try:
            return self.tokenizer(premises, hypotheses, truncation="only_first", max_length=self.max_length,
                                  padding=True, return_tensors="pt")
        except Exception:
            return self.tokenizer(premises, hypotheses, truncation="longest_first", max_length=self.max_length,
                                  padding=True, return_tensors="pt")

    def judge(self, items: list[tuple[str, str]]) -> list[PairJudgement]:
        import torch

        judgements: list[PairJudgement] = []
        reason = None
        if len(self.labels) == 2:
            reason = "a 2-class model: 'contradiction' means unsupported (contradicted or not in the source)"
        for start in range(0, len(items), self.batch_size):
            batch = items[start:start + self.batch_size]
            encoded = self._encode([p for p, _ in batch], [h for _, h in batch]).to(self.device)
            with torch.no_grad():
                probabilities = torch.softmax(self.model(**encoded).logits.float(), dim=-1).cpu().tolist()
            for row in probabilities:
                scores = dict.fromkeys(NLI_LABELS, 0.0)
                for meaning, p in zip(self.labels, row):
                    scores[meaning] += p
                best = max(range(len(row)), key=row.__getitem__)
                judgements.append(PairJudgement(label=self.labels[best], probabilities=scores, reason=reason))
        return judgements


_loaded: dict[tuple, NliJudge] = {}
