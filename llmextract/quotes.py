"""Quote strings inside quoted-shape events: walk them, and locate them with ``str.find``.

Gold labels and some prediction files hold quotes as plain strings. Checking a labelled set
needs every quote with its dotted path; scoring needs the same events with located spans.
Both work on plain dicts (``model_dump`` output or raw JSON), so the checker can also look
at lines that do not validate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel

from llmextract.schema import QuotedEvent, Span, StrikeEvent

# Sub-objects of an event that carry one `quote`; lists of them are walked item by item.
_QUOTED_OBJECTS = ("attacker", "authorized_by", "location", "date", "weapon")
_QUOTED_LISTS = ("targets", "casualties")


def iter_quotes(event: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Yield ``(dotted path, quote)`` for every quote of one event given as a dict.

    Values of the wrong type are skipped silently: validation reports those.
    """
    if not isinstance(event, dict):
        return
    evidence = event.get("evidence")
    if isinstance(evidence, list):
        for i, quote in enumerate(evidence):
            yield f"{prefix}evidence.{i}", quote
    for key in _QUOTED_OBJECTS:
        item = event.get(key)
        if isinstance(item, dict) and "quote" in item:
            yield f"{prefix}{key}.quote", item["quote"]
    for key in _QUOTED_LISTS:
        items = event.get(key)
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, dict) and "quote" in item:
                    yield f"{prefix}{key}.{i}.quote", item["quote"]


def map_quotes(event: dict[str, Any], convert: Callable[[str, Any], Any]) -> dict[str, Any]:
    """A copy of ``event`` (a dict) with every quote replaced by ``convert(path, quote)``."""
    out = dict(event)
    if isinstance(out.get("evidence"), list):
        out["evidence"] = [convert(f"evidence.{i}", q) for i, q in enumerate(out["evidence"])]
    for key in _QUOTED_OBJECTS:
        item = out.get(key)
        if isinstance(item, dict) and "quote" in item:
            out[key] = {**item, "quote": convert(f"{key}.quote", item["quote"])}
    for key in _QUOTED_LISTS:
        items = out.get(key)
        if isinstance(items, list):
            out[key] = [
                {**item, "quote": convert(f"{key}.{i}.quote", item["quote"])}
                if isinstance(item, dict) and "quote" in item
                else item
                for i, item in enumerate(items)
            ]
    return out


class QuoteNotFoundError(ValueError):
    """A quote that does not occur verbatim in the text it is said to come from."""

    def __init__(self, path: str, quote: str) -> None:
        super().__init__(f"{path}: quote not found verbatim in the text: {quote!r}")
        self.path = path
        self.quote = quote


def find_span(quote: str, text: str) -> Span | None:
    """The first verbatim occurrence of ``quote`` in ``text``; ``None`` if absent or empty."""
    start = text.find(quote) if quote else -1
    if start < 0:
        return None
    return Span(text=quote, start=start, end=start + len(quote))


def locate_quotes(event: QuotedEvent | dict[str, Any], text: str) -> StrikeEvent:
    """Turn a quoted-shape event into a :class:`StrikeEvent` by locating each quote with
    ``str.find`` (first occurrence). Raises :class:`QuoteNotFoundError` for a missing quote.
    """
    data = event.model_dump() if isinstance(event, BaseModel) else event

    def to_span(path: str, quote: Any) -> Any:
        if not isinstance(quote, str):
            return quote  # already a span (or invalid): validation decides
        span = find_span(quote, text)
        if span is None:
            raise QuoteNotFoundError(path, quote)
        return span

    return StrikeEvent.model_validate(map_quotes(data, to_span))
