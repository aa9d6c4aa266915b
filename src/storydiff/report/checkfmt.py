"""Renderers for a `CheckReport`: terminal (rich), JSON and Markdown.

    render_check(report, "terminal" | "json" | "markdown", color=..., width=...) -> str
"""

from __future__ import annotations

import io
import json

from ..errors import SettingsError

CHECK_FORMATS = ("terminal", "json", "markdown")
CHECK_SCHEMA_VERSION = "1.0"

_STYLE = {"supported": ("green", "✓"), "contradicted": ("red", "✗"), "not in source": ("blue", "•")}


def check_to_dict(report) -> dict:
    def evidence(ev):
        if ev is None:
            return None
        return {"sentence": ev.sentence, "start": ev.sentence_start, "claim_id": ev.claim_id,
                "highlights": [report.source.text[h.start:h.end] for h in ev.highlights]}

    return {
        "schema_version": CHECK_SCHEMA_VERSION,
        "source": {"id": report.source.id, "label": report.source.label, "source": report.source.source},
        "derived": {"id": report.derived.id, "label": report.derived.label, "source": report.derived.source},
        "verdict": report.verdict,
        "consistent": report.consistent,
        "probability": report.probability,
        "threshold": report.threshold,
        "reason": report.reason,
        "judge": report.judge,
        "claims": [
            {"text": c.claim.text, "start": c.claim.start, "end": c.claim.end, "label": c.label,
             "reason": c.reason, "score": c.score, "evidence": evidence(c.evidence),
             "rule": c.verdict.label if c.verdict else None,
             "conflict_kind": c.verdict.conflict_kind if c.verdict else None}
            for c in report.claims
        ],
        "features": {k: round(v, 4) for k, v in report.features.items()},
        "versions": report.versions,
    }


def render_check(report, fmt: str, *, color: bool | None = None, width: int | None = None) -> str:
    if fmt == "json":
        return json.dumps(check_to_dict(report), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(report)
    if fmt == "terminal":
        return _terminal(report, color, width)
    raise SettingsError(f"unknown check format {fmt!r}; valid: {', '.join(CHECK_FORMATS)}")


def _order(report):
    rank = {"contradicted": 0, "not in source": 1, "supported": 2}
    return sorted(report.claims, key=lambda c: (rank[c.label], c.claim.start))


def _score_note(report) -> str:
    """"74% likely consistent", saying so when a contradicted claim, or one not in the source (a new name,
    figure or date), overrules a score above the threshold."""
    note = f"{report.probability:.0%} likely consistent"
    if not report.consistent and report.probability >= report.threshold:
        if report.by_label("contradicted"):
            return f"a contradicted claim decides; the model alone: {note}"
        if report.by_label("not in source"):
            return f"a claim not in the source decides; the model alone: {note}"
    return note


def _markdown(report) -> str:
    lines = [
        "# storydiff check", "",
        f"**{report.derived.label}** checked against **{report.source.label}**: "
        f"**{report.verdict}** ({_score_note(report)}; judge {report.judge}).", "",
        report.reason, "",
        "| | Claim in the derived text | Verdict | Reason | Source evidence |",
        "|---|---|---|---|---|",
    ]

    def cell(text: str) -> str:
        return " ".join(text.split()).replace("|", "\\|")

    for c in _order(report):
        ev = cell(c.evidence.sentence) if c.evidence else ""
        lines.append(f"| {_STYLE[c.label][1]} | {cell(c.claim.text)} | {c.label} | {cell(c.reason)} | {ev} |")
    return "\n".join(lines) + "\n"


def _terminal(report, color: bool | None, width: int | None) -> str:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from .terminal import wants_color

    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 110, color_system="standard" if (
        wants_color() if color is None else color) else None, force_terminal=bool(color), highlight=False)
    style = "bold green" if report.consistent else "bold red"
    head = Text()
    head.append(f"{report.derived.label}", style="bold")
    head.append(" checked against ")
    head.append(f"{report.source.label}", style="bold")
    head.append(": ")
    head.append(report.verdict.upper(), style=style)
    head.append(f"  ({_score_note(report)} · judge {report.judge})")
    console.print(head)
    console.print(Text(report.reason, style="dim"))
    table = Table(box=box.SIMPLE_HEAD, show_lines=True, expand=True)
    table.add_column("", width=2)
    table.add_column("Claim (derived)", ratio=3)
    table.add_column("Verdict", width=14)
    table.add_column("Reason and source evidence", ratio=4)
    for c in _order(report):
        colour, symbol = _STYLE[c.label]
        detail = Text(c.reason)
        if c.evidence is not None:
            detail.append("\n")
            detail.append(_highlighted(report.source.text, c.evidence, colour))
        table.add_row(Text(symbol, style=colour), Text(" ".join(c.claim.text.split())), Text(c.label, style=colour),
                      detail)
    console.print(table)
    return buffer.getvalue()


def _highlighted(text: str, ev, colour: str):
    from rich.text import Text

    sentence = ev.sentence
    out = Text("source: ", style="dim")
    prefix = len(out)
    out.append(sentence, style="italic")
    for h in ev.highlights:
        start, end = h.start - ev.sentence_start, h.end - ev.sentence_start
        if 0 <= start < end <= len(sentence):
            out.stylize(f"bold {colour}", start + prefix, end + prefix)
    return out
