import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from llmextract.schema import (
    CasualtyClaim,
    GoldDocument,
    Span,
    StrikeEvent,
    fatality_range,
    json_schemas,
)

SCHEMAS = Path(__file__).parent.parent / "schemas"


def span(text: str, start: int = 0) -> dict:
    return {"text": text, "start": start, "end": start + len(text), "match": "exact"}


def claim(low, high, outcome="killed"):
    return CasualtyClaim[str](quote="q", outcome=outcome, low=low, high=high)


@pytest.mark.parametrize("name", sorted(json_schemas()))
def test_checked_in_schema_matches_models(name):
    checked_in = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    assert checked_in == json_schemas()[name], (
        f"schemas/{name} is stale: run `python -m llmextract.schema` and bump the version "
        "if the change is not backwards compatible"
    )


def test_span_rejects_offsets_that_do_not_fit_its_text():
    with pytest.raises(ValidationError):
        Span(text="abc", start=0, end=4)


def test_gold_line_from_design_loads_as_quoted_models():
    line = {
        "doc_id": "x",
        "published": "2021-02-26",
        "events": [
            {
                "strike_type": "air_strike",
                "status": "occurred",
                "role": "main",
                "evidence": ["struck militias"],
                "attacker": {
                    "name": "US military",
                    "attribution": "reported",
                    "quote": "The US military",
                },
            }
        ],
    }
    doc = GoldDocument.model_validate(line)
    assert doc.events[0].attacker is not None
    assert doc.events[0].attacker.quote == "The US military"


def test_unknown_field_in_gold_is_rejected():
    with pytest.raises(ValidationError, match="attackr"):
        GoldDocument.model_validate(
            {
                "doc_id": "x",
                "published": "2021-02-26",
                "events": [
                    {
                        "strike_type": "air_strike",
                        "status": "occurred",
                        "role": "main",
                        "evidence": ["e"],
                        "attackr": None,
                    }
                ],
            }
        )


def test_invalid_enum_and_country_code_are_rejected():
    base = {
        "strike_type": "air_strike",
        "status": "occurred",
        "role": "main",
        "evidence": [span("e")],
    }
    with pytest.raises(ValidationError):
        StrikeEvent.model_validate({**base, "strike_type": "airstrike"})
    with pytest.raises(ValidationError, match="alpha-3"):
        StrikeEvent.model_validate(
            {**base, "location": {"name": "Aleppo", "countries": ["SY"], "quote": span("Aleppo")}}
        )


def test_output_event_round_trips_through_json_with_fatalities():
    ev = StrikeEvent.model_validate(
        {
            "strike_type": "drone_strike",
            "status": "occurred",
            "role": "main",
            "evidence": [span("drone hit")],
            "casualties": [{"quote": span("at least 22"), "outcome": "killed", "low": 22}],
        }
    )
    dumped = ev.model_dump(mode="json")
    assert dumped["fatalities"] == {"min": 22, "max": 22}
    assert StrikeEvent.model_validate(dumped) == ev


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ([], None),
        ([claim(22, None)], (22, 22)),
        ([claim(22, None), claim(30, 30)], (22, 30)),
        ([claim(None, 40), claim(12, 12)], (12, 40)),
        ([claim(None, None)], None),
        ([claim(5, 5, outcome="injured")], None),
    ],
)
def test_fatality_range_takes_most_conservative_min_and_highest_max(claims, expected):
    result = fatality_range(claims)
    assert (None if result is None else (result.min, result.max)) == expected


def test_low_above_high_is_rejected():
    with pytest.raises(ValidationError, match="above high"):
        claim(10, 5)


def test_quotes_walks_every_quote_with_its_path():
    ev = StrikeEvent.model_validate(
        {
            "strike_type": "air_strike",
            "status": "occurred",
            "role": "main",
            "evidence": [span("bombed")],
            "attacker": {"name": "US", "quote": span("US", 10)},
            "targets": [{"name": "depot", "kind": "military_site", "quote": span("depot", 20)}],
            "casualties": [{"outcome": "killed", "low": 3, "high": 3, "quote": span("three", 30)}],
        }
    )
    assert [(path, s.text) for path, s in ev.quotes()] == [
        ("evidence.0", "bombed"),
        ("attacker.quote", "US"),
        ("targets.0.quote", "depot"),
        ("casualties.0.quote", "three"),
    ]
    assert ev.spans() == [s for _, s in ev.quotes()]
