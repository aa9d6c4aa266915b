"""Pair judges: does a premise (source evidence) support a hypothesis (a claim)?

The default judge is storydiff's own rules plus a small learned model (see
check.py); the backends here are the stronger, optional ones, chosen by the
setting [judge] backend:

- "nli": an NLI cross-encoder loaded by name or path with transformers;
- "llm": any OpenAI-compatible chat endpoint.

Each returns one PairJudgement per (premise, hypothesis) item, in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from ..errors import SettingsError
from ..settings import Settings

NliLabel = Literal["entailment", "contradiction", "neutral"]


@dataclass(frozen=True)
class PairJudgement:
    label: NliLabel
    probabilities: dict[str, float] = field(default_factory=dict)  # entailment / contradiction / neutral
    reason: str | None = None


class PairJudge(Protocol):
    name: str
    # "evidence": the premise should be the few source sentences aligned to
    # the claim (cross-encoders see 512 tokens); "document": the whole source.
    premise_scope: Literal["evidence", "document"]

    def judge(self, items: list[tuple[str, str]]) -> list[PairJudgement]:
        """(premise, hypothesis) pairs -> one judgement each, in order."""


def _nli(settings: Settings) -> PairJudge:
    from .nli import NliJudge

    return NliJudge.from_settings(settings)


def _llm(settings: Settings) -> PairJudge:
    from .llm import LlmJudge

    return LlmJudge.from_settings(settings)


PAIR_JUDGES = {"nli": _nli, "llm": _llm}
BACKENDS = ("rules", *PAIR_JUDGES)


def get_pair_judge(settings: Settings) -> PairJudge | None:
    """The configured pair judge, or None for the default offline rules judge."""
    backend = settings.get("judge", "backend")
    if backend == "rules":
        return None
    if backend not in PAIR_JUDGES:
        raise SettingsError(f"unknown [judge] backend {backend!r}; valid: {', '.join(BACKENDS)}")
    return PAIR_JUDGES[backend](settings)
