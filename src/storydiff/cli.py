"""The command line: thin commands over the library."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .errors import StorydiffError

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # every model we use ships on disk
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

FORMATS = ("terminal", "json", "markdown", "html")


def _plain(value: object) -> str:
    """User text (file names, URLs, errors that name them) inside a rich markup string, shown as written:
    rich would swallow "[draft]" in "notes [draft].txt" and fail on "[/x]"."""
    from rich.markup import escape

    return escape(str(value))


def _settings_option(fn):
    return click.option("--settings", "settings_path", type=click.Path(exists=True, dir_okay=False),
                        callback=_valid_settings,
                        help="A TOML settings file overlaying the defaults (see docs/guide.md).")(fn)


def _valid_settings(ctx, param, path):
    """A settings file that does not parse, or names an unknown key or a value of the wrong type, is a
    usage error (exit 2), found before any work."""
    if path is not None:
        from .errors import SettingsError
        from .settings import load_settings

        try:
            load_settings(path)
        except SettingsError as error:
            raise click.BadParameter(str(error), ctx=ctx, param=param) from None
    return path


def _display_options(fn):
    """--color/--no-color and --width, for commands with a terminal format."""
    fn = click.option("--width", type=int, default=None, help="Terminal width for the terminal format.")(fn)
    return click.option("--color/--no-color", default=None, help="Force colour on or off (terminal format).")(fn)



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
@_settings_option
@_display_options
def compare(inputs, fmt, output, settings_path, color, width):
    """Compare two or more articles claim by claim.

    INPUT is a text, HTML, JSON or JSONL file, or - for standard input.
    The report lists conflicts first (figures, durations, times, quote
    wording, attribution, negation), then agreements, then what only one
    source says, each with the sentences quoted. With three or more
    sources, what several say of one thing is one card listing how each
    puts it.

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

    _check_output_folder(output)
    err = _stderr()
    try:
        settings = load_settings(settings_path)
        with err.status("Reading articles and loading models…", spinner="dots"):
            from .pipeline import compare as run_compare

            report = run_compare(list(inputs), settings)
        for problem in report.skipped:
            err.print(f"[bold red]skipped[/] {_plain(problem['source'])}: {_plain(problem['reason'])}")
        if len(report.articles) < 2 and report.skipped:
            err.print("[red]Fewer than two articles could be read; nothing to compare.[/]")
        text = render(report, fmt, color=color if fmt == "terminal" else None, width=width)
    except StorydiffError as error:
        err.print(f"[bold red]error:[/] {_plain(error)}")
        sys.exit(1)
    _emit(text, output, f"{fmt} report")
    sys.exit(1 if report.skipped else 0)


def _check_output_folder(output: str | None) -> None:
    """Refuse -o into a folder that does not exist before any work, not with a traceback after it."""
    if output and not Path(output).parent.is_dir():
        _stderr().print(f"[bold red]error:[/] cannot write {_plain(output)}: the folder "
                        f"{_plain(Path(output).parent)} does not exist", soft_wrap=True)
        sys.exit(2)


