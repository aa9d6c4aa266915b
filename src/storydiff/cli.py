"""The command line: thin commands over the library."""

from __future__ import annotations

import os
import sys

import click

from .errors import StorydiffError

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # every model we use ships on disk
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

FORMATS = ("terminal", "json", "markdown", "html")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="storydiff")
def main():
    """storydiff: what news sources agree on, where they conflict, and what only one says.

    Offline by default: the models ship inside installed packages.
    """


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="terminal", show_default=True,
              help="Output format. json follows the documented schema (docs/json-schema.md).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file instead of standard output.")
@click.option("--settings", "settings_path", type=click.Path(exists=True, dir_okay=False),
              help="A TOML settings file overlaying the defaults (see docs/guide.md).")
@click.option("--color/--no-color", default=None, help="Force colour on or off (terminal format).")
@click.option("--width", type=int, default=None, help="Terminal width for the terminal format.")
def compare(inputs, fmt, output, settings_path, color, width):
    """Compare two or more articles claim by claim.

    INPUT is a text, HTML, JSON or JSONL file, or - for standard input.
    The report lists conflicts first (figures, durations, times, quote
    wording, attribution, negation), then agreements, then what only one
    source says, each with the sentences quoted.

    Exit status: 0 when every input was read, 1 when some input could not
    be read (the rest are still compared), 2 on a usage error.

    \b
    Examples:
      storydiff compare a.txt b.html
      storydiff compare story.jsonl --format html -o report.html
      curl -s URL | storydiff compare - local.txt
    """
    from .report import render
    from .settings import load_settings

    err = _stderr()
    try:
        settings = load_settings(settings_path)
        with err.status("Reading articles and loading models…", spinner="dots"):
            from .pipeline import compare as run_compare

            report = run_compare(list(inputs), settings)
        for problem in report.skipped:
            err.print(f"[bold red]skipped[/] {problem['source']}: {problem['reason']}")
        if len(report.articles) < 2 and report.skipped:
            err.print("[red]Fewer than two articles could be read; nothing to compare.[/]")
        text = render(report, fmt, color=color if fmt == "terminal" else None, width=width)
    except StorydiffError as error:
        err.print(f"[bold red]error:[/] {error}")
        sys.exit(1)
    if output:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)
        err.print(f"wrote {fmt} report to {output}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.exit(1 if report.skipped else 0)


def _stderr():
    from rich.console import Console

    return Console(stderr=True)


if __name__ == "__main__":  # pragma: no cover
    main()
