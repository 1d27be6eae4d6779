"""Per-field agreement of a matched (predicted, gold) event pair (DESIGN.md "Scoring" 4).

Each field is a :class:`FieldRule`: how to read the value from an event (``None`` or an
empty list when the event does not state it) and how much two stated values agree, in
[0, 1]. A field is scored on the matched pairs where at least one side states it; a
value on one side only scores 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from llmextract.matching import ScoringConfig, names_match, normalize_text
from llmextract.schema import Outcome, StrikeEvent, fatality_range


@dataclass(frozen=True)
class FieldRule:
    name: str
    value: Callable[[StrikeEvent], Any]
    """The field's value, JSON-friendly; ``None`` or empty when not stated."""
    agreement: Callable[[Any, Any, ScoringConfig], float]
    """Agreement of two stated values (predicted, gold)."""


def _equal(a: Any, b: Any, config: ScoringConfig) -> float:
    return float(a == b)


def _same_name(a: str, b: str, config: ScoringConfig) -> float:
    return float(names_match(a, b, config))


def _same_place(a: str, b: str, config: ScoringConfig) -> float:
    return float(normalize_text(a) == normalize_text(b))


def _names_f1(a: list[str], b: list[str], config: ScoringConfig) -> float:
    """F1 of two name lists under a one-to-one matching of names that match."""
    fits = np.array([[names_match(x, y, config) for y in b] for x in a], dtype=float)
    rows, cols = linear_sum_assignment(fits, maximize=True)
    matched = fits[rows, cols].sum()
    return float(2 * matched / (len(a) + len(b)))


def _days_apart_at_most(a: str, b: str, config: ScoringConfig) -> float:
    gap = abs((dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days)
    return float(gap <= config.date_near_days)


def _killed(event: StrikeEvent, bound: str) -> list[int]:
    figures = (getattr(c, bound) for c in event.casualties if c.outcome is Outcome.KILLED)
    return sorted(n for n in figures if n is not None)


def _date_start(event: StrikeEvent) -> str | None:
    start = event.date.start if event.date is not None else None
    return start.isoformat() if start is not None else None


def _fatalities_min(event: StrikeEvent) -> int | None:
    summary = fatality_range(event.casualties)
    return summary.min if summary is not None else None


FIELD_RULES: tuple[FieldRule, ...] = (
    FieldRule("strike_type", lambda e: e.strike_type.value, _equal),
    FieldRule("status", lambda e: e.status.value, _equal),
    FieldRule("role", lambda e: e.role.value, _equal),
    FieldRule("attacker", lambda e: e.attacker.name if e.attacker else None, _same_name),
    FieldRule("targets", lambda e: [t.name for t in e.targets], _names_f1),
    FieldRule("location_name", lambda e: e.location.name if e.location else None, _same_place),
    FieldRule("countries", lambda e: sorted(e.location.countries) if e.location else None, _equal),
    FieldRule("date_exact", _date_start, _equal),
    FieldRule("date_near", _date_start, _days_apart_at_most),
    FieldRule("killed_low", lambda e: _killed(e, "low"), _equal),
    FieldRule("killed_high", lambda e: _killed(e, "high"), _equal),
    FieldRule("fatalities_min", _fatalities_min, _equal),
    FieldRule("weapon", lambda e: e.weapon.name if e.weapon else None, _same_name),
)


def _stated(value: Any) -> bool:
    return value is not None and value != []


def field_agreement(
    rule: FieldRule, predicted: StrikeEvent, gold: StrikeEvent, config: ScoringConfig
) -> tuple[float, Any, Any] | None:
    """(agreement, predicted value, gold value); ``None`` when neither side states it."""
    p, g = rule.value(predicted), rule.value(gold)
    if not _stated(p) and not _stated(g):
        return None
    if not (_stated(p) and _stated(g)):
        return 0.0, p, g
    return rule.agreement(p, g, config), p, g
