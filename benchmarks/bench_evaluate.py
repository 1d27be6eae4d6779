"""How long scoring takes: 1,000 synthetic documents with 5 gold events each.

Run by hand from the repository root:

    /work/venv/bin/python benchmarks/bench_evaluate.py

Times ``evaluate()`` (matching, field scores, grounding figures, 1,000 bootstrap
resamples) on in-memory data, three times, and prints the median. The target is < 5 s.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from llmextract.dataset import LabelledDocument, LabelledSet
from llmextract.evaluate import evaluate
from llmextract.quotes import locate_quotes
from llmextract.schema import DocumentResult, QuotedEvent, StrikeEvent

DOCUMENTS, EVENTS, RUNS = 1_000, 5, 3
ATTACKERS = ["Israeli Air Force", "Russian forces", "US military", "Houthi rebels", "Turkish army"]
PLACES = ["Khan Younis", "Kharkiv", "Albu Kamal", "Hodeidah", "Duhok"]
COUNTRIES = ["PSE", "UKR", "SYR", "YEM", "IRQ"]
TYPES = ["air_strike", "missile_strike", "drone_strike", "rocket_attack", "artillery_shelling"]


def sentence(doc: int, k: int) -> str:
    return (
        f"The {ATTACKERS[k]} carried out strike number {doc}-{k} near {PLACES[k]} "
        f"on {k + 1} March 2021, killing {k + 3} people, officials said. "
    )


def gold_event(doc: int, k: int) -> QuotedEvent:
    day = dt.date(2021, 3, k + 1).isoformat()
    return QuotedEvent.model_validate(
        {
            "strike_type": TYPES[k],
            "status": "occurred",
            "role": "main" if k == 0 else "related",
            "evidence": [f"carried out strike number {doc}-{k}"],
            "attacker": {"name": ATTACKERS[k], "quote": f"The {ATTACKERS[k]}"},
            "location": {
                "name": PLACES[k],
                "countries": [COUNTRIES[k]],
                "quote": f"near {PLACES[k]}",
            },
            "date": {
                "start": day,
                "end": day,
                "precision": "day",
                "quote": f"on {k + 1} March 2021",
            },
            "casualties": [
                {
                    "outcome": "killed",
                    "low": k + 3,
                    "high": k + 3,
                    "quote": f"killing {k + 3} people",
                }
            ],
        }
    )


def predicted(doc: int, text: str, events: list[QuotedEvent]) -> list[StrikeEvent]:
    """Gold, disturbed: one event dropped, one date a day off, one attacker missing, and
    the events in reverse order, so matching has work to do."""
    out = []
    for k, event in enumerate(events[: EVENTS - 1]):
        data = event.model_dump()
        if k == 1:
            data["date"] = {**data["date"], "start": dt.date(2021, 3, 1), "end": None}
        if k == 2:
            data["attacker"] = None
        out.append(locate_quotes(data, text))
    return out[::-1]


def build() -> tuple[LabelledSet, list[DocumentResult]]:
    documents, results = [], []
    for doc in range(DOCUMENTS):
        text = "".join(sentence(doc, k) for k in range(EVENTS))
        events = [gold_event(doc, k) for k in range(EVENTS)]
        doc_id = f"d{doc:04}"
        documents.append(
            LabelledDocument(
                doc_id, "dev", dt.date(2021, 3, 6), text, events, Path(f"{doc_id}.txt")
            )
        )
        results.append(
            DocumentResult(doc_id=doc_id, events=predicted(doc, text, events), backend="bench")
        )
    return LabelledSet(Path("synthetic"), documents), results


def main() -> None:
    gold, results = build()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        report = evaluate(results, gold, n_bootstrap=1000, seed=0)
        times.append(time.perf_counter() - start)
    print(
        f"{DOCUMENTS} documents x {EVENTS} gold events, {RUNS} runs: "
        f"median {statistics.median(times):.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)})"
    )
    print(
        f"event F1 {report.events.f1.value:.3f}, matched {report.events.matched} "
        f"of {report.events.gold}"
    )


if __name__ == "__main__":
    main()
