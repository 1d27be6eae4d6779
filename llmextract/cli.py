"""The command line: `llmextract extract | eval | dataset | cache`."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

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
    typer.echo(message, err=True)
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
            "differences are to the first file.",
        ),
    ] = None,
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
    """Score predictions against a labelled set, as DESIGN.md "Scoring" says.

    Prints event precision / recall / F1 (micro and macro), document relevance, event-count
    error, per-field agreement, grounding figures and cost per document, with bootstrap
    95% intervals over documents. A document without a prediction line counts as
    predicted-empty.
    """
    from llmextract.dataset import LabelledSetError, load_labelled_set
    from llmextract.evaluate import compare, evaluate, load_predictions
    from llmextract.report_table import render
    from llmextract.schema import Role, Status

    role_list = _comma_list(roles, Role, "--roles")
    status_list = _comma_list(statuses, Status, "--statuses")
    if not predictions:
        raise _fail("nothing to score: give at least one --predictions FILE")
    try:
        gold = load_labelled_set(dataset_dir)
        articles = {d.doc_id: d.text for d in gold.documents}
        # Each run is (name, results); a backend run would join this list.
        runs = [
            (name, load_predictions(path, articles=articles))
            for name, path in zip(_run_names(predictions), predictions, strict=True)
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
    except (LabelledSetError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    comparison = compare(reports, seed=seed, n_bootstrap=bootstrap)
    console.print(render(comparison))
    if json_file is not None:
        text = reports[0].to_json() if len(reports) == 1 else comparison.to_json()
        json_file.write_text(text + "\n", encoding="utf-8")
    if errors_file is not None:
        errors_file.write_text("".join(r.errors_jsonl() for r in reports), encoding="utf-8")


def main() -> None:
    app()
