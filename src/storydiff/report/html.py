"""The HTML report: one self-contained page from templates/report.html.

Autoescape is on for every template, so article text can never become
markup. The cards and rows live as macros in templates/macros.html; the web
app imports them from the same environment (`environment()`) and passes
the same view objects (`storydiff.report.view.build_view`).
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from ..model import Report
from .view import MAX_COLUMNS, build_view


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("storydiff.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda x: f"{round((x or 0) * 100)}%"
    env.globals["max_columns"] = MAX_COLUMNS
    return env


def render_html(report: Report) -> str:
    page = environment().get_template("report.html").render(view=build_view(report))
    return page.rstrip("\n") + "\n"
