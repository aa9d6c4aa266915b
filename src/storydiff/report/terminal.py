"""The terminal report, drawn with rich.

Article text only ever enters rich as `Text` objects, never as markup, so
"[bold]" in an article prints as written. Evidence sentences are wrapped
here rather than by rich: a highlighted phrase moves to the next line as a
whole instead of breaking mid-phrase, and is only split when it is wider
than its column.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import sys

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..model import Report
from .view import MAX_COLUMNS, ReportView, Side, VerdictView, build_view, flatten_whitespace

MIN_WIDTH = 40
# Below this many cells per column, sources are stacked instead of side by side.
MIN_COLUMN = 28
# Without colour, highlights are still visible: *like this*.
PLAIN_MARK = "*"

STYLES = {
    "conflict": ("red", "bold red"),  # (frame/heading, highlight)
    "agree": ("green", "bold yellow"),
    "compatible": ("yellow", "bold yellow"),
    "only_in": ("blue", "bold yellow"),
    "unclear": ("bright_black", "bold yellow"),
}
SYMBOLS = {"conflict": "✗", "agree": "✓", "compatible": "≈", "only_in": "•", "unclear": "?"}

_WORD = re.compile(r"\S+")


def wants_color() -> bool:
    """Colour when stdout is a terminal and the user has not asked for none (NO_COLOR)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _line_ranges(text: str, protected: list[tuple[int, int]], width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of `text` into (start, end) ranges no wider than `width` cells.

    No break falls inside a protected range unless the range alone is wider
    than a line; then it breaks between its words, and a single word wider
    than a line is cut into pieces.
    """
    words = [m.span() for m in _WORD.finditer(text)]
    units: list[list[tuple[int, int]]] = []
    for span in words:
        if units and any(a < span[0] < b for a, b in protected):
            units[-1].append(span)
        else:
            units.append([span])

    lines: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    pending = [(u[0][0], u[-1][1], u) for u in units]
    pending.reverse()
    while pending:
        start, end, parts = pending.pop()
        if current is not None and cell_len(text[current[0] : end]) <= width:
            current = (current[0], end)
            continue
        if cell_len(text[start:end]) <= width:
            if current is not None:
                lines.append(current)
            current = (start, end)
            continue
        if len(parts) > 1:  # a protected phrase wider than a line: fall back to its words
            pending.extend((a, b, [(a, b)]) for a, b in reversed(parts))
            continue
        # One word wider than a line: cut it into line-sized pieces.
        if current is not None:
            lines.append(current)
            current = None
        pos = start
        while pos < end:
            stop = pos + 1
            while stop < end and cell_len(text[pos : stop + 1]) <= width:
                stop += 1
            lines.append((pos, stop))
            pos = stop
    if current is not None:
        lines.append(current)
    return lines


def wrap_side(side: Side, width: int, highlight_style: str, *, color: bool) -> Text:
    """An evidence sentence as rich Text, wrapped to `width` with highlights kept whole."""
    full = Text()
    protected: list[tuple[int, int]] = []
    for seg in flatten_whitespace(side.segments):
        if seg.highlighted:
            start = len(full)
            full.append(seg.text if color else f"{PLAIN_MARK}{seg.text}{PLAIN_MARK}", style=highlight_style)
            protected.append((start, len(full)))
        else:
            full.append(seg.text)
    plain = full.plain
    lines = [full[a:b] for a, b in _line_ranges(plain, protected, max(1, width))]
    return Text("\n").join(lines) if lines else Text("")


class _TerminalRenderer:
    def __init__(self, view: ReportView, *, color: bool, width: int):
        self.view = view
        self.color = color
        self.width = width
        self.buffer = io.StringIO()
        self.console = Console(
            file=self.buffer,
            width=width,
            force_terminal=color,
            color_system="standard" if color else None,
            no_color=not color,
            highlight=False,
            markup=False,
            emoji=False,
            legacy_windows=False,
            force_jupyter=False,
            force_interactive=False,
            tab_size=4,
        )

    def render(self) -> str:
        self.header()
        if self.view.empty:
            self.console.print()
            self.console.print(Text(self.view.message or "", style="bold"))
            return self.buffer.getvalue()
        self.section_conflicts()
        if self.view.agreements:
            self.section_agreements()
        for group in self.view.only_in:
            self.rule(f"{group.heading} ({len(group.items)})", "blue")
            for item in group.items:
                self.bullet(SYMBOLS["only_in"], item.sides, "only_in")
        if self.view.unclear:
            self.section_unclear()
        if self.view.versions:
            versions = " · ".join(f"{k} {v}" for k, v in sorted(self.view.versions.items()))
            self.console.print()
            self.console.print(Text(f"storydiff {versions}", style="dim"))
        return self.buffer.getvalue()

    def rule(self, title: str, style: str) -> None:
        self.console.print()
        self.console.rule(Text(title, style=f"bold {style}"), align="left", style=style)

    def header(self) -> None:
        n = len(self.view.articles)
        self.console.print(Text(f"storydiff · {n} article{'s' if n != 1 else ''}", style="bold"))
        # A grid so a long title wraps under itself, not under the label.
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True, style="bold cyan")
        grid.add_column(overflow="fold")
        for a in self.view.articles:
            facts = Text()
            if a.title:
                facts.append(f"{a.title} · ")
            facts.append(" · ".join(p for p in (a.published, f"{a.words:,} words") if p), style="dim")
            grid.add_row("", Text(a.label), facts)
        self.console.print(grid)
        if self.view.summary:
            # Wrap between the counts, never inside one ("1 only in / rewrite.txt").
            summary, protected = "", []
            for item in self.view.summary:
                summary += " · " if summary else ""
                protected.append((len(summary), len(summary) + len(item.text)))
                summary += item.text
            lines = [summary[a:b] for a, b in _line_ranges(summary, protected, self.width)]
            self.console.print(Text("\n".join(lines), style="bold"))

    def side_by_side(self, verdict: VerdictView) -> Table:
        n = max(1, len(verdict.sides))
        # Borders take n+1 cells and padding 2 per column; what is left is split evenly.
        inner = self.width - (n + 1) - 2 * n
        frame, highlight = STYLES.get(verdict.label, STYLES["unclear"])
        if inner // n < MIN_COLUMN or n > MAX_COLUMNS:
            return self.stacked(verdict)
        widths = [inner // n + (1 if i < inner % n else 0) for i in range(n)]
        table = Table(box=box.ROUNDED, border_style=frame, show_lines=False, padding=(0, 1), expand=False)
        for side, w in zip(verdict.sides, widths):
            table.add_column(Text(side.label, style="bold"), width=w, overflow="fold", no_wrap=False)
        table.add_row(*(wrap_side(s, w, highlight, color=self.color) for s, w in zip(verdict.sides, widths)))
        return table

    def stacked(self, verdict: VerdictView) -> Table:
        """Too narrow for columns: one source under the other, each under its label."""
        frame, highlight = STYLES.get(verdict.label, STYLES["unclear"])
        width = self.width - 4
        table = Table(box=box.ROUNDED, border_style=frame, show_header=False, show_lines=True, padding=(0, 1))
        table.add_column(width=width, overflow="fold")
        cell, previous = None, None
        for side in verdict.sides:
            if side.article_id != previous:  # a source's sentences share one cell under its label
                if cell is not None:
                    table.add_row(cell)
                cell, previous = Text(side.label, style="bold"), side.article_id
            else:
                cell.append("\n")  # a blank line between two sentences of one source
            cell.append("\n")
            cell.append_text(wrap_side(side, width, highlight, color=self.color))
        if cell is not None:
            table.add_row(cell)
        return table

    def verdict_heading(self, number: int | None, verdict: VerdictView) -> None:
        frame, _ = STYLES.get(verdict.label, STYLES["unclear"])
        head = Text()
        if number is not None:
            head.append(f"{number}. ", style="bold")
        head.append(f"{SYMBOLS.get(verdict.label, '')} {verdict.kind_name}", style=f"bold {frame}")
        facts = [f"confidence {verdict.confidence_pct}"]
        if verdict.grouped:
            facts.append(verdict.spread)
        if verdict.label == "conflict":
            severity = "?" if verdict.severity is None else f"{verdict.severity:.2f}"
            facts.insert(0, f"severity {verdict.severity_word} ({severity})")
        head.append("  " + " · ".join(facts), style="dim")
        self.console.print(head)
        self.console.print(Text(verdict.reason, style="italic"))

    def section_conflicts(self) -> None:
        self.rule(f"Conflicts ({len(self.view.conflicts)})", "red")
        if not self.view.conflicts:
            self.console.print(Text("No conflicts found.", style="green"))
        for i, verdict in enumerate(self.view.conflicts, 1):
            if i > 1:
                self.console.print()
            self.verdict_heading(i, verdict)
            self.console.print(self.side_by_side(verdict))

    def section_agreements(self) -> None:
        self.rule(f"Agreements ({len(self.view.agreements)})", "green")
        for i, verdict in enumerate(self.view.agreements):
            if i:
                self.console.print()
            self.verdict_heading(None, verdict)
            self.console.print(self.side_by_side(verdict))

    def bullet(self, symbol: str, sides: tuple[Side, ...], label: str, *, prefix_label: bool = False) -> None:
        _, highlight = STYLES[label]
        for side in sides:
            lead = f"{symbol} " if not prefix_label else f"  {side.label}: "
            indent = cell_len(lead)
            body = wrap_side(side, self.width - indent, highlight, color=self.color)
            lines = body.split("\n")
            out = Text()
            for j, line in enumerate(lines):
                if j:
                    out.append("\n" + " " * indent)
                else:
                    out.append(lead, style="dim" if prefix_label else "blue")
                out.append_text(line)
            self.console.print(out, overflow="fold")

    def section_unclear(self) -> None:
        self.rule(f"Unclear ({len(self.view.unclear)})", "bright_black")
        for verdict in self.view.unclear:
            self.console.print(Text(f"{SYMBOLS['unclear']} {verdict.reason}", style="dim"))
            self.bullet("", verdict.sides, "unclear", prefix_label=True)


def render_terminal(report: Report, *, color: bool | None = None, width: int | None = None) -> str:
    """The report for a terminal; plain text (no escape codes) when `color` is False."""
    if color is None:
        color = wants_color()
    if width is None:
        width = shutil.get_terminal_size((100, 24)).columns
    width = max(MIN_WIDTH, width)
    out = _TerminalRenderer(build_view(report), color=color, width=width).render()
    # rich pads grid cells to full width; trailing blanks only get in the way of a pager or a diff.
    return "\n".join(line.rstrip() for line in out.splitlines()) + "\n"
