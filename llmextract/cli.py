"""The command line: `llmextract extract | eval | dataset | cache`."""

from __future__ import annotations

import datetime as dt
import inspect
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console

from llmextract.llm import DEFAULT_MAX_BACKOFF, Mode
from llmextract.output import OutputFormat

if TYPE_CHECKING:
    from collections.abc import Iterable

    from llmextract.cache import ResponseCache
    from llmextract.corpus import Document, InputProblem
    from llmextract.dataset import LabelledDocument
    from llmextract.extract import Extractor
    from llmextract.output import FileSink
    from llmextract.runner import RunListener
    from llmextract.schema import DocumentResult

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="llmextract",
    help="Typed, source-grounded records of military strikes from news articles.",
    no_args_is_help=True,
    add_completion=False,
)
dataset_app = typer.Typer(
    name="dataset",
    help="Check a labelled set (datasets/NAME) and count what it holds.",
    no_args_is_help=True,
)
app.add_typer(dataset_app)

# Commands import their modules when they run, so `--help` and light commands do not pay
# for scipy and the scoring code.
console = Console()

SetDir = Annotated[
    Path,
    typer.Argument(
        help="A labelled set: its root (e.g. datasets/strikes-v1, every split) "
        "or one split folder (e.g. datasets/strikes-v1/dev).",
        exists=True,
        file_okay=False,
    ),
]


def _reflowed(command: F) -> F:
    """Join the single line breaks of a command's docstring: typer's rich help keeps them
    in every paragraph after the first, which wraps badly in a terminal."""
    paragraphs = inspect.cleandoc(command.__doc__ or "").split("\n\n")
    command.__doc__ = "\n\n".join(" ".join(p.split()) for p in paragraphs)
    return command


def _fail(message: str) -> typer.Exit:
    _say(message)
    return typer.Exit(1)


@dataset_app.command("check")
@_reflowed
def dataset_check(directory: SetDir) -> None:
    """Validate a labelled set and list every problem found.

    Checks that every article is listed exactly once in gold.jsonl, every line is valid
    JSON and fits the schema (enum values, ISO dates with start <= end, publication date),
    country codes are ISO 3166-1 alpha-3, and every quote occurs verbatim in its article.
    Each problem is printed as FILE:LINE: FIELD: MESSAGE. Exit code 1 when there are
    problems, 0 (with a one-line summary) when the set is clean.
    """
    from llmextract.dataset import check_labelled_set, labelled_set_stats

    problems = check_labelled_set(directory)
    if problems:
        for problem in problems:
            typer.echo(str(problem))
        raise _fail(f"{len(problems)} problem(s) in {directory}")
    stats = labelled_set_stats(directory)
    splits = {name: s for name, s in stats.columns.items() if name != "total"}
    total = stats.columns.get("total", next(iter(splits.values())))
    per_split = ", ".join(f"{name} {s.articles}" for name, s in splits.items())
    typer.echo(
        f"OK {directory}: {total.articles} articles ({per_split}), {total.events} events, "
        f"{total.negatives} negatives"
    )


@dataset_app.command("stats")
@_reflowed
def dataset_stats(
    directory: SetDir,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print a Markdown table, as the set's README shows.")
    ] = False,
) -> None:
    """Count articles, negatives, long articles, events by role, type and status,
    relative-only dates and conflicting casualty claims, per split and in total."""
    from llmextract.dataset import LabelledSetError, labelled_set_stats

    try:
        stats = labelled_set_stats(directory)
    except LabelledSetError as exc:
        raise _fail(str(exc)) from exc
    if markdown:
        typer.echo(stats.to_markdown(), nl=False)
    else:
        console.print(stats.to_rich_table(title=str(directory)))


def _comma_list(value: str | None, choices: type[StrEnum], option: str) -> list[str] | None:
    """Values of a comma-separated option, checked against an enum."""
    if not value:
        return None
    items = [v.strip() for v in value.split(",") if v.strip()]
    allowed = [c.value for c in choices]
    bad = [v for v in items if v not in allowed]
    if bad:
        raise typer.BadParameter(f"{bad} not in {allowed}", param_hint=option)
    return items


