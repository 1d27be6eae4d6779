"""Headline figures from per-document counts, with bootstrap intervals over documents.

Everything here works on three counts per document: matched events (``tp``), predicted
events and gold events. Document relevance, event-count error and the macro figures
follow from them, so one resampling of documents gives every headline figure at once.

Empty denominators: a figure with nothing predicted *and* nothing to find is 1 (a correct
negative is perfect); with only one side empty it is 0 (precision of predicting nothing
where there is gold, recall when everything predicted is spurious, by convention).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]

HEADLINE = (
    "event_precision",
    "event_recall",
    "event_f1",
    "event_macro_precision",
    "event_macro_recall",
    "event_macro_f1",
    "relevance_precision",
    "relevance_recall",
    "relevance_f1",
    "count_error",
)
# Columns of the per-document matrix, in order.
_TP, _PRED, _GOLD, _DOC_TP, _DOC_FP, _DOC_FN, _ABS_ERR, _P, _R, _F1 = range(10)


def prf(tp: npt.ArrayLike, fp: npt.ArrayLike, fn: npt.ArrayLike) -> tuple[Array, Array, Array]:
    """Precision, recall and F1, element-wise, with the module's empty-denominator rule."""
    tp, fp, fn = (np.asarray(x, dtype=float) for x in (tp, fp, fn))

    def ratio(num: Array, den: Array, other_errors: Array) -> Array:
        empty = np.where(other_errors > 0, 0.0, 1.0)
        return np.divide(num, den, out=empty, where=den > 0)

    precision = ratio(tp, tp + fp, fn)
    recall = ratio(tp, tp + fn, fp)
    f1 = ratio(2 * tp, 2 * tp + fp + fn, np.zeros_like(tp))
    return precision, recall, f1


def document_columns(
    matched: Sequence[int], predicted: Sequence[int], gold: Sequence[int]
) -> Array:
    """The per-document matrix (documents x columns) every headline figure sums over."""
    tp, n_pred, n_gold = (np.asarray(x, dtype=float) for x in (matched, predicted, gold))
    pred_pos, gold_pos = n_pred > 0, n_gold > 0
    p, r, f1 = prf(tp, n_pred - tp, n_gold - tp)
    return (
        np.column_stack(
            [
                tp,
                n_pred,
                n_gold,
                pred_pos & gold_pos,
                pred_pos & ~gold_pos,
                ~pred_pos & gold_pos,
                np.abs(n_pred - n_gold),
                p,
                r,
                f1,
            ]
        )
        .astype(float)
        .reshape(len(tp), 10)
    )


def headline(sums: Array, n_documents: int) -> dict[str, Array]:
    """Headline figures from column sums (shape ``(..., columns)``), one per resample."""
    tp, n_pred, n_gold = sums[..., _TP], sums[..., _PRED], sums[..., _GOLD]
    event = prf(tp, n_pred - tp, n_gold - tp)
    relevance = prf(sums[..., _DOC_TP], sums[..., _DOC_FP], sums[..., _DOC_FN])
    macro = (sums[..., _P], sums[..., _R], sums[..., _F1])
    figures = [
        *event,
        *(m / n_documents for m in macro),
        *relevance,
        sums[..., _ABS_ERR] / n_documents,
    ]
    return dict(zip(HEADLINE, figures, strict=True))


def _resample_weights(n_documents: int, n_bootstrap: int, seed: int) -> Array:
    """How often each document is drawn in each resample (rows sum to ``n_documents``)."""
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n_documents, np.full(n_documents, 1 / n_documents), n_bootstrap)
    return np.asarray(draws, dtype=float)


def _interval(samples: Array, confidence: float) -> tuple[float, float]:
    tail = (1 - confidence) / 2
    low, high = np.quantile(samples, [tail, 1 - tail])
    return float(low), float(high)


Estimate = tuple[float, float | None, float | None]


def estimates(
    columns: Array, *, seed: int, n_bootstrap: int, confidence: float
) -> dict[str, Estimate]:
    """Each headline figure with its percentile bootstrap interval over documents
    (``None`` bounds when ``n_bootstrap`` is 0)."""
    n = columns.shape[0]
    point = headline(columns.sum(axis=0), n)
    if not n_bootstrap:
        return {name: (float(v), None, None) for name, v in point.items()}
    resampled = headline(_resample_weights(n, n_bootstrap, seed) @ columns, n)
    return {
        name: (float(point[name]), *_interval(resampled[name], confidence)) for name in HEADLINE
    }


def paired_differences(
    baseline: Array, other: Array, *, seed: int, n_bootstrap: int, confidence: float
) -> dict[str, Estimate]:
    """``other - baseline`` for each headline figure, with a paired bootstrap interval:
    both runs are resampled with the same documents. Rows must be the same documents."""
    if baseline.shape != other.shape:
        raise ValueError("paired runs must cover the same documents")
    n = baseline.shape[0]
    base, new = headline(baseline.sum(axis=0), n), headline(other.sum(axis=0), n)
    if not n_bootstrap:
        return {name: (float(new[name] - base[name]), None, None) for name in HEADLINE}
    weights = _resample_weights(n, n_bootstrap, seed)
    base_r, new_r = headline(weights @ baseline, n), headline(weights @ other, n)
    return {
        name: (float(new[name] - base[name]), *_interval(new_r[name] - base_r[name], confidence))
        for name in HEADLINE
    }