def _emit(text: str, output: str | None, what: str) -> None:
    """Write a rendered result to `output`, or to standard output ending in one newline."""
    if output:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)
        _stderr().print(f"wrote {what} to {_plain(output)}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


CHECK_FORMATS = ("terminal", "json", "markdown")


@main.command()
@click.argument("source", metavar="SOURCE")
@click.argument("derived", metavar="DERIVED")
@click.option("-f", "--format", "fmt", type=click.Choice(CHECK_FORMATS), default="terminal", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the result to this file instead of standard output.")
@_settings_option
@_display_options
def check(source, derived, fmt, output, settings_path, color, width):
    """Check that DERIVED (a summary, a rewrite) says only what SOURCE says.

    Each claim of DERIVED is marked supported, contradicted or not in
    source, with the source sentence that decides it and a reason; then an
    overall verdict, consistent or inconsistent, with the judge's
    probability that it is consistent. A contradicted claim, a name the
    source never mentions, or a figure (two digits or more), day or month
    that it never gives, makes it inconsistent whatever that probability.
    A claim is contradicted when the source sentence it matches gives
    another figure, time, quotation, speaker or name, or says the opposite;
    or when it uses a word the source never uses whose opposite a source
    sentence near it says, or denies what such a sentence affirms.
    SOURCE and DERIVED are text, HTML or JSON files, or - for standard
    input (one of them).

    Exit status: 0 consistent, 1 inconsistent, 2 when an input cannot be
    read or on a usage error.

    \b
    Examples:
      storydiff check article.txt summary.txt
      storydiff check article.html rewrite.txt --format json
    """
    from .settings import load_settings

    _check_output_folder(output)
    err = _stderr()
    try:
        settings = load_settings(settings_path)
        with err.status("Reading both texts and loading models…", spinner="dots"):
            from .consistency import check as run_check
            from .report.checkfmt import render_check

            report = run_check(_as_path(source), _as_path(derived), settings)
        text = render_check(report, fmt, color=color if fmt == "terminal" else None, width=width)
    except StorydiffError as error:
        err.print(f"[bold red]error:[/] {_plain(error)}", soft_wrap=True)
        sys.exit(2)
    _emit(text, output, f"{fmt} result")
    sys.exit(0 if report.consistent else 1)


def _as_path(name: str):
    from pathlib import Path

    from .errors import InputError

    if name == "-":
        return name
    path = Path(name)
    if not path.exists():
        raise InputError(name, "no such file")
    return path


@main.group(name="eval")
def eval_group():
    """Score storydiff's judges on labelled data."""


@eval_group.command(name="consistency")
@click.argument("files", nargs=-1, required=True, metavar="FILE.jsonl...")
@click.option("--out", type=click.Path(dir_okay=False, writable=True),
              help="Write every prediction (with probability, reason and per-claim labels) as JSON Lines.")
@click.option("--limit", type=int, default=None, help="Score only the first N rows of each file (quick runs).")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="Keep each text's analysis (claims, embeddings) here between runs.")
@click.option("--settings", "settings_path", type=click.Path(exists=True, dir_okay=False),
              help="A TOML settings file overlaying the defaults; [judge] backend picks the judge.")
def eval_consistency(files, out, limit, cache_dir, settings_path):
    """Score the consistency judge on JSONL files of (source, derived, consistent) rows.

    Each row needs `source` and `derived` (strings) and `consistent`
    (true/false), as in ../shared/data/consistency/. Prints, per file,
    balanced accuracy (the mean recall of the two classes), precision and
    recall for each class, a confusion matrix and the calibration error of
    the probabilities (ECE, 10 bins).

    \b
    Examples:
      storydiff eval consistency ../shared/data/consistency/summedits-news-dev.jsonl
      storydiff eval consistency dev.jsonl --limit 50 --out results.jsonl
    """
    import json as _json

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .backends.embedder import get_embedder
    from .evaluate import AnalysisCache, Metrics, predict, read_examples, reliability
    from .settings import load_settings

    err = _stderr()
    console = Console()
    try:
        settings = load_settings(settings_path)
        datasets = [(path, read_examples(path, limit=limit)) for path in files]  # every file checked up front
        cache = AnalysisCache(settings, get_embedder(settings), cache_dir)
        if out:
            Path(out).parent.mkdir(parents=True, exist_ok=True)  # build/eval/results.jsonl on a fresh checkout
        sink = open(out, "w", encoding="utf-8") if out else None
        try:
            for path, examples in datasets:
                with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                              TimeElapsedColumn(), console=err, transient=True) as progress:
                    task = progress.add_task(f"{path}", total=len(examples))
                    predictions = list(predict(examples, cache, on_row=lambda: progress.advance(task)))
                if sink:
                    for p in predictions:
                        sink.write(_json.dumps({"file": str(path), **p.to_dict()}, ensure_ascii=False) + "\n")
                gold = [p.example.consistent for p in predictions]
                metrics = Metrics.from_labels(gold, [p.consistent for p in predictions])
                ece, _ = reliability(gold, [p.probability for p in predictions])
                for part in _metrics_table(str(path), metrics, ece):
                    console.print(part, soft_wrap=True)
        finally:
            if sink:
                sink.close()
    except StorydiffError as error:
        err.print(f"[bold red]error:[/] {_plain(error)}", soft_wrap=True)
        sys.exit(1)
    if out:
        err.print(f"wrote predictions to {_plain(out)}")


@eval_group.command(name="stories")
@click.argument("path", metavar="FILE.jsonl", type=click.Path(exists=True, dir_okay=False))
@click.option("--baselines", is_flag=True,
              help="Also measure TF-IDF and MiniLM average-link clustering, each at its best threshold (needs scikit-learn).")
@click.option("--settings", "settings_path", type=click.Path(exists=True, dir_okay=False),
              help="A TOML settings file overlaying the defaults; [stories] holds the clustering settings.")
