"""Quote -> Span location (exact, then normalized, then fuzzy) and value-support checks.

INTERFACE ONLY: the bodies are written on the `grounding` branch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from llmextract.schema import Event, Span


class Grounder:
    """Locates quotes in one source text; the normalised view is computed once, lazily."""

    def __init__(self, source: str) -> None:
        self.source = source

    def locate(self, quote: str, *, near: int | None = None) -> Span | None:
        """Where ``quote`` stands in the source; ``near`` picks among several occurrences."""
        raise NotImplementedError


def locate(quote: str, source: str, *, near: int | None = None) -> Span | None:
    """One-off :meth:`Grounder.locate`."""
    return Grounder(source).locate(quote, near=near)


@dataclass(frozen=True)
class SupportProblem:
    field: str  # dotted path, e.g. "casualties.0.low"
    value: str
    quote: str
    reason: str


def supports_number(quote: str, n: int) -> bool:
    raise NotImplementedError


def supports_name(quote: str, name: str) -> bool:
    raise NotImplementedError


def has_date_expression(quote: str) -> bool:
    raise NotImplementedError


def unsupported_values(event: Event[Any]) -> list[SupportProblem]:
    """Values of ``event`` (either shape) that their own quote does not support."""
    raise NotImplementedError
