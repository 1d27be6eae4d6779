"""Terminal tables for evaluation reports: one column per run, and for each later run
the difference to the first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.markup import escape
from rich.table import Table

from llmextract.report import Comparison, Estimate, FieldScore, Report, compare

Cell = Estimate | FieldScore | float | int | None


@dataclass(frozen=True)
class _Row:
    label: str
    value: Callable[[Report], Cell]
    headline: str | None = None
    """Name of the headline figure, whose differences have paired intervals."""


def _rows(reports: list[Report]) -> list[_Row | str]:
    """Rows, with section titles as plain strings."""
    rows: list[_Row | str] = [
        "events",
        _Row("precision (micro)", lambda r: r.events.precision, "event_precision"),
        _Row("recall (micro)", lambda r: r.events.recall, "event_recall"),
        _Row("F1 (micro)", lambda r: r.events.f1, "event_f1"),
        _Row("precision (macro)", lambda r: r.events.macro_precision, "event_macro_precision"),
        _Row("recall (macro)", lambda r: r.events.macro_recall, "event_macro_recall"),
        _Row("F1 (macro)", lambda r: r.events.macro_f1, "event_macro_f1"),
        _Row("matched", lambda r: r.events.matched),
        _Row("predicted", lambda r: r.events.predicted),
        _Row("gold", lambda r: r.events.gold),
        "documents",
        _Row("relevance precision", lambda r: r.relevance.precision, "relevance_precision"),
        _Row("relevance recall", lambda r: r.relevance.recall, "relevance_recall"),
        _Row("relevance F1", lambda r: r.relevance.f1, "relevance_f1"),
        _Row("correct negatives", lambda r: r.relevance.true_negatives),
        _Row("event-count error (MAE)", lambda r: r.count_error, "count_error"),
        _Row("documents", lambda r: r.documents),
        _Row("without a prediction line", lambda r: r.documents_without_prediction),
        "fields on matched pairs (agreement, n pairs stating it)",
    ]
    rows += [_Row(score.field, _field(i)) for i, score in enumerate(reports[0].fields)]
    rows += [
        "grounding",
        _Row("spans = source[start:end]", lambda r: r.grounding.exact_span_share),
        _Row("values supported by quote", lambda r: r.grounding.supported_value_share),
        _Row("evidence overlap (char Dice)", lambda r: r.grounding.evidence_overlap),
    ]
    if any(r.cost is not None for r in reports):
        rows += [
            "cost per document",
            _Row("calls", lambda r: r.cost.calls_per_document if r.cost else None),
            _Row("prompt tokens", lambda r: r.cost.prompt_tokens_per_document if r.cost else None),
            _Row(
                "completion tokens",
                lambda r: r.cost.completion_tokens_per_document if r.cost else None,
            ),
            _Row("seconds", lambda r: r.cost.seconds_per_document if r.cost else None),
        ]
    return rows


def _field(i: int) -> Callable[[Report], Cell]:
    return lambda r: r.fields[i]


def _show(cell: Cell) -> str:
    if cell is None:
        return "—"
    if isinstance(cell, FieldScore):
        return f"{_show(cell.score)} (n={cell.pairs})"
    if isinstance(cell, Estimate):
        if cell.low is None or cell.high is None:
            return f"{cell.value:.3f}"
        return f"{cell.value:.3f} [{cell.low:.3f}, {cell.high:.3f}]"
    return str(cell) if isinstance(cell, int) else f"{cell:.3f}"


def _number(cell: Cell) -> float | None:
    if isinstance(cell, FieldScore):
        return cell.score
    return cell.value if isinstance(cell, Estimate) else cell


def _show_difference(row: _Row, base: Report, other: Report, comparison: Comparison) -> str:
    if row.headline is not None:
        diff = comparison.difference(other.run, row.headline)
        return f"{diff.delta:+.3f}" + (" *" if diff.excludes_zero else "")
    a, b = _number(row.value(base)), _number(row.value(other))
    if a is None or b is None:
        return ""
    return f"{b - a:+d}" if isinstance(a, int) and isinstance(b, int) else f"{b - a:+.3f}"


def render(runs: Comparison | Report) -> Table:
    """One table for one run, or for every run of a comparison side by side."""
    comparison = runs if isinstance(runs, Comparison) else compare([runs], n_bootstrap=0)
    reports = comparison.runs
    first = reports[0]
    confidence = round(first.config.get("confidence", 0.95) * 100)
    caption = (
        f"{first.dataset} · splits {', '.join(first.splits)} · roles "
        f"{', '.join(first.roles or ['all'])} · statuses {', '.join(first.statuses or ['all'])}"
        f" · [low, high] = bootstrap {confidence}% interval over documents"
        f" ({first.n_bootstrap} resamples, seed {first.seed})"
    )
    if len(reports) > 1:
        caption += f" · Δ = run − {first.run}; * = paired {confidence}% interval excludes 0"
    table = Table(title="llmextract eval", caption=escape(caption))
    table.add_column("figure")
    for report in reports:
        table.add_column(escape(report.run), justify="right")
    for report in reports[1:]:
        table.add_column(escape(f"Δ {report.run}"), justify="right")
    for row in _rows(reports):
        if isinstance(row, str):
            table.add_section()
            table.add_row(f"[bold]{escape(row)}[/bold]")
            continue
        cells = [_show(row.value(r)) for r in reports]
        cells += [_show_difference(row, first, r, comparison) for r in reports[1:]]
        table.add_row(*(escape(c) for c in (row.label, *cells)))
    return table