def eval_stories_command(path, baselines, settings_path):
    """Score story clustering on a JSONL file of (id, story, text) rows.

    Articles are clustered incrementally in file order (and in date order
    too when every row has a `date`). Prints B-cubed and pairwise precision,
    recall and F1, and the number of predicted vs gold stories.

    \b
    Examples:
      storydiff eval stories ../shared/data/stories/ecbplus-dev.jsonl
      storydiff eval stories ../shared/data/stories/ecbplus-dev.jsonl --baselines
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from .evaluate_stories import evaluate_stories
    from .settings import load_settings

    err = _stderr()
    try:
        settings = load_settings(settings_path)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err, transient=True) as progress:
            task = progress.add_task(f"clustering {path}", total=None)
            result = evaluate_stories(path, settings, baselines=baselines,
                                      progress=lambda done, total: progress.update(task, completed=done, total=total))
    except StorydiffError as error:
        err.print(f"[bold red]error:[/] {_plain(error)}", soft_wrap=True)
        sys.exit(1)
    table = Table(title=f"{path}: {result['rows']} articles, {result['articles_per_s']:.1f} articles/s")
    for column in ("run", "B³ P", "B³ R", "B³ F1", "pair P", "pair R", "pair F1", "stories (gold)"):
        table.add_column(column, justify="left" if column == "run" else "right")
    runs = [("file order", result["file_order"]), ("date order", result["date_order"])]
    for name, scores in (result["baselines"] or {}).items():
        runs.append((f"{name} (threshold {scores['threshold']:.2f})", scores))
    for name, scores in runs:
        if scores is None:
            continue
        b, p = scores["bcubed"], scores["pairwise"]
        table.add_row(name, *(f"{x:.3f}" for x in (b["precision"], b["recall"], b["f1"],
                                                      p["precision"], p["recall"], p["f1"])),
                      f"{scores['predicted_stories']} ({scores['gold_stories']})")
    Console().print(table)


def _metrics_table(name: str, m, ece: float):
    from rich import box
    from rich.table import Table
    from rich.text import Text

    head = Text()
    head.append(name, style="bold")
    head.append(f"  n={m.n}  balanced accuracy ")
    head.append(f"{m.balanced_accuracy:.3f}", style="bold")
    head.append(f"  accuracy {m.accuracy:.3f}  ECE {ece:.3f}")
    scores = Table(box=box.SIMPLE_HEAD)
    for column in ("class", "precision", "recall", "support"):
        scores.add_column(column, justify="left" if column == "class" else "right")
    scores.add_row("consistent", f"{m.precision_consistent:.3f}", f"{m.recall_consistent:.3f}", str(m.tp + m.fn))
    scores.add_row("inconsistent", f"{m.precision_inconsistent:.3f}", f"{m.recall_inconsistent:.3f}",
                   str(m.tn + m.fp))
    confusion = Table(title="confusion (rows: gold, columns: predicted)", box=box.SIMPLE_HEAD)
    confusion.add_column("gold \\ predicted")
    confusion.add_column("consistent", justify="right")
    confusion.add_column("inconsistent", justify="right")
    confusion.add_row("consistent", str(m.tp), str(m.fn))
    confusion.add_row("inconsistent", str(m.fp), str(m.tn))
    return head, scores, confusion


# --- the corpus: add, stories, show, export (docs/corpus.md) ------------------------------

def _db_option(fn):
    return click.option("--db", "db_path", type=click.Path(dir_okay=False),
                        help="The corpus database file (default: [store] path, "
                             "~/.local/share/storydiff/storydiff.db).")(fn)


def _open_corpus(db_path, settings_path, create=False):
    """The corpus; only commands that add to it (add, load) create a missing database file."""
    from .corpus import Corpus
    from .settings import load_settings

    return Corpus(db_path, load_settings(settings_path), create=create)


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="PATH|URL|FEED...")
@_db_option
@_settings_option
def add(inputs, db_path, settings_path):
    """Add articles to the corpus and group them into stories.

    Each input is a text, HTML, JSON or JSONL file, a folder (read
    recursively; hidden files skipped), an http(s) URL, an RSS/Atom feed
    (a URL or a file; each entry's page is fetched unless the feed carries
    the full text) or an OPML list of feeds. An article already stored is
    counted as a duplicate, never stored twice; a near-copy (syndicated
    wire copy, a repost) is stored but marked as a copy of its original.

    URLs that resolve to private, loopback or link-local addresses are
    refused unless [fetch] allow_private = true.

    Exit status: 0 when every input was read, 1 when any failed (the rest
    are still added), 2 on a usage error.

    \b
    Examples:
      storydiff add saved-pages/
      storydiff add https://example.org/news/feed.xml --db news.db
      storydiff add feeds.opml day.jsonl
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    err = _stderr()
    try:
        corpus = _open_corpus(db_path, settings_path, create=True)
        with corpus, Progress(TextColumn("[bold]adding[/]"), BarColumn(), MofNCompleteColumn(),
                              TimeElapsedColumn(), TextColumn("{task.description}"), console=err) as bar:
            task = bar.add_task("", total=0)

            def progress(kind, value):
                if kind == "total":
                    bar.update(task, total=(bar.tasks[0].total or 0) + value)
                else:
                    name = str(value)
                    bar.update(task, advance=1, description=name if len(name) <= 50 else "…" + name[-49:])

            summary = corpus.add(inputs, progress=progress)
            bar.update(task, description="")
    except StorydiffError as error:
        _corpus_error(err, error)
    err.print(_add_summary_table(summary, corpus.path))
    sys.exit(0 if summary.ok else 1)


def _corpus_error(console, error):
    console.print(f"[bold red]error:[/] {_plain(error)}", soft_wrap=True)  # a path stays on one line
    sys.exit(1)