def _run_names(paths: list[Path]) -> list[str]:
    """File stems, or whole paths where two files share a stem."""
    stems = [p.stem for p in paths]
    return [s if stems.count(s) == 1 else str(p) for s, p in zip(stems, paths, strict=True)]


# -- extract and cache: running a backend over folders -----------------------------------------
# Exit codes: 0 every document done, 1 some documents failed, 2 usage error, 130 interrupted.

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

cache_app = typer.Typer(
    name="cache",
    help="Inspect or empty the response cache (see `extract --cache-dir`).",
    no_args_is_help=True,
)
app.add_typer(cache_app)


class BackendChoice(StrEnum):
    OPENAI = "openai"
    RULES = "rules"


def _say(message: str) -> None:
    """A message on stderr, never parsed as rich markup (it may quote article text)."""
    typer.echo(message, err=True)


def _usage_error(message: str) -> typer.Exit:
    _say(f"error: {message}")
    return typer.Exit(EXIT_USAGE)


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not an ISO date (YYYY-MM-DD)", param_hint="--published"
        ) from None


def _check_paths(paths: list[str]) -> None:
    for raw in paths:
        if raw != "-" and not Path(raw).exists() and not Path(raw).is_symlink():
            raise typer.BadParameter(f"no such file or folder: {raw}", param_hint="PATH...")


def _listener(quiet: bool) -> RunListener:
    from rich.console import Console

    from llmextract.progress import PlainProgress, QuietProgress, RichProgress

    if quiet:
        return QuietProgress(sys.stderr)
    if sys.stderr.isatty():
        return RichProgress(Console(stderr=True))
    return PlainProgress(sys.stderr)


def _open_cache(
    no_cache: bool, cache_dir: Path | None, extractor: Extractor
) -> ResponseCache | None:
    from llmextract.cache import ResponseCache

    if no_cache or extractor.backend == "rules":
        return None
    return ResponseCache(cache_dir)


def _dry_run(
    corpus: Iterable[Document | InputProblem],
    extractor: Extractor,
    *,
    done: set[str],
    cache: ResponseCache | None,
    prefilter: bool,
) -> None:
    from llmextract.progress import cost_text
    from llmextract.runner import ESTIMATED_COMPLETION_TOKENS, PlanTotals, plan

    totals = PlanTotals(model=extractor.model)
    items = plan(corpus, extractor, done=done, cache=cache, prefilter=prefilter, totals=totals)
    for item in items:
        size = f"{item.chars:>9,} chars  ≈{item.prompt_tokens:>8,} tokens" if item.chars else ""
        note = f"  ({item.note})" if item.note else ""
        typer.echo(f"{item.action:<13} {item.doc_id or item.source}  {size}{note}".rstrip())
    counts = ", ".join(f"{n} {action}" for action, n in sorted(totals.actions.items()))
    typer.echo(f"dry run, nothing was sent: {totals.documents} documents ({counts or 'none'})")
    if extractor.model:
        typer.echo(
            f"estimate for {totals.to_send} documents to send to {extractor.model}: "
            f"≈{totals.prompt_tokens:,} prompt tokens + ≈{totals.completion_tokens:,} "
            f"completion tokens (assuming {ESTIMATED_COMPLETION_TOKENS} a document) · "
            f"{cost_text(totals.cost)}"
        )


def _resume_notices(sink: FileSink, extractor: Extractor) -> list[str]:
    state = sink.resume_state
    notices = []
    if state.torn_bytes:
        notices.append(
            f"repaired {sink.results.path}: cut off a torn last line ({state.torn_bytes} "
            "bytes) left by an interrupted run; that document runs again"
        )
    if state.done:
        notices.append(
            f"resuming: {len(state.done)} documents already in {sink.results.path} are skipped"
        )
    others = {p for p in state.producers if p != (extractor.backend, extractor.model)}
    if others:
        names = ", ".join(f"{b}/{m}" if m else b for b, m in sorted(others, key=str))
        notices.append(
            f"note: some documents in the output came from {names}, not "
            f"{extractor.backend}/{extractor.model}; they are kept (use a new -o to redo them)"
        )
    return notices


