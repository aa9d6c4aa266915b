"""Report renderers: one `Report`, four formats.

    render(report, "terminal" | "json" | "markdown" | "html", color=..., width=...) -> str

`color` and `width` only concern the terminal format (None: detect).
`to_dict` is the JSON form as plain data; its schema is `load_schema()`.
"""

from __future__ import annotations

from ..errors import SettingsError
from ..model import Report
from .html import render_html
from .jsonfmt import load_schema, render_json, to_dict
from .markdown import render_markdown
from .terminal import render_terminal

FORMATS: tuple[str, ...] = ("terminal", "json", "markdown", "html")

__all__ = ["FORMATS", "load_schema", "render", "to_dict"]


def render(report: Report, fmt: str, *, color: bool | None = None, width: int | None = None) -> str:
    """The report in format `fmt`; an unknown format raises SettingsError naming the valid ones."""
    if fmt == "terminal":
        return render_terminal(report, color=color, width=width)
    if fmt == "json":
        return render_json(report)
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "html":
        return render_html(report)
    raise SettingsError(f"unknown report format {fmt!r}; valid: {', '.join(FORMATS)}")