def _add_summary_table(summary, db_path):
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    counts = summary.counts()
    table = Table(title=f"storydiff add → {db_path}", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("result")
    table.add_column("count", justify="right")
    table.add_column("notes")
    stories = len(set(summary.stories.values()))
    table.add_row("added", str(counts["added"]), f"into {stories} {'story' if stories == 1 else 'stories'}")
    table.add_row("duplicate", str(counts["duplicate"]), "already stored; not stored again")
    table.add_row("near-copy", str(counts["near-copy"]), "stored, marked as copies; not independent sources")
    table.add_row("failed", str(counts["failed"]), "", style="red" if counts["failed"] else None)
    parts = [table]
    if summary.failed:
        failed = Table(title="failed inputs", box=box.SIMPLE_HEAD, title_justify="left")
        failed.add_column("input", overflow="fold")
        failed.add_column("reason", overflow="fold")
        for problem in summary.failed:
            failed.add_row(Text(problem.source), Text(problem.reason))
        parts.append(failed)
    return Group(*parts)


def _terminal_or_json(command):
    """-f/--format terminal|json for stories, timeline and revisions, as provenance and brief take it.

    Their old --json flag stays, hidden, and means `-f json`, so scripts that pass it keep working."""
    command = click.option("--json", "as_json", is_flag=True, hidden=True,
                           help="Deprecated: the same as -f json.")(command)
    return click.option("-f", "--format", "fmt", type=click.Choice(("terminal", "json")), default="terminal",
                        show_default=True)(command)


def _format_from_json_flag(fmt: str, as_json: bool) -> str:
    if not as_json:
        return fmt
    source = click.get_current_context().get_parameter_source("fmt")
    if source is click.core.ParameterSource.COMMANDLINE and fmt != "json":
        raise click.UsageError(f"--json means -f json; give one of --json and -f {fmt}")
    _stderr().print("note: --json is deprecated; use -f json", highlight=False)
    return "json"


@main.group(name="stories", invoke_without_command=True)
@_db_option
@_settings_option
@_terminal_or_json
@click.pass_context
def stories_group(ctx, db_path, settings_path, fmt, as_json):
    """List the corpus's stories (the default), or merge and split them by hand.

    The list shows each story's id, size, independent sources, outlets,
    time span and a title: the headline closest to the story's centre.
    Independent sources come from provenance (a wire story and its rewrites
    count once) for stories already traced by `show`, `provenance` or
    `brief`; for the others only near-copies are discounted, so the count
    is an upper bound, marked "≤".

    \b
    Examples:
      storydiff stories --db news.db
      storydiff stories merge 3f2a 9c1b
      storydiff stories split 3f2a 0d9e4c1a77b2e6f0
    """
    ctx.ensure_object(dict)
    ctx.obj.update(db_path=db_path, settings_path=settings_path)
    if ctx.invoked_subcommand is None:
        ctx.invoke(stories_list, db_path=db_path, settings_path=settings_path,
                   fmt=_format_from_json_flag(fmt, as_json), as_json=False)


@stories_group.command(name="list")
@_db_option
@_settings_option
@_terminal_or_json
@click.pass_context
def stories_list(ctx, db_path, settings_path, fmt, as_json):
    """List stories, largest first: size, independent sources, outlets, time span and title."""
    import dataclasses
    import json as _json

    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    fmt = _format_from_json_flag(fmt, as_json)
    db_path, settings_path = _inherit(ctx, db_path, settings_path)
    try:
        with _open_corpus(db_path, settings_path) as corpus:
            infos = corpus.stories()
    except StorydiffError as error:
        _corpus_error(_stderr(), error)
    if fmt == "json":
        sys.stdout.write(_json.dumps([dataclasses.asdict(i) for i in infos], indent=2, ensure_ascii=False) + "\n")
        return
    table = Table(box=box.SIMPLE_HEAD)
    for column in ("story", "size", "indep.", "outlets", "time span", "title"):
        table.add_column(column, justify="right" if column in ("size", "indep.") else "left", overflow="fold")
    # A story id is what `show` and `stories merge` take: printed whole however narrow the terminal.
    table.columns[0].no_wrap = True
    table.columns[0].min_width = max((len(s.id) for s in infos), default=None)
    for s in infos:
        span = s.first[:10] if s.first else "–"
        if s.last and s.last[:10] != span:
            span += f" – {s.last[:10]}"
        outlets = ", ".join(s.outlets[:3]) + (f" +{len(s.outlets) - 3}" if len(s.outlets) > 3 else "")
        independent = str(s.independent) if s.traced else f"≤{s.independent}"
        # Titles and outlets are the articles' own text: never read as rich markup ("[VIDEO]", "[/]").
        title = Text(s.title) if s.title else Text(s.lead, style="dim italic") if s.lead else "–"
        table.add_row(s.id, str(s.size), independent, Text(outlets) if outlets else "–", span, title)
    Console().print(table)
    if not infos:
        _stderr().print("no stories yet; add articles with `storydiff add`")
    elif not all(s.traced for s in infos):
        _stderr().print("≤: not traced yet, only near-copies discounted; "
                        "`storydiff show STORY` traces reuse and counts rewrites once")
    if any(s.lead for s in infos):
        _stderr().print("[dim italic]italic[/]: no headline given; the opening line of the most central article")


def _inherit(ctx, db_path, settings_path):
    parent = ctx.obj or {}
    return db_path or parent.get("db_path"), settings_path or parent.get("settings_path")


@stories_group.command(name="merge")
@click.argument("keep", metavar="STORY")
@click.argument("absorb", metavar="OTHER")
@_db_option
@_settings_option
@click.pass_context
def stories_merge(ctx, keep, absorb, db_path, settings_path):
    """Move every article of story OTHER into STORY.

    The edit is recorded and applied again whenever the corpus is
    re-clustered. Story ids may be shortened to any unique prefix.
    """
    db_path, settings_path = _inherit(ctx, db_path, settings_path)
    try:
        with _open_corpus(db_path, settings_path) as corpus:
            kept = corpus.merge(keep, absorb)
            size = corpus.story(kept).size
    except StorydiffError as error:
        _corpus_error(_stderr(), error)
    click.echo(f"merged into story {kept} ({size} articles)")


@stories_group.command(name="split")
@click.argument("story", metavar="STORY")
@click.argument("articles", nargs=-1, required=True, metavar="ARTICLE...")
@_db_option
@_settings_option
@click.pass_context
def stories_split(ctx, story, articles, db_path, settings_path):
    """Move ARTICLEs of STORY into a new story of their own.

    The edit is recorded and applied again whenever the corpus is
    re-clustered. Ids may be shortened to any unique prefix.
    """
    db_path, settings_path = _inherit(ctx, db_path, settings_path)
    try:
        with _open_corpus(db_path, settings_path) as corpus:
            new_id = corpus.split(story, articles)
    except StorydiffError as error:
        _corpus_error(_stderr(), error)
    click.echo(f"split {len(set(articles))} article(s) into new story {new_id}")


@main.command()
@click.argument("story", metavar="STORY")
@_db_option
@_settings_option
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="terminal", show_default=True,
              help="Format of the claim comparison.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the claim comparison to this file instead of standard output.")
