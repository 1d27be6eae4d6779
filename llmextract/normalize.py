"""Dates relative to publication, country codes and number words.

INTERFACE ONLY: the bodies are written on the `grounding` branch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from llmextract.schema import DatePrecision


@dataclass(frozen=True)
class ResolvedDate:
    start: dt.date
    end: dt.date
    precision: DatePrecision
    relative: bool


def is_relative_date(quote: str) -> bool:
    raise NotImplementedError


def resolve_date(quote: str, published: dt.date | None) -> ResolvedDate | None:
    """``None`` when there is no date expression, or it is relative and ``published`` is None."""
    raise NotImplementedError


def parse_number(text: str) -> int | None:
    raise NotImplementedError


def casualty_bounds(quote: str) -> tuple[int | None, int | None] | None:
    raise NotImplementedError


def country_code(name: str) -> str | None:
    raise NotImplementedError


def is_country_code(code: str) -> bool:
    raise NotImplementedError
