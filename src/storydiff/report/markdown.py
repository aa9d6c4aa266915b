"""The Markdown report: a heading per section, conflicts as two-column tables.

Article text is escaped so that it reads as written: Markdown punctuation
gets a backslash, so `|` cannot end a table cell, and a line break inside
a sentence becomes a space, so it cannot end a table row. The only bold in
evidence is a highlight.
"""

from __future__ import annotations

import re

from ..model import Report
from .view import MAX_COLUMNS, ReportView, Side, VerdictView, build_view, flatten_whitespace

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")


def escape(text: str) -> str:
    """Escape Markdown punctuation and fold line breaks into spaces."""
    return _SPECIAL.sub(r"\\\1", _NEWLINES.sub(" ", text))


def sentence(side: Side) -> str:
    """An evidence sentence with its highlights in **bold**."""
    parts = []
    for seg in flatten_whitespace(side.segments):
        text = escape(seg.text)
        parts.append(f"**{text}**" if seg.highlighted else text)
    return "".join(parts)


def _side_by_side(verdict: VerdictView) -> list[str]:
    if len(verdict.sides) > MAX_COLUMNS:  # a point made by many sources: one line per sentence
        return [f"- **{escape(s.label)}**: {sentence(s)}" for s in verdict.sides] + [""]
    head = "| " + " | ".join(escape(s.label) for s in verdict.sides) + " |"
    rule = "|" + "|".join("---" for _ in verdict.sides) + "|"
    row = "| " + " | ".join(sentence(s) for s in verdict.sides) + " |"
    return [head, rule, row, ""]


def _meta(verdict: VerdictView) -> str:
    bits = []
    if verdict.label == "conflict":
        severity = "?" if verdict.severity is None else f"{verdict.severity:.2f}"
        bits.append(f"severity {verdict.severity_word} ({severity})")
    bits.append(f"confidence {verdict.confidence_pct}")
    if verdict.grouped:
        bits.append(verdict.spread)
    return " · ".join(bits)


def _render(view: ReportView) -> list[str]:
    out = ["# storydiff report", ""]
    if view.articles:
        out += ["| Source | Title | Published | Words |", "|---|---|---|---:|"]
        for a in view.articles:
            title = escape(a.title) if a.title else ""
            if a.url and title:
                title = f"[{title}](<{a.url.replace('>', '%3E').replace(' ', '%20')}>)"
            out.append(f"| {escape(a.label)} | {title} | {escape(a.published or '')} | {a.words:,} |")
        out.append("")
    if view.empty:
        return out + [f"> {escape(view.message or '')}", ""]

    out += ["Summary: " + " · ".join(escape(s.text) for s in view.summary), ""]

    out += ["## Conflicts", ""]
    if not view.conflicts:
        out += ["No conflicts found.", ""]
    for i, v in enumerate(view.conflicts, 1):
        out += [f"### {i}. {v.kind_name.capitalize()} — {_meta(v)}", "", escape(v.reason), ""]
        out += _side_by_side(v)

    if view.agreements:
        out += ["## Agreements", ""]
        for v in view.agreements:
            mark = "≈ Compatible" if v.label == "compatible" else "✓ Agree"
            out += [f"### {mark} — {_meta(v)}", "", escape(v.reason), ""]
            out += _side_by_side(v)

    for group in view.only_in:
        out += [f"## {escape(group.heading)}", ""]
        out += [f"- {sentence(side)}" for item in group.items for side in item.sides]
        out.append("")

    if view.unclear:
        out += ["## Unclear", ""]
        for v in view.unclear:
            out.append(f"- {escape(v.reason)}")
            out += [f"  - {escape(s.label)}: {sentence(s)}" for s in v.sides]
        out.append("")

    if view.versions:
        versions = ", ".join(f"{k} {v}" for k, v in sorted(view.versions.items()))
        out += [f"<sub>storydiff {escape(versions)}</sub>", ""]
    return out


def render_markdown(report: Report) -> str:
    return "\n".join(_render(build_view(report))).rstrip("\n") + "\n"
