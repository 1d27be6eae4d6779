"""Small labelled sets and predictions built in tests: articles, gold lines, result lines."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from llmextract.quotes import locate_quotes
from llmextract.schema import DocumentResult, StrikeEvent, Usage

ARTICLE_TWO_STRIKES = (
    "BEIRUT, Feb 26 (Wire) - The US military struck Iran-backed militias in eastern Syria "
    "on Thursday, killing at least 22 fighters near the Syrian border town of Albu Kamal, "
    "a monitor said.\n"
    "Separately, Russian jets bombed a market in Idlib on Wednesday, killing five civilians, "
    "rescuers said. The Syrian Observatory said seven people died.\n"
    "Turkish artillery shelled villages near Tell Rifaat on 20 February 2021, residents said.\n"
)
ARTICLE_NEGATIVE = (
    "LONDON, Feb 26 (Wire) - Dock workers at the port of Felixstowe began a two-day strike "
    "on Friday over pay, the union said.\n"
)


def us_strike() -> dict[str, Any]:
    """The main event of ARTICLE_TWO_STRIKES, as a gold (quoted) event dict."""
    return {
        "strike_type": "air_strike",
        "status": "occurred",
        "role": "main",
        "evidence": ["The US military struck Iran-backed militias in eastern Syria"],
        "attacker": {"name": "US military", "attribution": "reported", "quote": "The US military"},
        "targets": [
            {"name": "Iran-backed militias", "kind": "armed_group", "quote": "Iran-backed militias"}
        ],
        "location": {
            "name": "Albu Kamal",
            "countries": ["SYR"],
            "quote": "near the Syrian border town of Albu Kamal",
        },
        "date": {
            "start": "2021-02-25",
            "end": "2021-02-25",
            "precision": "day",
            "quote": "on Thursday",
        },
        "casualties": [
            {
                "outcome": "killed",
                "low": 22,
                "high": None,
                "victims": "fighters",
                "victim_group": "combatants",
                "source": "a monitor",
                "quote": "killing at least 22 fighters",
            }
        ],
    }


def russian_strike() -> dict[str, Any]:
    """The related event of ARTICLE_TWO_STRIKES, with two conflicting killed claims."""
    return {
        "strike_type": "air_strike",
        "status": "occurred",
        "role": "related",
        "evidence": ["Russian jets bombed a market in Idlib"],
        "attacker": {
            "name": "Russian air force",
            "attribution": "reported",
            "quote": "Russian jets",
        },
        "targets": [{"name": "market", "kind": "civilians", "quote": "a market"}],
        "location": {"name": "Idlib", "countries": ["SYR"], "quote": "in Idlib"},
        "date": {
            "start": "2021-02-24",
            "end": "2021-02-24",
            "precision": "day",
            "quote": "on Wednesday",
        },
        "weapon": {"name": "jets", "quote": "Russian jets"},
        "casualties": [
            {
                "outcome": "killed",
                "low": 5,
                "high": 5,
                "victims": "civilians",
                "victim_group": "civilians",
                "source": "rescuers",
                "quote": "killing five civilians",
            },
            {
                "outcome": "killed",
                "low": 7,
                "high": 7,
                "victims": "people",
                "victim_group": "unknown",
                "source": "Syrian Observatory",
                "quote": "seven people died",
            },
        ],
    }


def turkish_shelling() -> dict[str, Any]:
    """A third strike in ARTICLE_TWO_STRIKES that the gold does not label (so a
    prediction of it is spurious)."""
    return {
        "strike_type": "artillery_shelling",
        "status": "occurred",
        "role": "background",
        "evidence": ["Turkish artillery shelled villages near Tell Rifaat"],
        "attacker": {"name": "Turkish army", "quote": "Turkish artillery"},
        "location": {
            "name": "Tell Rifaat",
            "countries": ["SYR"],
            "quote": "villages near Tell Rifaat",
        },
        "date": {
            "start": "2021-02-20",
            "end": "2021-02-20",
            "precision": "day",
            "quote": "on 20 February 2021",
        },
    }


def gold_line(doc_id: str, events: list[dict[str, Any]], published: str = "2021-02-26") -> dict:
    return {"doc_id": doc_id, "published": published, "events": events}


def write_split(split_dir: Path, docs: list[tuple[dict[str, Any], str]]) -> Path:
    """Write ``gold.jsonl`` and ``articles/ID.txt`` for (gold line, article text) pairs."""
    (split_dir / "articles").mkdir(parents=True, exist_ok=True)
    lines = []
    for line, text in docs:
        (split_dir / "articles" / f"{line['doc_id']}.txt").write_text(text, encoding="utf-8")
        lines.append(json.dumps(line, ensure_ascii=False))
    (split_dir / "gold.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return split_dir


def standard_docs() -> list[tuple[dict[str, Any], str]]:
    """Two documents: one with two gold events, one negative."""
    return [
        (gold_line("d01-syria", [us_strike(), russian_strike()]), ARTICLE_TWO_STRIKES),
        (gold_line("d02-dock-strike", []), ARTICLE_NEGATIVE),
    ]


def grounded(event: dict[str, Any], text: str, **changes: Any) -> StrikeEvent:
    """A predicted event: a gold event dict with ``changes`` applied, quotes located."""
    data = copy.deepcopy(event)
    data.update(changes)
    return locate_quotes(data, text)


def result(doc_id: str, events: list[StrikeEvent], usage: Usage | None = None) -> DocumentResult:
    return DocumentResult(doc_id=doc_id, events=events, backend="test", usage=usage or Usage())