@click.option("--refresh", is_flag=True, help="Compare again even when a stored result is current.")
@_display_options
def show(story, db_path, settings_path, fmt, output, refresh, color, width):
    """Show a story: its coverage, then the claim comparison across its articles.

    The comparison is stored in the corpus and reused until the story's
    articles or the comparing stages change. Near-copies are listed in the
    coverage but not compared (they add no claims of their own).

    \b
    Examples:
      storydiff show 3f2a
      storydiff show 3f2a --format html -o story.html
    """
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from .corpus import opening_line
    from .report import render
    from .report.view import article_labels

    _check_output_folder(output)
    err = _stderr()
    try:
        with _open_corpus(db_path, settings_path) as corpus:
            story_id, merged = corpus.store.find_story(story)
            if merged:
                err.print(f"story {_plain(story)} was merged into story {story_id}: showing that")
            info = corpus.story(story_id)
            copies = corpus.store.copies()
            articles = corpus.store.articles(info.article_ids)
            cached = corpus.is_cached(info.id) and not refresh
            trace = not info.traced or refresh
            with err.status("Comparing the story's articles…", spinner="dots"):
                # comparing and tracing read the same claims and vectors: when both run, analyse once
                analysis = corpus.analyse_story(info.id) if trace and not cached else None
                report = corpus.compare_story(info.id, refresh=refresh, analysis=analysis)
            if trace:
                with err.status("Tracing reuse between its articles…", spinner="dots"):
                    corpus.provenance(info.id, analysis=analysis)
                info = corpus.story(info.id)
    except StorydiffError as error:
        _corpus_error(err, error)
    if fmt == "terminal":
        from rich.console import Console

        console = Console(force_terminal=color, no_color=color is False, width=width)
        table = Table(title=Text(f"story {info.id}: {info.title or info.lead or ''}", style="italic"),
                      box=box.SIMPLE_HEAD, title_justify="left")
        # "source" is the name the comparison below gives each article: its outlet, else its file and record.
        labels = article_labels(report)
        for column in ("article", "source", "published", "title", "note"):
            table.add_column(column, overflow="fold" if column == "title" else "ellipsis")
        for a in articles:
            note = f"copy of {copies[a.id]}" if a.id in copies else ""
            title = Text(a.title) if a.title else Text(opening_line(a.text) or a.source, style="dim italic")
            table.add_row(a.id, Text(labels.get(a.id, a.label)), (a.published or "–")[:16], title, note)
        console.print(table)
        console.print(f"{info.size} articles, {info.independent} independent source"
                      f"{'' if info.independent == 1 else 's'} (rewrites of one story count once); comparison "
                      f"{'from the store' if cached else 'computed now'}\n")
    text = render(report, fmt, color=color if fmt == "terminal" and not output else None, width=width)
    _emit(text, output, f"{fmt} report")


@main.command()
@_db_option
@_settings_option
@click.option("-f", "--format", "fmt", type=click.Choice(("jsonl", "csv", "parquet")), default="jsonl",
              show_default=True, help="Output format; parquet needs pyarrow installed.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output (required for parquet).")
def export(db_path, settings_path, fmt, output):
    """Export every stored article with its story id and copy_of.

    Columns: id, story_id, copy_of, title, outlet, published, url, source,
    added_at, text.

    \b
    Examples:
      storydiff export --format csv -o corpus.csv
      storydiff export > corpus.jsonl
    """
    if fmt == "parquet" and not output:
        raise click.UsageError("parquet is a binary format: give -o FILE")
    _check_output_folder(output)
    err = _stderr()
    try:
        with _open_corpus(db_path, settings_path) as corpus:
            n = corpus.export(fmt, output if output else sys.stdout)
    except StorydiffError as error:
        _corpus_error(err, error)
    if output:
        err.print(f"wrote {n} articles to {_plain(output)}")



# --- provenance and the corroborated brief (docs/provenance.md) ---------------------------

