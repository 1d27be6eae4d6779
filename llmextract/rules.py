"""The offline rules backend. INTERFACE ONLY: written on the `rules` branch."""

from __future__ import annotations

import datetime as dt

from llmextract.errors import ConfigurationError
from llmextract.schema import QuotedEvent

RULES_VERSION = "rules-v0"


def extract_quoted(text: str, published: dt.date | None) -> list[QuotedEvent]:
    """Strike events found by rules, as quoted events (grounded by extract.ground_events)."""
    raise ConfigurationError("the offline rules backend is not built yet; configure a model")


def is_relevant(text: str) -> tuple[bool, float]:
    """Cheap test for whether an article may report a strike: (verdict, score in [0, 1])."""
    raise NotImplementedError
