"""The one output path: quoted events -> grounded events, with a diagnostic for every drop."""

from __future__ import annotations

import datetime as dt

from llmextract.extract import ground_events
from llmextract.grounding import Grounder
from llmextract.schema import QuotedEvent

TWO_STRIKES = (
    "A Russian missile struck a school in Sumy on Monday, killing two, officials said. "
    "Separately, a Ukrainian drone hit a depot in Belgorod on Tuesday, killing two, "
    "Russian officials said."
)


def event(evidence: str, claim: str, **extra) -> QuotedEvent:
    return QuotedEvent.model_validate(
        {
            "strike_type": "missile_strike",
            "status": "occurred",
            "role": "main",
            "evidence": [evidence],
            "casualties": [{"quote": claim, "outcome": "killed", "low": 2, "high": 2}],
            **extra,
        }
    )


def test_a_repeated_quote_is_placed_next_to_its_own_event():
    sumy = event("A Russian missile struck a school in Sumy on Monday", "killing two")
    belgorod = event("a Ukrainian drone hit a depot in Belgorod on Tuesday", "killing two")

    grounded, diagnostics = ground_events([sumy, belgorod], Grounder(TWO_STRIKES), None)

    first, second = (e.casualties[0].quote.start for e in grounded)
    assert first == TWO_STRIKES.index("killing two")
    assert second == TWO_STRIKES.index("killing two", first + 1)
    assert not [d for d in diagnostics if d.code != "date_unresolved"]


def test_dropped_values_leave_the_rest_of_the_event_and_say_why():
    bad = event(
        "A Russian missile struck a school in Sumy on Monday",
        "killing two",
        attacker={"quote": "A Russian missile", "name": "Belarus"},
        location={"quote": "in Kharkiv", "name": "Kharkiv", "countries": ["UKR"]},
        date={"quote": "on Monday"},
    )
    grounded, diagnostics = ground_events([bad], Grounder(TWO_STRIKES), dt.date(2024, 4, 17))

    (ev,) = grounded
    assert ev.attacker is None and ev.location is None
    assert ev.date is not None and ev.date.start == dt.date(2024, 4, 15)
    assert {(d.code, d.field) for d in diagnostics} == {
        ("value_unsupported", "attacker"),
        ("quote_not_found", "location"),
    }


def test_an_event_without_grounded_evidence_is_dropped_with_a_diagnostic():
    invented = event("Belarusian jets bombed Minsk", "killing two")
    grounded, diagnostics = ground_events([invented], Grounder(TWO_STRIKES), None)
    assert grounded == []
    assert [(d.code, d.event) for d in diagnostics] == [
        ("quote_not_found", 0),
        ("event_dropped", 0),
    ]