def _story_or_files(inputs, db_path, settings_path):
    """Articles of a stored story (one id argument that is not a file) or of the given files.

    Returns (articles, settings, story id or None for files)."""
    from pathlib import Path

    from .ingest import load_many
    from .settings import load_settings

    settings = load_settings(settings_path)
    if len(inputs) == 1 and inputs[0] != "-" and not Path(inputs[0]).exists():
        if "/" in inputs[0] or "." in inputs[0]:  # story ids are "s-" and hex: this was meant as a file
            from .errors import InputError

            raise InputError(inputs[0], "no such file (a story id has no \"/\" or \".\"; `storydiff stories` "
                                        "lists them)")
        with _open_corpus(db_path, settings_path) as corpus:
            info = corpus.story(inputs[0])
            return corpus.store.articles(list(info.article_ids)), settings, info.id
    articles, errors = load_many(list(inputs), settings)
    for error in errors:
        _stderr().print(f"[bold red]skipped[/] {_plain(error.source)}: {_plain(error.reason)}")
    click.get_current_context().meta["skipped_inputs"] = len(errors)
    return articles, settings, None


def _exit_for_skipped() -> None:
    """Exit status 1 when an input was skipped, as `compare` has (the rest were still used)."""
    sys.exit(1 if click.get_current_context().meta.get("skipped_inputs") else 0)


_EXTRA_FORMATS = ("terminal", "json", "markdown")


def _story_report_options(command):
    """STORY|FILE... plus --db, --settings, --format and --width: what provenance and brief take."""
    for option in reversed((
        click.argument("inputs", nargs=-1, required=True, metavar="STORY|FILE..."),
        _db_option,
        _settings_option,
        click.option("-f", "--format", "fmt", type=click.Choice(_EXTRA_FORMATS), default="terminal",
                     show_default=True),
        click.option("--width", type=int, default=None, help="Terminal width for the terminal format."),
    )):
        command = option(command)
    return command


@main.command()
@_story_report_options
def provenance(inputs, db_path, settings_path, fmt, width):
    """Who copied whom: shared passages, reused share and likely direction.

    For every pair of articles: verbatim passages (8+ words in order),
    paraphrased sentences, the share of each article that is reused, and
    which is likely the original (earlier publication, else the one that is
    less reused material). Articles joined by heavy reuse count as one
    independent source.

    \b
    Examples:
      storydiff provenance wire.txt rewrite.html
      storydiff provenance 3f2a --db news.db -f json
    """
    from .provenance import trace_provenance
    from .report.extras import render_provenance

    try:
        articles, settings, story_id = _story_or_files(inputs, db_path, settings_path)
        if len(articles) < 2:
            _stderr().print("[red]Fewer than two articles; nothing to trace.[/]")
            sys.exit(1)
        with _stderr().status("Tracing shared passages…", spinner="dots"):
            if story_id:  # a stored story keeps its source groups for `stories` and `show`
                with _open_corpus(db_path, settings_path) as corpus:
                    result = corpus.provenance(story_id)
            else:
                result = trace_provenance(articles, settings)
    except StorydiffError as error:
        _corpus_error(_stderr(), error)
    sys.stdout.write(render_provenance(result, fmt, color=sys.stdout.isatty(), width=width).rstrip() + "\n")
    _exit_for_skipped()


@main.command()
@_story_report_options
def brief(inputs, db_path, settings_path, fmt, width):
    """A short brief built only from what independent sources agree on.

    A headline and 3-7 sentences, each quoted whole from a source and
    followed by the sources that back it; conflicts are stated as
    conflicts, each side in its own words. Nothing is generated.

    \b
    Examples:
      storydiff brief a.txt b.txt c.html
      storydiff brief 3f2a --db news.db
    """
    from .brief import build_brief
    from .pipeline import analyse, compare_articles
    from .provenance import trace_provenance
    from .report.extras import render_brief

    try:
        articles, settings, story_id = _story_or_files(inputs, db_path, settings_path)
        if len(articles) < 2:
            _stderr().print("[red]Fewer than two articles; nothing can be corroborated.[/]")
            sys.exit(1)
        with _stderr().status("Comparing sources…", spinner="dots"):
            # comparing and tracing read the same claims and vectors: analyse once for both
            if story_id:
                with _open_corpus(db_path, settings_path) as corpus:
                    analysis = None if corpus.is_cached(story_id) else corpus.analyse_story(story_id)
                    report = corpus.compare_story(story_id, analysis=analysis)
                    provenance = corpus.provenance(story_id, analysis=analysis)
            else:
                analysis = analyse(articles, settings)
                report = compare_articles(articles, settings, analysis=analysis)
                provenance = trace_provenance(articles, settings, analysis=analysis)
            result = build_brief(report, provenance)
    except StorydiffError as error:
        _corpus_error(_stderr(), error)
    sys.stdout.write(render_brief(result, fmt, color=sys.stdout.isatty(), width=width).rstrip() + "\n")
    _exit_for_skipped()



