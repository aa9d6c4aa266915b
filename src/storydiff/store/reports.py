"""A stored comparison back into a `Report`: the inverse of `report.to_dict`.

`detail` and `versions` come back as the plain JSON they were saved as.
"""

from __future__ import annotations

from ..model import Article, Evidence, Report, Span, Verdict


def report_from_dict(data: dict) -> Report:
    articles = tuple(
        Article(id=a["id"], text=a["text"], source=a["source"], title=a.get("title"), outlet=a.get("outlet"),
                published=a.get("published"), url=a.get("url"))
        for a in data["articles"])
    verdicts = tuple(
        Verdict(
            label=v["label"], reason=v["reason"], confidence=v["confidence"],
            evidence=tuple(
                Evidence(article_id=e["article_id"], claim_id=e["claim_id"], sentence=e["sentence"],
                         sentence_start=e["sentence_start"],
                         highlights=tuple(Span(h["start"], h["end"]) for h in e["highlights"]))
                for e in v["evidence"]),
            conflict_kind=v.get("conflict_kind"), severity=v.get("severity"), only_in=v.get("only_in"),
            detail=v.get("detail") or {})
        for v in data["verdicts"])
    return Report(articles, verdicts, dict(data.get("versions") or {}),
                  skipped=tuple(data.get("skipped") or ()), schema_version=data["schema_version"])
