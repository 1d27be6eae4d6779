"""Score predictions against a labelled set (DESIGN.md "Scoring"; issue 4).

``evaluate(predictions, gold) -> Report``. Per document, gold events (quotes located with
``str.find``) and predicted events are matched one-to-one (:mod:`llmextract.matching`);
the counts feed the headline figures and their bootstrap intervals
(:mod:`llmextract.metrics`), matched pairs feed the field scores
(:mod:`llmextract.field_scores`), and predicted spans feed the grounding figures.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llmextract import grounding, metrics
from llmextract.dataset import LabelledDocument, LabelledSet, load_labelled_set
from llmextract.field_scores import FIELD_RULES, field_agreement
from llmextract.matching import EventView, Matching, ScoringConfig, char_dice, match_events
from llmextract.quotes import QuoteNotFoundError, locate_quotes
from llmextract.report import (
    Comparison,
    CostFigures,
    DocumentCounts,
    DocumentErrors,
    Estimate,
    EventDigest,
    EventFigures,
    FieldDisagreement,
    FieldScore,
    GroundingFigures,
    RelevanceFigures,
    Report,
    compare,
)
from llmextract.schema import DocumentResult, Role, Status, StrikeEvent, Usage

__all__ = [
    "Comparison",
    "Predictions",
    "Report",
    "ScoringConfig",
    "compare",
    "evaluate",
    "load_predictions",
]

DEFAULT_CONFIG = ScoringConfig()

Predictions = Mapping[str, Sequence[StrikeEvent]] | Iterable[DocumentResult] | Path | str
"""doc_id -> events, ``DocumentResult`` lines, or a JSONL file of them."""


def load_predictions(
    path: Path | str, *, articles: Mapping[str, str] | None = None
) -> list[DocumentResult]:
    """Read a JSONL file of :class:`DocumentResult` lines (what ``extract`` writes).

    Lines whose quotes are plain strings (gold lines, say) are accepted too: each quote
    is located in ``articles[doc_id]`` with ``str.find``, so a labelled set can be scored
    against itself. A line without ``backend`` gets "unknown". ``ValueError`` names the
    file and line of anything unreadable.
    """
    results = []
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            if _holds_quote_strings(raw):
                raw = _locate_line(raw, articles)
            if isinstance(raw, dict):
                raw = {"backend": "unknown", **raw}
            results.append(DocumentResult.model_validate(raw))
        except (ValueError, TypeError) as exc:  # JSON, validation and location errors
            raise ValueError(f"{path}:{number}: {exc}") from exc
    return results


def _holds_quote_strings(raw: Any) -> bool:
    events = raw.get("events") if isinstance(raw, dict) else None
    return any(
        isinstance(quote, str)
        for event in (events if isinstance(events, list) else [])
        if isinstance(event, dict)
        for quote in event.get("evidence", [])
    )


def _locate_line(raw: dict[str, Any], articles: Mapping[str, str] | None) -> dict[str, Any]:
    doc_id = raw.get("doc_id")
    if articles is None or not isinstance(doc_id, str) or doc_id not in articles:
        raise ValueError(f"quoted events for {doc_id!r} need its article text to locate them")
    events = [locate_quotes(event, articles[doc_id]) for event in raw["events"]]
    return {**raw, "events": events}


@dataclass(frozen=True)
class _Run:
    """Predictions by document, and usage where prediction lines carried it."""

    name: str
    events: dict[str, list[StrikeEvent]]
    usage: dict[str, Usage]


def _as_run(predictions: Predictions, articles: Mapping[str, str], name: str | None) -> _Run:
    if isinstance(predictions, str | Path):
        lines = load_predictions(predictions, articles=articles)
        return _as_run(lines, articles, name or Path(predictions).stem)
    if isinstance(predictions, Mapping):
        return _Run(name or "run", {k: list(v) for k, v in predictions.items()}, {})
    events: dict[str, list[StrikeEvent]] = {}
    usage: dict[str, Usage] = {}
    backends = []
    for result in predictions:
        if result.doc_id is None:
            raise ValueError("a prediction line has no doc_id")
        if result.doc_id in events:
            raise ValueError(f"doc_id {result.doc_id!r} has more than one prediction line")
        events[result.doc_id] = result.events
        usage[result.doc_id] = result.usage
        backends.append(result.backend)
    return _Run(name or (backends[0] if backends else "run"), events, usage)


def _event_filter(
    roles: Collection[Role | str] | None, statuses: Collection[Status | str] | None
) -> Callable[[StrikeEvent], bool]:
    wanted_roles = {Role(r) for r in roles} if roles else None
    wanted_statuses = {Status(s) for s in statuses} if statuses else None
    return lambda e: (
        (wanted_roles is None or e.role in wanted_roles)
        and (wanted_statuses is None or e.status in wanted_statuses)
    )


def _gold_events(doc: LabelledDocument) -> list[StrikeEvent]:
    try:
        return [locate_quotes(event, doc.text) for event in doc.events]
    except QuoteNotFoundError as exc:
        raise ValueError(
            f"gold {doc.doc_id}: {exc}; run `llmextract dataset check` on the set"
        ) from exc


def _digest(index: int, event: StrikeEvent, best: float | None) -> EventDigest:
    return EventDigest(
        index=index,
        strike_type=event.strike_type.value,
        status=event.status.value,
        role=event.role.value,
        evidence=[s.text for s in event.evidence],
        best_score=best,
    )


@dataclass
class _Tally:
    """Running totals over the documents of one run."""

    config: ScoringConfig
    run: str
    counts: list[DocumentCounts] = field(default_factory=list)
    field_totals: dict[str, list[float]] = field(
        default_factory=lambda: {rule.name: [0.0, 0] for rule in FIELD_RULES}
    )
    spans: int = 0
    exact_spans: int = 0
    values: int = 0
    unsupported_values: int = 0
    overlaps: list[float] = field(default_factory=list)
    errors: list[DocumentErrors] = field(default_factory=list)

    def add(
        self,
        doc: LabelledDocument,
        predicted: list[StrikeEvent],
        gold: list[StrikeEvent],
        has_prediction: bool,
    ) -> None:
        pred_views = [EventView.of(e) for e in predicted]
        gold_views = [EventView.of(e) for e in gold]
        matching = match_events(pred_views, gold_views, self.config)
        self.counts.append(
            DocumentCounts(
                doc_id=doc.doc_id,
                split=doc.split,
                predicted=len(predicted),
                gold=len(gold),
                matched=len(matching.pairs),
                has_prediction=has_prediction,
            )
        )
        self._add_grounding(doc.text, predicted)
        errors = DocumentErrors(run=self.run, doc_id=doc.doc_id, split=doc.split)
        for p, g, score in matching.pairs:
            overlap = char_dice(pred_views[p].evidence, gold_views[g].evidence)
            if overlap is not None:
                self.overlaps.append(overlap)
            errors.disagreements += self._add_fields(predicted[p], gold[g], p, g, score)
        errors.missed = [
            _digest(g, gold[g], _best(matching, column=g)) for g in matching.unmatched_gold
        ]
        errors.spurious = [
            _digest(p, predicted[p], _best(matching, row=p)) for p in matching.unmatched_predicted
        ]
        self.errors.append(errors)

    def _add_grounding(self, text: str, predicted: list[StrikeEvent]) -> None:
        for event in predicted:
            spans = event.spans()
            self.spans += len(spans)
            self.exact_spans += sum(text[s.start : s.end] == s.text for s in spans)
            supported, checked = grounding.support_counts(event)
            self.values += checked
            self.unsupported_values += checked - supported

    def _add_fields(
        self, predicted: StrikeEvent, gold: StrikeEvent, p: int, g: int, score: float
    ) -> list[FieldDisagreement]:
        disagreements = []
        for rule in FIELD_RULES:
            result = field_agreement(rule, predicted, gold, self.config)
            if result is None:
                continue
            agreement, p_value, g_value = result
            totals = self.field_totals[rule.name]
            totals[0] += agreement
            totals[1] += 1
            if agreement < 1:
                disagreements.append(
                    FieldDisagreement(
                        predicted_index=p,
                        gold_index=g,
                        pair_score=score,
                        field=rule.name,
                        agreement=agreement,
                        predicted=p_value,
                        gold=g_value,
                    )
                )
        return disagreements


def _best(matching: Matching, *, row: int | None = None, column: int | None = None) -> float | None:
    scores = matching.scores[row, :] if row is not None else matching.scores[:, column]
    return float(scores.max()) if scores.size else None


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _cost(run: _Run, doc_ids: list[str]) -> CostFigures | None:
    lines = [run.usage[d] for d in doc_ids if d in run.usage]
    total = sum(lines, Usage())
    if not lines or total == Usage():
        return None
    n = len(lines)
    return CostFigures(
        documents=n,
        calls_per_document=total.calls / n,
        prompt_tokens_per_document=total.prompt_tokens / n,
        completion_tokens_per_document=total.completion_tokens / n,
        seconds_per_document=total.seconds / n,
        total=total,
    )


def _report(
    tally: _Tally,
    run: _Run,
    labelled: LabelledSet,
    scope: LabelledSet,
    *,
    roles: Collection[Role | str] | None,
    statuses: Collection[Status | str] | None,
    seed: int,
    n_bootstrap: int,
) -> Report:
    counts = tally.counts
    columns = metrics.document_columns(
        [c.matched for c in counts], [c.predicted for c in counts], [c.gold for c in counts]
    )
    figures = {
        name: Estimate(value=v, low=lo, high=hi)
        for name, (v, lo, hi) in metrics.estimates(
            columns, seed=seed, n_bootstrap=n_bootstrap, confidence=tally.config.confidence
        ).items()
    }
    pred_pos = [c.predicted > 0 for c in counts]
    gold_pos = [c.gold > 0 for c in counts]
    confusion = [
        sum(p and g for p, g in zip(pred_pos, gold_pos, strict=True)),
        sum(p and not g for p, g in zip(pred_pos, gold_pos, strict=True)),
        sum(g and not p for p, g in zip(pred_pos, gold_pos, strict=True)),
        sum(not p and not g for p, g in zip(pred_pos, gold_pos, strict=True)),
    ]
    return Report(
        run=run.name,
        dataset=str(labelled.root),
        splits=scope.splits,
        roles=sorted(Role(r).value for r in roles) if roles else None,
        statuses=sorted(Status(s).value for s in statuses) if statuses else None,
        config={k: float(v) for k, v in dataclasses.asdict(tally.config).items()},
        seed=seed,
        n_bootstrap=n_bootstrap,
        documents=len(counts),
        documents_without_prediction=sum(not c.has_prediction for c in counts),
        predictions_for_unknown_documents=len(run.events.keys() - labelled.by_id().keys()),
        events=EventFigures(
            matched=sum(c.matched for c in counts),
            predicted=sum(c.predicted for c in counts),
            gold=sum(c.gold for c in counts),
            precision=figures["event_precision"],
            recall=figures["event_recall"],
            f1=figures["event_f1"],
            macro_precision=figures["event_macro_precision"],
            macro_recall=figures["event_macro_recall"],
            macro_f1=figures["event_macro_f1"],
        ),
        relevance=RelevanceFigures(
            true_positives=confusion[0],
            false_positives=confusion[1],
            false_negatives=confusion[2],
            true_negatives=confusion[3],
            precision=figures["relevance_precision"],
            recall=figures["relevance_recall"],
            f1=figures["relevance_f1"],
            accuracy=(confusion[0] + confusion[3]) / len(counts),
        ),
        count_error=figures["count_error"],
        fields=[
            FieldScore(field=name, score=_share(total, int(n)), pairs=int(n))
            for name, (total, n) in tally.field_totals.items()
        ],
        grounding=GroundingFigures(
            spans=tally.spans,
            exact_span_share=_share(tally.exact_spans, tally.spans),
            values=tally.values,
            supported_value_share=_share(tally.values - tally.unsupported_values, tally.values),
            evidence_overlap=_share(sum(tally.overlaps), len(tally.overlaps)),
        ),
        cost=_cost(run, [c.doc_id for c in counts]),
        per_document=counts,
        errors=tally.errors,
    )


def evaluate(
    predictions: Predictions,
    gold: LabelledSet | Path | str,
    *,
    config: ScoringConfig = DEFAULT_CONFIG,
    roles: Collection[Role | str] | None = None,
    statuses: Collection[Status | str] | None = None,
    split: str | None = None,
    seed: int = 0,
    n_bootstrap: int = 1000,
    name: str | None = None,
) -> Report:
    """Score ``predictions`` against the labelled set ``gold`` (a loaded set or its path).

    ``roles`` / ``statuses`` keep only events with those values, on both sides;
    ``split`` keeps one split's documents. A gold document without a prediction counts
    as predicted-empty (``Report.documents_without_prediction`` says how many).
    Predictions for documents outside the set are ignored and counted.
    """
    labelled = gold if isinstance(gold, LabelledSet) else load_labelled_set(gold)
    scope = labelled.only_split(split) if split else labelled
    if not scope.documents:
        raise ValueError(f"no gold documents to score in {labelled.root}")
    run = _as_run(predictions, {d.doc_id: d.text for d in labelled.documents}, name)
    keep = _event_filter(roles, statuses)
    tally = _Tally(config, run.name)
    for doc in scope.documents:
        predicted = [e for e in run.events.get(doc.doc_id, []) if keep(e)]
        tally.add(
            doc, predicted, [e for e in _gold_events(doc) if keep(e)], doc.doc_id in run.events
        )
    return _report(
        tally,
        run,
        labelled,
        scope,
        roles=roles,
        statuses=statuses,
        seed=seed,
        n_bootstrap=n_bootstrap,
    )