@main.command()
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback needs a token ($STORYDIFF_TOKEN or [web] token).")
@click.option("--port", default=8000, type=click.IntRange(1, 65535), show_default=True, help="Port to listen on.")
@_settings_option
def serve(db_path, host, port, settings_path):
    """Serve the corpus as web pages and an HTTP API (docs at /docs).

    Pages: / lists the stories with their coverage by outlet, /stories/ID
    shows a story's conflicts, agreements and what only one source says,
    /compare compares two pasted texts or URLs; each page has a .json twin.
    POST endpoints need a token whenever one is set; listening beyond
    loopback without a token is refused. See docs/web.md.

    \b
    Examples:
      storydiff serve --db news.db
      STORYDIFF_TOKEN=... storydiff serve --db news.db --host 0.0.0.0 --port 8080
    """
    import socket

    from .corpus import db_path as corpus_path
    from .settings import load_settings
    from .store import check_file

    err = _stderr()
    try:
        from .web import create_app

        settings = load_settings(settings_path)
        path = corpus_path(db_path, settings)
        check_file(path)  # a file that is not a corpus is refused now, not with a 503 on every request
        app = create_app(settings, db_path, host=host)
    except StorydiffError as error:
        err.print(f"[bold red]error:[/] {_plain(error)}")
        sys.exit(2)
    if not path.exists():
        err.print(f"no corpus at {_plain(path)} yet: it is created when the first article is added "
                  "(POST /api/articles); check --db if you meant an existing one")
    try:  # uvicorn reports a taken port only as a log line and exit status 3
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        err.print(f"[bold red]error:[/] cannot listen on {_plain(host)}:{port}: {_plain(error.strerror or error)}; "
                  "choose another --port")
        sys.exit(1)
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="info")


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="STORY|FILE...")
@click.option("--term", "-t", default=None, help='Only figures about this: "killed", "hostages", "price".')
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, writable=True),
              help="Also save a chart: .png or .svg.")
