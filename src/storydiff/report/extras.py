"""Renderers for provenance and the corroborated brief: terminal (rich), JSON, Markdown."""

from __future__ import annotations

import dataclasses
import io
import json

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..brief import Brief
from ..provenance import Provenance
from ..model import unique_labels

FORMATS = ("terminal", "json", "markdown")


def _console(width: int | None, color: bool | None) -> Console:
    return Console(record=True, width=width or 100, force_terminal=bool(color), no_color=not color,
                   color_system="truecolor" if color else None, file=io.StringIO())


def _jsonable(obj) -> dict:
    data = dataclasses.asdict(obj)
    labels = unique_labels(getattr(obj, "articles", ()))
    data["articles"] = [{"id": a["id"], "label": labels[a_obj.id], "title": a["title"], "outlet": a["outlet"],
                         "published": a["published"], "url": a["url"]}
                        for a, a_obj in zip(data.get("articles", []), getattr(obj, "articles", ()))]
    return data


# ---------------------------------------------------------------- provenance

def render_provenance(prov: Provenance, fmt: str = "terminal", *, color: bool | None = None,
                      width: int | None = None) -> str:
    label = unique_labels(prov.articles)
    if fmt == "json":
        data = _jsonable(prov)
        data["schema"] = "storydiff.provenance"
        data["independent_sources"] = prov.independent_sources
        data["graph"] = {
            "nodes": [{"id": a.id, "label": label[a.id]} for a in prov.articles],
            "edges": [{"from": p.source, "to": p.right if p.source == p.left else p.left,
                       "share": max(p.left_share, p.right_share)} if p.source else
                      {"from": p.left, "to": p.right, "share": max(p.left_share, p.right_share), "undirected": True}
                      for p in prov.pairs if p.passages],
        }
        return json.dumps(data, ensure_ascii=False, indent=2)
    if fmt == "markdown":
        lines = ["# Provenance", "", f"Independent sources: **{prov.independent_sources}** "
                 f"of {len(prov.articles)} articles", "",
                 "| article | article | shared passages | share of first | share of second | likely original |",
                 "|---|---|---|---|---|---|"]
        for p in prov.pairs:
            lines.append(f"| {label[p.left]} | {label[p.right]} | {len(p.passages)} | {p.left_share:.0%} | "
                         f"{p.right_share:.0%} | {label.get(p.source, 'unclear')} ({p.direction_reason}) |")
        return "\n".join(lines) + "\n"
    if fmt != "terminal":
        raise ValueError(f"unknown format {fmt!r}; valid: {', '.join(FORMATS)}")
    console = _console(width, color)
    console.print(Text(f"Provenance · {len(prov.articles)} articles · "
                       f"{prov.independent_sources} independent source(s)", style="bold"))
    table = Table(show_lines=False)
    for column in ("article", "article", "verbatim", "paraphrased", "reused", "likely original"):
        table.add_column(column)
    for p in prov.pairs:
        verbatim = sum(1 for x in p.passages if x.kind == "verbatim")
        table.add_row(Text(label[p.left]), Text(label[p.right]), str(verbatim), str(len(p.passages) - verbatim),
                      f"{p.left_share:.0%} / {p.right_share:.0%}",
                      Text(f"{label.get(p.source, 'unclear')}: {p.direction_reason}"))
    console.print(table)
    console.print(Text("Graph", style="bold"))
    for p in prov.pairs:
        if not p.passages:
            continue
        share = max(p.left_share, p.right_share)
        if p.source:
            copy = p.right if p.source == p.left else p.left
            console.print(Text(f"  {label[p.source]} ──{share:.0%}──▶ {label[copy]}"))
        else:
            console.print(Text(f"  {label[p.left]} ──{share:.0%}── {label[p.right]}"))
    for p in prov.pairs:
        for x in p.passages:
            console.print(Text(f"\n{x.kind} ({x.score:.2f})", style="bold cyan"))
            console.print(Text(f"  {label[p.left]}: ", style="bold") + Text(x.left_text))
            console.print(Text(f"  {label[p.right]}: ", style="bold") + Text(x.right_text))
    return console.export_text(styles=bool(color))


# ---------------------------------------------------------------- brief

def _quoted(sentence: str) -> str:
    return sentence if sentence[:1] in "“\"‘'" else f"“{sentence}”"


def brief_lines(brief: Brief) -> list[str]:
    """One line per item after the headline (which is the first agreed item)."""
    lines = []
    items = brief.items[1:] if brief.headline else brief.items
    for item in items:
        if item.kind == "agreed":
            (_, sentence), = item.sentences
            lines.append(f"{sentence} [{', '.join(item.sources)}]")
        else:
            sides = " — ".join(f"{source}: {_quoted(sentence)}" for source, sentence in item.sentences)
            lines.append(f"Sources differ{f' ({item.reason})' if item.reason else ''}. {sides}")
    return lines


def render_brief(brief: Brief, fmt: str = "terminal", *, color: bool | None = None, width: int | None = None) -> str:
    if fmt == "json":
        data = dataclasses.asdict(brief)
        data["schema"] = "storydiff.brief"
        return json.dumps(data, ensure_ascii=False, indent=2)
    head_sources = f" [{', '.join(brief.items[0].sources)}]" if brief.headline else ""
    if fmt == "markdown":
        out = [f"# {brief.headline}{head_sources}", ""] if brief.headline else []
        if brief.note:
            out += [f"_{brief.note}_", ""]
        return "\n".join(out + [f"- {line}" for line in brief_lines(brief)]) + "\n"
    if fmt != "terminal":
        raise ValueError(f"unknown format {fmt!r}; valid: {', '.join(FORMATS)}")
    console = _console(width, color)
    if brief.headline:
        console.print(Text(brief.headline, style="bold") + Text(head_sources, style="dim"))
    n = brief.independent_sources
    console.print(Text(f"built only from claims at least two independent sources agree on ({n} independent "
                       f"source{'' if n == 1 else 's'} in all); each sentence is quoted from a source", style="dim"))
    if brief.note:
        console.print(Text(brief.note, style="yellow"))
    for line in brief_lines(brief):
        console.print(Text("• ") + Text(line))
    return console.export_text(styles=bool(color))
