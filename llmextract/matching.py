"""Which predicted event is which gold event: pair scores and one-to-one matching.

DESIGN.md "Scoring", steps 1 and 2. Every weight, credit and threshold is a field of
:class:`ScoringConfig`, so a run can be re-scored under other settings.

Evidence overlap is the character Dice coefficient (character F1) of the two events'
evidence: ``2 |P ∩ G| / (|P| + |G|)`` over the sets of character offsets their spans
cover. Unlike overlap-over-the-shorter, it does not give a span covering the whole
article full credit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import linear_sum_assignment

from llmextract.schema import StrikeEvent, StrikeType


@dataclass(frozen=True)
class ScoringConfig:
    """The parameters of pair scoring and matching (defaults as in DESIGN.md)."""

    evidence_weight: float = 0.30
    date_weight: float = 0.20
    location_weight: float = 0.20
    attacker_weight: float = 0.15
    strike_class_weight: float = 0.15
    missing_score: float = 0.5
    """Component score when either side lacks the value (no date, unspecified type, ...)."""
    match_threshold: float = 0.5
    """Pairs scoring below this are never matched."""
    date_near_days: int = 1
    date_near_credit: float = 0.5
    """Date credit when the starts differ by at most ``date_near_days``."""
    country_overlap_credit: float = 0.5
    """Location credit when the names differ but the countries overlap."""
    name_token_f1: float = 0.5
    """Two actor (or weapon, target) names match from this token F1 on."""
    confidence: float = 0.95
    """Coverage of the bootstrap intervals."""

    def __post_init__(self) -> None:
        total = (
            self.evidence_weight
            + self.date_weight
            + self.location_weight
            + self.attacker_weight
            + self.strike_class_weight
        )
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"component weights must sum to 1, got {total}")
        if not 0 < self.confidence < 1:
            raise ValueError(f"confidence must be in (0, 1), got {self.confidence}")


# ACLED sub-event types the strike types fall into; `unspecified` has none.
ACLED_CLASS: dict[StrikeType, str] = {
    StrikeType.AIR_STRIKE: "air/drone strike",
    StrikeType.DRONE_STRIKE: "air/drone strike",
    StrikeType.MISSILE_STRIKE: "shelling/artillery/missile attack",
    StrikeType.ROCKET_ATTACK: "shelling/artillery/missile attack",
    StrikeType.ARTILLERY_SHELLING: "shelling/artillery/missile attack",
}

# Name variants that denote the same party, mapped to one token. Multi-word keys are
# matched on the normalised (lower-case, ASCII, space-separated) name.
NAME_ALIASES: dict[str, str] = {
    "united states of america": "us",
    "united states": "us",
    "u s a": "us",
    "u s": "us",
    "usa": "us",
    "american": "us",
    "americans": "us",
    "united kingdom": "uk",
    "britain": "uk",
    "british": "uk",
    "great britain": "uk",
    "israeli": "israel",
    "israelis": "israel",
    "idf": "israel",
    "russian": "russia",
    "russians": "russia",
    "russian federation": "russia",
    "ukrainian": "ukraine",
    "ukrainians": "ukraine",
    "iranian": "iran",
    "syrian": "syria",
    "iraqi": "iraq",
    "turkish": "turkey",
    "turkiye": "turkey",
    "saudi arabia": "saudi",
    "saudi led": "saudi",
    "yemeni": "yemen",
    "pakistani": "pakistan",
    "indian": "india",
    "azerbaijani": "azerbaijan",
    "armenian": "armenia",
    "lebanese": "lebanon",
    "egyptian": "egypt",
    "emirati": "uae",
    "united arab emirates": "uae",
    "houthis": "houthi",
    "ansar allah": "houthi",
    "hizbollah": "hezbollah",
    "hizballah": "hezbollah",
}
_ALIAS_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in sorted(NAME_ALIASES, key=len, reverse=True)) + r")\b"
)
# Words that say nothing about which party it was; dropped unless nothing else is left.
_GENERIC_WORDS = frozenset(
    {
        "the",
        "a",
        "an",
        "of",
        "military",
        "forces",
        "force",
        "army",
        "armed",
        "troops",
        "units",
        "unit",
        "government",
        "regime",
        "coalition",
        "defence",
        "defense",
        "ministry",
    }
)


@lru_cache(maxsize=65536)
def normalize_text(text: str) -> str:
    """Lower-case ASCII words separated by single spaces (diacritics and punctuation gone)."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", ascii_only.casefold()).split())


@lru_cache(maxsize=65536)
def name_tokens(name: str) -> frozenset[str]:
    """The words that identify a named party, with aliases and demonyms unified."""
    words = _ALIAS_PATTERN.sub(lambda m: NAME_ALIASES[m.group(1)], normalize_text(name)).split()
    specific = [w for w in words if w not in _GENERIC_WORDS]
    return frozenset(specific or words)