@_db_option
@_settings_option
@_terminal_or_json
def timeline(inputs, term, plot_path, db_path, settings_path, fmt, as_json):
    """How a figure moved: every source's value over time, with its hedge.

    Each point is one figure in one article, read into its hedged range,
    dated by the article's publication date or else its dateline.

    \b
    Examples:
      storydiff timeline 3f2a --db news.db --term killed --plot toll.png
      storydiff timeline reports/*.html -t hostages -f json
    """
    import dataclasses
    import json as _json

    from rich.console import Console

    from .timeline import figure_timeline, plot_timeline

    fmt = _format_from_json_flag(fmt, as_json)
    if plot_path and Path(plot_path).suffix.lower() not in (".png", ".svg"):
        raise click.BadParameter(f"{plot_path}: a chart is written as .png or .svg; end the name with one",
                                 param_hint="--plot")
    _check_output_folder(plot_path)
    try:
        articles, settings, _ = _story_or_files(inputs, db_path, settings_path)
        with _stderr().status("Reading figures…", spinner="dots"):
            points = figure_timeline(articles, term, settings)
    except StorydiffError as error:
        _stderr().print(f"[bold red]error:[/] {_plain(error)}")
        sys.exit(1)
    if fmt == "json":
        rows = [dataclasses.asdict(p) for p in points]
        sys.stdout.write(_json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        console = Console()
        console.print(f"[bold]Figures{f' about “{_plain(term)}”' if term else ''}[/] · {len(points)} from {len(articles)} articles")
        for p in points:
            q = p.quantity
            # article text is data, never rich markup
            console.print(f"[bold]{p.date or 'undated':10}[/]  {_plain(p.source)}  [yellow]{_plain(q.text)}[/] "
                          f"{q.interval}  [dim]{_plain(q.frame)}[/]", highlight=False)
            console.print(f"            [dim]{_plain(p.sentence)}[/]", highlight=False)
    if plot_path:
        try:
            drawn = plot_timeline(points, plot_path, f"Figures about “{term}”" if term else None)
        except OSError as error:
            _stderr().print(f"[bold red]error:[/] cannot write {_plain(plot_path)}: {_plain(error.strerror or error)}")
            sys.exit(1)
        if drawn:
            _stderr().print(f"wrote a chart of {drawn} dated figures to {_plain(plot_path)}")
        else:
            reason = ("no figure has a date (the articles give no publication date or dateline)" if points
                      else f"the articles give no figures{f' about “{_plain(term)}”' if term else ''}")
            _stderr().print(f"nothing to plot: {reason}; wrote a chart that says so to {_plain(plot_path)}",
                            soft_wrap=True)
    _exit_for_skipped()


@main.command()
@click.argument("url", metavar="URL")
@_db_option
@_settings_option
@_terminal_or_json
def revisions(url, db_path, settings_path, fmt, as_json):
    """What changed between stored versions of one page, claim by claim.

    Adding a URL again after the outlet edited it stores a new version.
    This lists, for each version and the next, the figures that moved,
    quotes reworded or re-attributed, and claims removed or added; not a
    text diff.

    \b
    Example:
      storydiff add https://example.com/story --db news.db   # later, again
      storydiff revisions https://example.com/story --db news.db
      storydiff revisions https://example.com/story --db news.db -f json
    """
    import json as _json

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    fmt = _format_from_json_flag(fmt, as_json)

    try:
        with _open_corpus(db_path, settings_path) as corpus:
            count = len(corpus.store.versions(url))
            with _stderr().status("Comparing versions…", spinner="dots"):
                diffs = corpus.revisions(url)
    except StorydiffError as error:
        _stderr().print(f"[bold red]error:[/] {_plain(error)}")
        sys.exit(1)
    if count == 0:
        _stderr().print(f"[bold red]error:[/] no stored article has the URL {_plain(url)} (URLs must match "
                        "exactly); add it with `storydiff add`")
        sys.exit(1)
    if fmt == "json":
        rows = [{"from": d.old.id, "to": d.new.id, "changes": [
            {"kind": c.kind, "reason": c.reason, "before": c.before, "after": c.after} for c in d.changes]}
            for d in diffs]
        sys.stdout.write(_json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    console = Console()
    console.print(Text(f"{url}: {count} stored version{'' if count == 1 else 's'}"))
    if count == 1:
        console.print(Text("nothing to compare yet: add the URL again after the page changes to store a new "
                           "version", style="dim"))
    for number, diff in enumerate(diffs, start=2):
        table = Table(title=f"version {number - 1} → {number}: {len(diff.changes)} change(s)")
        table.add_column("change", no_wrap=True)
        table.add_column("before", ratio=2, overflow="fold")
        table.add_column("after", ratio=2, overflow="fold")
        for c in diff.changes:
            table.add_row(Text(f"{c.kind}\n{c.reason}"), Text(c.before or "–"), Text(c.after or "–"))
        console.print(table)


# --- batch runs at scale (docs/scale.md) --------------------------------------------------

@main.command()
@click.argument("input_url", metavar="INPUT")
@click.argument("output_url", metavar="OUTPUT")
@click.option("--engine", type=click.Choice(("local", "ray")), default="local", show_default=True,
              help="local: every stage in this process. ray: the same stages on a Ray cluster "
                   "(pip install 'storydiff[ray]').")
@click.option("--address", help="Ray cluster to join, e.g. ray://head:10001 or auto (default: start a local one).")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Ray actors for each model stage (embeddings, comparison).")
@click.option("--gpus-per-actor", type=click.FloatRange(min=0), default=None,
              help="GPUs for each model actor, story signals and comparison alike (default: 1 when the cluster "
                   "has GPUs and that actor's embedder runs on one: [embedder] device = \"cuda\", or \"auto\" "
                   "with a torch backend; the int8 MiniLM never does; else 0).")
@click.option("--block-days", type=float, default=None, help="Width of a time block for story clustering "
              "(default: [batch] block_days, 7).")
@click.option("--margin-days", type=float, default=None, help="How far either side of a block boundary "
              "stories are stitched (default: [batch] margin_days, 2).")
@click.option("--overwrite", is_flag=True, help="Replace datasets already in OUTPUT.")
@_settings_option
def batch(input_url, output_url, engine, address, workers, gpus_per_actor, block_days, margin_days, overwrite,
          settings_path):
    """Run the whole pipeline over a large input and write Parquet datasets.

    INPUT is a JSONL or Parquet file, a glob or a folder of them; a local
    path or any fsspec URL (s3://, gs://, ...). OUTPUT is a folder that gets
    the datasets articles (with story ids), claims, stories (with each
    story's report), verdicts and skipped (dropped records with the reason).

    Both engines run the same stage functions and give the same stories and
    verdicts. `storydiff load OUTPUT --db PATH` brings the result into a
    corpus.

    \b
    Examples:
      storydiff batch day.jsonl out/
      storydiff batch 's3://bucket/news/*.parquet' s3://bucket/out --engine ray --address auto --workers 8
    """
    from .batch import BlockParams, run_batch
    from .settings import load_settings

    err = _stderr()
    try:
        settings = load_settings(settings_path)
        params = BlockParams.from_settings(settings, block_days=block_days, margin_days=margin_days)
        summary = run_batch(input_url, output_url, engine=engine, address=address, settings=settings,
                            params=params, workers=workers, gpus_per_actor=gpus_per_actor, overwrite=overwrite)
    except StorydiffError as error:
        _corpus_error(err, error)
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in summary.counts.items())
    err.print(f"{engine}: {counts} → {_plain(output_url)}")


@main.command()
@click.argument("output_url", metavar="OUTPUT")
@_db_option
@_settings_option
def load(output_url, db_path, settings_path):
    """Bring the result of `storydiff batch` into the corpus.

    Stores the articles, their story signals and stories, and each story's
    comparison, so `storydiff stories`, `show` and `serve` work on them.
    Loading the same OUTPUT again changes nothing.

    \b
    Example:
      storydiff load out/ --db news.db
    """
    from .batch import load_batch
    from .batch.io import read_manifest

    err = _stderr()
    try:
        read_manifest(output_url)  # a wrong OUTPUT is refused before a corpus is created for it
        with _open_corpus(db_path, settings_path, create=True) as corpus:
            summary = load_batch(output_url, corpus)
    except StorydiffError as error:
        _corpus_error(err, error)
    err.print(f"loaded {summary.articles} articles ({summary.new_articles} new) in {summary.stories} stories, "
              f"{summary.comparisons} comparisons → {_plain(corpus.path)}")


def _stderr():
    from rich.console import Console

    return Console(stderr=True)


if __name__ == "__main__":  # pragma: no cover
    main()