# -- options shared by `extract` and `eval` ----------------------------------------------------

BackendOpt = Annotated[
    BackendChoice | None,
    typer.Option(
        help="openai (any OpenAI-compatible endpoint) or rules (offline). "
        "Default: openai when a model is configured, else rules."
    ),
]
ModelOpt = Annotated[str | None, typer.Option(help="Model name, e.g. gpt-4.1-mini or llama3.1:8b.")]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (Ollama). "
        "Default: OpenAI's."
    ),
]
ModeOpt = Annotated[
    Mode | None,
    typer.Option(
        help="How structured output is requested; json modes suit local servers without "
        "tool calling.",
        show_default=False,
    ),
]
ConcurrencyOpt = Annotated[int, typer.Option(min=1, help="Documents in flight at once.")]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Processes that extract, each with its own share of --concurrency (one process "
        "spends about 10 ms of CPU per model call). Default: one per 16 documents in flight, up "
        "to the number of CPUs; 1 for the rules backend.",
        show_default=False,
    ),
]
TimeoutOpt = Annotated[
    float, typer.Option(min=0.001, help="Seconds to wait for one HTTP response.")
]
MaxBackoffOpt = Annotated[
    float,
    typer.Option(
        min=0.001,
        help="Longest wait, in seconds, before retrying a failed request (429, 5xx, "
        "timeout), even when the server asks for longer with Retry-After.",
    ),
]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Neither read nor write the response cache.")
]
CacheDirOpt = Annotated[
    Path | None,
    typer.Option(
        help="Response cache folder. Default: LLMEXTRACT_CACHE_DIR, else ~/.cache/llmextract.",
        show_default=False,
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no summary.")]


def _open_backend(
    backend: BackendChoice | None,
    *,
    model: str | None,
    base_url: str | None,
    mode: Mode | None,
    timeout: float,
    no_cache: bool,
    cache_dir: Path | None,
    quiet: bool,
    rpm: float | None = None,
    max_backoff: float | None = None,
    workers: int | None = 1,
    concurrency: int = 8,
) -> tuple[Extractor, ResponseCache | None]:
    """The extractor and response cache a command runs with; usage errors exit with 2."""
    from llmextract.errors import ConfigurationError
    from llmextract.runner import make_extractor

    try:
        extractor = make_extractor(
            None if backend is None else backend.value,
            model=model,
            base_url=base_url,
            mode=mode,
            timeout=timeout,
            max_backoff=max_backoff,
            rpm=rpm,
            workers=workers,
            concurrency=concurrency,
        )
        cache = _open_cache(no_cache, cache_dir, extractor)
    except ConfigurationError as exc:
        raise _usage_error(str(exc)) from exc
    if extractor.backend == "rules" and backend is None and not quiet:
        _say(
            "notice: no model configured (no --model, LLMEXTRACT_MODEL or OPENAI_API_KEY): "
            "running the offline rules backend."
        )
    processes = getattr(extractor, "workers", 1)
    if processes > 1 and not quiet:
        _say(f"extracting in {processes} worker processes, {concurrency} documents in flight")
    return extractor, cache


def _backend_run(
    extractor: Extractor,
    cache: ResponseCache | None,
    documents: list[LabelledDocument],
    concurrency: int,
    quiet: bool,
    save: Path | None,
) -> tuple[str, list[DocumentResult]]:
    """Extract the labelled documents through the runner; failures are reported and
    scored as documents without a prediction."""
    from llmextract.corpus import Document
    from llmextract.runner import CollectingSink, RunOptions, run

    corpus = [
        Document(doc_id=d.doc_id, text=d.text, published=d.published, source=str(d.article_path))
        for d in documents
    ]
    sink = CollectingSink()
    options = RunOptions(
        concurrency=concurrency, cache=cache, listener=_listener(quiet), expected=len(corpus)
    )
    run(corpus, extractor, sink, options)
    for error in sink.errors:
        _say(f"failed: {error.doc_id}: {error.message}")
    if save is not None:
        save.write_text("".join(r.model_dump_json() + "\n" for r in sink.results), "utf-8")
    name = (
        extractor.backend if extractor.model is None else f"{extractor.backend}:{extractor.model}"
    )
    return name, sink.results


@app.command("eval")
@_reflowed
def eval_command(
    dataset_dir: SetDir,
    predictions: Annotated[
        list[Path] | None,
        typer.Option(
            "--predictions",
            "-p",
            exists=True,
            dir_okay=False,
            help="A JSONL file of extraction results (what `extract` writes; gold-shaped "
            "lines with quote strings also load). Repeat to compare runs side by side: "
            "differences are to the first run.",
        ),
    ] = None,
    backend: BackendOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    mode: ModeOpt = None,
    concurrency: ConcurrencyOpt = 8,
    workers: WorkersOpt = None,
    timeout: TimeoutOpt = 60.0,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    save: Annotated[
        Path | None,
        typer.Option(
            help="Also write the backend run's results as JSONL (what `extract` writes), "
            "to score or compare later with --predictions.",
            show_default=False,
        ),
    ] = None,
    quiet: QuietOpt = False,
    roles: Annotated[
        str | None, typer.Option(help="Score only events with these roles, e.g. main,related.")
    ] = None,
    statuses: Annotated[
        str | None, typer.Option(help="Score only events with these statuses, e.g. occurred.")
    ] = None,
    split: Annotated[
        str | None, typer.Option(help="Score only this split of the set, e.g. dev.")
    ] = None,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Write every figure as JSON to this file.")
    ] = None,
    errors_file: Annotated[
        Path | None,
        typer.Option(
            "--errors",
            help="Write the per-document error analysis as JSONL: missed gold events and "
            "spurious predictions with their quotes, field disagreements on matched pairs.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap resampling.")] = 0,
    bootstrap: Annotated[
        int, typer.Option(help="Bootstrap resamples for the 95% intervals (0: none).")
    ] = 1000,
) -> None:
    """Run a backend over a labelled set, or read prediction files, and score them.

    With --backend (or --model), the set's articles go through the same path as `extract`
    (concurrency, response cache); with --predictions, existing results are scored; both
    together are compared side by side, the backend run first. Scoring follows DESIGN.md
    "Scoring".

    Prints event precision / recall / F1 (micro and macro), document relevance, event-count
    error, per-field agreement, grounding figures and cost per document, with bootstrap
    95% intervals over documents. A document without a prediction line counts as
    predicted-empty.
    """
    from llmextract.dataset import LabelledSetError, load_labelled_set
    from llmextract.errors import ConfigurationError
    from llmextract.evaluate import compare, evaluate, load_predictions
    from llmextract.report_table import render
    from llmextract.schema import Role, Status

    role_list = _comma_list(roles, Role, "--roles")
    status_list = _comma_list(statuses, Status, "--statuses")
    run_backend = backend is not None or model is not None or not predictions
    try:
        gold = load_labelled_set(dataset_dir)
        articles = {d.doc_id: d.text for d in gold.documents}
        runs: list[tuple[str, list[DocumentResult]]] = []
        if run_backend:
            extractor, cache = _open_backend(
                backend,
                model=model,
                base_url=base_url,
                mode=mode,
                timeout=timeout,
                no_cache=no_cache,
                cache_dir=cache_dir,
                quiet=quiet,
                workers=workers,
                concurrency=concurrency,
            )
            chosen = [d for d in gold.documents if split is None or d.split == split]
            runs.append(_backend_run(extractor, cache, chosen, concurrency, quiet, save))
        runs += [
            (name, load_predictions(path, articles=articles))
            for name, path in zip(_run_names(predictions or []), predictions or [], strict=True)
        ]
        reports = [
            evaluate(
                results,
                gold,
                roles=role_list,
                statuses=status_list,
                split=split,
                seed=seed,
                n_bootstrap=bootstrap,
                name=name,
            )
            for name, results in runs
        ]
    except ConfigurationError as exc:
        raise _usage_error(str(exc)) from exc
    except (LabelledSetError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    comparison = compare(reports, seed=seed, n_bootstrap=bootstrap)
    console.print(render(comparison))
    if json_file is not None:
        text = reports[0].to_json() if len(reports) == 1 else comparison.to_json()
        json_file.write_text(text + "\n", encoding="utf-8")
    if errors_file is not None:
        errors_file.write_text("".join(r.errors_jsonl() for r in reports), encoding="utf-8")


@app.command(
    "extract",
    help="Extract strike events from articles in files and folders into one output file.\n\n"
    "Reads .txt, .md (front matter `published:`/`id:`), .html (article text taken out by "
    "trafilatura), .json and .jsonl records, and - for stdin; folders are read recursively "
    "in sorted order. Each document becomes one line of OUT, written as soon as it is done. "
    "Rerunning with the same -o resumes: documents already in OUT are skipped, and the "
    "response cache makes repeated documents free. Documents that cannot be read or "
    "extracted are listed in OUT's .errors.jsonl file and the run goes on.\n\n"
    "The model comes from --model/--base-url or the environment (LLMEXTRACT_MODEL, "
    "OPENAI_API_KEY, OPENAI_BASE_URL); with none, the offline rules backend runs.\n\n"
    "Exit codes: 0 every document done, 1 some documents failed, 2 usage error.",
)
def extract_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Article files, folders (read recursively), or - for stdin.",
            metavar="PATH",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="OUT",
            help="Output file. Rerunning with the same file resumes the run.",
        ),
    ],
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="jsonl: one line per document (events, diagnostics, usage); events-jsonl: "
            "one line per event; csv: one row per event; json: one array of documents. "
            "Default: from OUT's suffix (.csv, .json), else jsonl.",
            show_default=False,
        ),
    ] = None,
    backend: BackendOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    mode: ModeOpt = None,
    published: Annotated[
        str | None,
        typer.Option(
            help="Publication date (YYYY-MM-DD) for documents that state none in a "
            "record field, front matter, sidecar or HTML metadata."
        ),
    ] = None,
    concurrency: ConcurrencyOpt = 8,
    workers: WorkersOpt = None,
    rpm: Annotated[
        float | None,
        typer.Option(
            min=0.001,
            help="At most this many HTTP requests a minute, retries included.",
            show_default=False,
        ),
    ] = None,
    timeout: TimeoutOpt = 60.0,
    max_backoff: MaxBackoffOpt = DEFAULT_MAX_BACKOFF,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    prefilter: Annotated[
        bool,
        typer.Option(
            "--prefilter",
            help="Send only articles the rules backend's "
            "relevance test finds may report a strike; the rest get no events.",
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="List what would be sent, with a token and cost estimate; send and write nothing.",
        ),
    ] = False,
    quiet: QuietOpt = False,
    include: Annotated[
        list[str] | None,
        typer.Option(
            help="Only files matching this glob (relative path or name, e.g. '*.txt'); repeatable.",
            show_default=False,
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            help="Skip files and folders matching this glob; repeatable.", show_default=False
        ),
    ] = None,
    text_field: Annotated[str, typer.Option(help="Text field of JSON records.")] = "text",
    id_field: Annotated[str, typer.Option(help="Id field of JSON records.")] = "id",
    published_field: Annotated[
        str, typer.Option(help="Publication-date field of JSON records.")
    ] = "published",
) -> None:
    from llmextract.corpus import Corpus, CorpusOptions
    from llmextract.errors import ConfigurationError
    from llmextract.output import FileSink, OutputError, ResultsFile, infer_format, results_path
    from llmextract.progress import summary_lines
    from llmextract.runner import RunOptions, run

    _check_paths(paths)
    if str(output) == "-":
        raise typer.BadParameter(
            "results go to a file, so that an interrupted run can resume; name one",
            param_hint="--output",
        )
    fallback_date = _parse_date(published)
    fmt = infer_format(output, output_format)
    extractor, cache = _open_backend(
        backend,
        model=model,
        base_url=base_url,
        mode=mode,
        timeout=timeout,
        max_backoff=max_backoff,
        no_cache=no_cache,
        cache_dir=cache_dir,
        quiet=quiet,
        rpm=rpm,
        workers=workers,
        concurrency=concurrency,
    )
    corpus = Corpus(
        paths,
        CorpusOptions(
            include=tuple(include or ()),
            exclude=tuple(exclude or ()),
            text_field=text_field,
            id_field=id_field,
            published_field=published_field,
            published=fallback_date,
        ),
    )
    try:
        if dry_run:
            done = ResultsFile(results_path(output, fmt)).resume(repair=False).done
            _dry_run(corpus, extractor, done=done, cache=cache, prefilter=prefilter)
            return
        sink = FileSink(output, fmt)
    except (OutputError, ConfigurationError) as exc:
        raise _usage_error(str(exc)) from exc
    except OSError as exc:
        raise _usage_error(f"cannot write {output}: {exc.strerror or exc}") from exc
    listener = _listener(quiet)
    for notice in _resume_notices(sink, extractor):
        listener.notice(notice)
    options = RunOptions(
        concurrency=concurrency,
        cache=cache,
        prefilter=prefilter,
        listener=listener,
        expected=corpus.expected_documents(),
    )
    try:
        summary = run(corpus, extractor, sink, options)
    except KeyboardInterrupt:
        sink.close(complete=False)
        _say(
            f"interrupted: finished documents are in {sink.results.path}; rerun the same "
            "command to resume"
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except ConfigurationError as exc:
        sink.close(complete=False)
        raise _usage_error(str(exc)) from exc
    sink.close(complete=True)
    if not quiet:
        for line in summary_lines(summary):
            _say(line)
        _say(f"output: {output}")
        if sink.errors.count:
            _say(f"errors: {sink.errors.path} ({sink.errors.count})")
    raise typer.Exit(summary.exit_code)


CacheDirOption = Annotated[
    Path | None,
    typer.Option(
        help="Cache folder. Default: LLMEXTRACT_CACHE_DIR, else ~/.cache/llmextract.",
        show_default=False,
    ),
]


@cache_app.command("info", help="Where the cache is, how big, and how many results per model.")
def cache_info_command(cache_dir: CacheDirOption = None) -> None:
    from llmextract.cache import ResponseCache
    from llmextract.errors import ConfigurationError

    try:
        info = ResponseCache(cache_dir).info()
    except ConfigurationError as exc:
        raise _usage_error(str(exc)) from exc
    typer.echo(f"cache: {info.path}")
    typer.echo(f"entries: {info.entries} ({info.size_bytes / 1e6:.1f} MB on disk)")
    for name, count in sorted(info.by_model.items()):
        typer.echo(f"  {name or '(no model)'}: {count}")
    if info.oldest is not None and info.newest is not None:
        oldest = dt.datetime.fromtimestamp(info.oldest).isoformat(timespec="seconds")
        newest = dt.datetime.fromtimestamp(info.newest).isoformat(timespec="seconds")
        typer.echo(f"written: {oldest} .. {newest}")


@cache_app.command("clear", help="Remove cached results (all, or one model's).")
def cache_clear_command(
    cache_dir: CacheDirOption = None,
    model: Annotated[
        str | None, typer.Option(help="Remove only this model's results.", show_default=False)
    ] = None,
) -> None:
    from llmextract.cache import ResponseCache
    from llmextract.errors import ConfigurationError

    try:
        cache = ResponseCache(cache_dir)
        removed = cache.clear(model)
    except ConfigurationError as exc:
        raise _usage_error(str(exc)) from exc
    typer.echo(f"removed {removed} cached results from {cache.path}")


# -- end of extract and cache ------------------------------------------------------------------


def main() -> None:
    app()


if __name__ == "__main__":
    main()
