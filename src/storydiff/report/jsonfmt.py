"""The JSON form of a report: documented in docs/json-schema.md, validated by schema.json.

Stability: `schema_version` is "MAJOR.MINOR". Additive changes (a new field,
a new enum value in `detail`) bump MINOR; removing or renaming a field or
changing its meaning bumps MAJOR.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections import Counter
from importlib import resources
from typing import Any

from ..model import Evidence, Report, Verdict
from .view import CONFLICT_KINDS, LABELS, VerdictView, article_labels, empty_message, point_cards, word_count

SCHEMA_NAME = "storydiff.report"


def load_schema() -> dict:
    """The JSON Schema (draft 2020-12) that `to_dict` output satisfies; ships with the package."""
    return json.loads(resources.files(__package__).joinpath("schema.json").read_text(encoding="utf-8"))


def _jsonable(value: Any) -> Any:
    """`detail` and `versions` are free-form; make them plain JSON.

    Dataclasses become objects, tuples lists, and non-finite floats null
    (JSON has no infinity; the model uses None for "unbounded" anyway).
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def _evidence(e: Evidence) -> dict:
    highlights = []
    for span in e.highlights:
        local_start = max(0, span.start - e.sentence_start)
        local_end = max(local_start, span.end - e.sentence_start)
        highlights.append({"start": span.start, "end": span.end, "text": e.sentence[local_start:local_end]})
    return {
        "article_id": e.article_id,
        "claim_id": e.claim_id,
        "sentence": e.sentence,
        "sentence_start": e.sentence_start,
        "highlights": highlights,
    }


def _verdict(v: Verdict) -> dict:
    return {
        "label": v.label,
        "conflict_kind": v.conflict_kind,
        "severity": _jsonable(v.severity),
        "confidence": _jsonable(v.confidence),
        "reason": v.reason,
        "only_in": v.only_in,
        "evidence": [_evidence(e) for e in v.evidence],
        "detail": _jsonable(v.detail),
    }


def _point(indices: list[int], card: VerdictView, report: Report) -> dict:
    articles = {e.article_id for i in indices for e in report.verdicts[i].evidence}
    return {
        "label": card.label,
        "conflict_kind": card.conflict_kind,
        "severity": _jsonable(card.severity),
        "confidence": _jsonable(card.confidence),
        "reason": card.reason,
        "verdicts": indices,
        "articles": [a.id for a in report.articles if a.id in articles],
    }


def _summary(report: Report) -> dict:
    labels = Counter(v.label for v in report.verdicts)
    kinds = Counter(v.conflict_kind or "other" for v in report.verdicts if v.label == "conflict")
    only_in = Counter(v.only_in for v in report.verdicts if v.label == "only_in" and v.only_in)
    return {
        "articles": len(report.articles),
        "verdicts": len(report.verdicts),
        "by_label": {label: labels[label] for label in LABELS},
        "by_conflict_kind": {kind: kinds[kind] for kind in CONFLICT_KINDS},
        "only_in": {a.id: only_in[a.id] for a in report.articles},
    }


def to_dict(report: Report) -> dict:
    """The report as plain JSON data (see docs/json-schema.md)."""
    labels = article_labels(report)  # as the pages and the terminal name them: two of one outlet told apart
    return {
        "schema": SCHEMA_NAME,
        "schema_version": report.schema_version,
        "message": empty_message(report),
        "articles": [
            {
                "id": a.id,
                "label": labels[a.id],
                "source": a.source,
                "title": a.title,
                "outlet": a.outlet,
                "published": a.published,
                "url": a.url,
                "word_count": word_count(a),
                "text": a.text,
            }
            for a in report.articles
        ],
        "verdicts": [_verdict(v) for v in report.verdicts],
        "points": [_point(indices, card, report) for indices, card in point_cards(report)],
        "summary": _summary(report),
        "versions": _jsonable(report.versions),
        "skipped": [{"source": s["source"], "reason": s["reason"]} for s in report.skipped],
    }


def render_json(report: Report) -> str:
    # allow_nan=False: anything non-finite that slipped through is a bug, not output.
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
