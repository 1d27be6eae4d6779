"""What ``llmextract eval`` reports: every figure as a pydantic model, paired comparison
of several runs, and the per-document error analysis."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field, computed_field

from llmextract import metrics
from llmextract.schema import Usage


class Estimate(BaseModel):
    """A figure with its bootstrap interval over documents (bounds ``None`` without one)."""

    value: float
    low: float | None = None
    high: float | None = None


class EventFigures(BaseModel):
    """Event-level scores: micro over the set, macro as the mean over documents."""

    matched: int
    predicted: int
    gold: int
    precision: Estimate
    recall: Estimate
    f1: Estimate
    macro_precision: Estimate
    macro_recall: Estimate
    macro_f1: Estimate


class RelevanceFigures(BaseModel):
    """Document relevance: does the article report any (in-scope) strike?"""

    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int
    precision: Estimate
    recall: Estimate
    f1: Estimate
    accuracy: float


class FieldScore(BaseModel):
    """Mean agreement on the matched pairs where either side states the field."""

    field: str
    score: float | None
    pairs: int


class GroundingFigures(BaseModel):
    spans: int
    exact_span_share: float | None = Field(
        description="Predicted spans whose text equals source[start:end]."
    )
    values: int
    supported_value_share: float | None = Field(
        description="Predicted values their own quote supports (grounding.unsupported_values)."
    )
    evidence_overlap: float | None = Field(
        description="Mean character Dice of matched predicted evidence with gold evidence."
    )


class CostFigures(BaseModel):
    """Model cost from the prediction lines' usage, per document with a line."""

    documents: int
    calls_per_document: float
    prompt_tokens_per_document: float
    completion_tokens_per_document: float
    seconds_per_document: float
    total: Usage


class DocumentCounts(BaseModel):
    doc_id: str
    split: str
    predicted: int
    gold: int
    matched: int
    has_prediction: bool


class EventDigest(BaseModel):
    """An unmatched event, as a person checks it against the article."""

    index: int
    strike_type: str
    status: str
    role: str
    evidence: list[str]
    best_score: float | None = Field(description="Its best pair score with the other side.")


class FieldDisagreement(BaseModel):
    predicted_index: int
    gold_index: int
    pair_score: float
    field: str
    agreement: float
    predicted: Any
    gold: Any


class DocumentErrors(BaseModel):
    run: str
    doc_id: str
    split: str
    missed: list[EventDigest] = Field(default_factory=list)
    spurious: list[EventDigest] = Field(default_factory=list)
    disagreements: list[FieldDisagreement] = Field(default_factory=list)

    def any(self) -> bool:
        return bool(self.missed or self.spurious or self.disagreements)


class Report(BaseModel):
    """Every figure of one run scored against one labelled set."""

    run: str
    dataset: str
    splits: list[str]
    roles: list[str] | None
    statuses: list[str] | None
    config: dict[str, float]
    seed: int
    n_bootstrap: int
    documents: int
    documents_without_prediction: int
    predictions_for_unknown_documents: int
    events: EventFigures
    relevance: RelevanceFigures
    count_error: Estimate = Field(description="Mean absolute error of the event count.")
    fields: list[FieldScore]
    grounding: GroundingFigures
    cost: CostFigures | None
    per_document: list[DocumentCounts]
    errors: list[DocumentErrors] = Field(default_factory=list, exclude=True)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def headline(self) -> dict[str, Estimate]:
        """The figures that have bootstrap intervals, by :data:`metrics.HEADLINE` name."""
        e, r = self.events, self.relevance
        figures = [
            e.precision,
            e.recall,
            e.f1,
            e.macro_precision,
            e.macro_recall,
            e.macro_f1,
            r.precision,
            r.recall,
            r.f1,
            self.count_error,
        ]
        return dict(zip(metrics.HEADLINE, figures, strict=True))

    def errors_jsonl(self) -> str:
        """The per-document error analysis, one JSON line per document with an error."""
        return "".join(d.model_dump_json() + "\n" for d in self.errors if d.any())


class Difference(BaseModel):
    """A run's headline figure minus the first run's, with a paired bootstrap interval."""

    figure: str
    run: str
    delta: float
    low: float | None
    high: float | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def excludes_zero(self) -> bool | None:
        """Whether the interval lies wholly above or below 0 (``None`` without one)."""
        if self.low is None or self.high is None:
            return None
        return self.low > 0 or self.high < 0


class Comparison(BaseModel):
    """Several runs on the same documents; differences are to the first run."""

    runs: list[Report]
    differences: list[Difference]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def difference(self, run: str, figure: str) -> Difference:
        return next(d for d in self.differences if d.run == run and d.figure == figure)


def compare(
    reports: Sequence[Report],
    *,
    seed: int = 0,
    n_bootstrap: int = 1000,
    confidence: float = 0.95,
) -> Comparison:
    """Compare runs scored on the same documents: for each later run and headline
    figure, its difference to the first run and a paired bootstrap interval."""
    if not reports:
        raise ValueError("nothing to compare")
    baseline = reports[0]
    order = [d.doc_id for d in baseline.per_document]
    differences = []
    for report in reports[1:]:
        if sorted(order) != sorted(d.doc_id for d in report.per_document):
            raise ValueError(f"run {report.run!r} covers other documents than {baseline.run!r}")
        paired = metrics.paired_differences(
            _columns(baseline, order),
            _columns(report, order),
            seed=seed,
            n_bootstrap=n_bootstrap,
            confidence=confidence,
        )
        differences += [
            Difference(figure=name, run=report.run, delta=delta, low=low, high=high)
            for name, (delta, low, high) in paired.items()
        ]
    return Comparison(runs=list(reports), differences=differences)


def _columns(report: Report, order: list[str]) -> metrics.Array:
    counts = {d.doc_id: d for d in report.per_document}
    rows = [counts[doc_id] for doc_id in order]
    return metrics.document_columns(
        [d.matched for d in rows], [d.predicted for d in rows], [d.gold for d in rows]
    )