def token_f1(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def names_match(a: str, b: str, config: ScoringConfig) -> bool:
    """Same party: equal after normalisation and aliases, or token F1 at the threshold."""
    ta, tb = name_tokens(a), name_tokens(b)
    return ta == tb or token_f1(ta, tb) >= config.name_token_f1


Intervals = tuple[tuple[int, int], ...]


def merge_intervals(spans: Sequence[tuple[int, int]]) -> Intervals:
    """Sorted, non-overlapping half-open intervals covering the same characters."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def char_dice(a: Intervals, b: Intervals) -> float | None:
    """Character Dice coefficient of two merged interval sets; ``None`` when one is empty."""
    size_a = sum(e - s for s, e in a)
    size_b = sum(e - s for s, e in b)
    if not size_a or not size_b:
        return None
    shared, i, j = 0, 0, 0
    while i < len(a) and j < len(b):
        shared += max(0, min(a[i][1], b[j][1]) - max(a[i][0], b[j][0]))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return 2 * shared / (size_a + size_b)


@dataclass(frozen=True)
class EventView:
    """What pair scoring looks at in one event, computed once per event."""

    evidence: Intervals
    date_start_ordinal: int | None
    location_name: str | None
    countries: frozenset[str]
    attacker: str | None
    strike_class: str | None

    @classmethod
    def of(cls, event: StrikeEvent) -> EventView:
        date = event.date.start if event.date is not None else None
        return cls(
            evidence=merge_intervals([(s.start, s.end) for s in event.evidence]),
            date_start_ordinal=date.toordinal() if date is not None else None,
            location_name=normalize_text(event.location.name) if event.location else None,
            countries=frozenset(event.location.countries) if event.location else frozenset(),
            attacker=event.attacker.name if event.attacker is not None else None,
            strike_class=ACLED_CLASS.get(event.strike_type),
        )


def pair_score(pred: EventView, gold: EventView, config: ScoringConfig) -> float:
    """How well a predicted event fits a gold event, in [0, 1] (DESIGN.md "Scoring" 1)."""
    missing = config.missing_score

    overlap = char_dice(pred.evidence, gold.evidence)
    evidence = missing if overlap is None else overlap

    if pred.date_start_ordinal is None or gold.date_start_ordinal is None:
        date = missing
    else:
        days = abs(pred.date_start_ordinal - gold.date_start_ordinal)
        date = 1.0 if days == 0 else config.date_near_credit if days <= config.date_near_days else 0
    if pred.location_name is None or gold.location_name is None:
        location = missing
    elif pred.location_name == gold.location_name:
        location = 1.0
    else:
        location = config.country_overlap_credit if pred.countries & gold.countries else 0.0

    if pred.attacker is None or gold.attacker is None:
        attacker = missing
    else:
        attacker = 1.0 if names_match(pred.attacker, gold.attacker, config) else 0.0

    if pred.strike_class is None or gold.strike_class is None:
        strike_class = missing
    else:
        strike_class = 1.0 if pred.strike_class == gold.strike_class else 0.0

    return (
        config.evidence_weight * evidence
        + config.date_weight * date
        + config.location_weight * location
        + config.attacker_weight * attacker
        + config.strike_class_weight * strike_class
    )


# Weighted sums of round figures land a hair off (0.3 + 0.2 * 0.5 ...); a pair exactly at
# the threshold must clear it.
_ROUNDING = 1e-9


@dataclass(frozen=True)
class Matching:
    """A one-to-one matching of one document's predicted and gold events."""

    pairs: list[tuple[int, int, float]]
    """(predicted index, gold index, pair score), by gold index."""
    scores: np.ndarray
    """The full pair-score matrix, predicted x gold."""

    @property
    def unmatched_predicted(self) -> list[int]:
        taken = {p for p, _, _ in self.pairs}
        return [i for i in range(self.scores.shape[0]) if i not in taken]

    @property
    def unmatched_gold(self) -> list[int]:
        taken = {g for _, g, _ in self.pairs}
        return [j for j in range(self.scores.shape[1]) if j not in taken]


def match_events(
    predicted: Sequence[EventView], gold: Sequence[EventView], config: ScoringConfig
) -> Matching:
    """One-to-one matching that maximises the total score of pairs at or above the
    threshold (Hungarian algorithm); pairs below the threshold count as zero, so they
    never displace a pairing that clears it."""
    scores = np.array(
        [[pair_score(p, g, config) for g in gold] for p in predicted], dtype=float
    ).reshape(len(predicted), len(gold))
    if not predicted or not gold:
        return Matching([], scores)
    clears = scores >= config.match_threshold - _ROUNDING
    rows, cols = linear_sum_assignment(np.where(clears, scores, 0.0), maximize=True)
    pairs = sorted(
        (
            (int(r), int(c), float(scores[r, c]))
            for r, c in zip(rows, cols, strict=True)
            if clears[r, c]
        ),
        key=lambda pair: pair[1],
    )
    return Matching(pairs, scores)
