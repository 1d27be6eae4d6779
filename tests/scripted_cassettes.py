"""Scripted cassettes: hand-written model responses, each exercising one behaviour.

These are NOT recordings of a real model. Every response here was written by hand (model
name ``scripted``) to drive one path of the pipeline: valid output, invalid JSON, a quote
that is not in the text, a 429, a 500, a truncated reply. ``cassettes/README.md`` lists
them. Regenerate with::

    python -m tests.scripted_cassettes

and ``tests/test_cassettes.py`` fails when a checked-in cassette differs from this script.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vcr.request import Request
from vcr.serialize import serialize
from vcr.serializers import yamlserializer

CASSETTES = Path(__file__).resolve().parent.parent / "cassettes"
OPENAI_URI = "https://api.openai.com/v1/chat/completions"
OLLAMA_URI = "http://localhost:11434/v1/chat/completions"
SCRIPTED_MODEL = "scripted"

# The answer to tests/data/albu-kamal.txt (published 2021-02-26) that a careful model gives.
ALBU_KAMAL_EVENTS: list[dict[str, Any]] = [
    {
        "strike_type": "air_strike",
        "status": "occurred",
        "role": "main",
        "summary": "US jets bombed Kataeb Hezbollah facilities near Albu Kamal, Syria.",
        "evidence": ["The US military struck Iran-backed militias in eastern Syria on Thursday"],
        "attacker": {"quote": "The US military", "name": "US military", "attribution": "reported"},
        "authorized_by": {"quote": "At President Biden's direction", "name": "Joe Biden"},
        "targets": [
            {"quote": "Kataeb Hezbollah", "name": "Kataeb Hezbollah", "kind": "armed_group"}
        ],
        "location": {
            "quote": "near the Syrian border town of Albu Kamal",
            "name": "Albu Kamal",
            "admin1": None,
            "countries": ["SYR"],
        },
        "date": {
            "quote": "on Thursday",
            "start": "2021-02-25",
            "end": "2021-02-25",
            "precision": "day",
        },
        "weapon": {"quote": "F-15E jets", "name": "F-15E jets"},
        "casualties": [
            {
                "quote": "the strikes killed at least 22 fighters",
                "outcome": "killed",
                "low": 22,
                "high": None,
                "victims": "fighters",
                "victim_group": "combatants",
                "source": "Syrian Observatory for Human Rights",
            },
            {
                "quote": "one fighter was killed",
                "outcome": "killed",
                "low": 1,
                "high": 1,
                "victims": "fighter",
                "victim_group": "combatants",
                "source": "militia official",
            },
        ],
    },
    {
        "strike_type": "rocket_attack",
        "status": "occurred",
        "role": "related",
        "summary": "A rocket attack on Erbil airport killed a civilian contractor.",
        "evidence": ["a rocket attack on Feb. 15 on the airport in Erbil"],
        "attacker": None,
        "authorized_by": None,
        "targets": [
            {"quote": "the airport in Erbil", "name": "Erbil airport", "kind": "infrastructure"}
        ],
        "location": {
            "quote": "the airport in Erbil, in Iraq's Kurdistan region",
            "name": "Erbil",
            "admin1": "Kurdistan region",
            "countries": ["IRQ"],
        },
        "date": {
            "quote": "on Feb. 15",
            "start": "2021-02-15",
            "end": "2021-02-15",
            "precision": "day",
        },
        "weapon": None,
        "casualties": [
            {
                "quote": "killed a civilian contractor",
                "outcome": "killed",
                "low": 1,
                "high": 1,
                "victims": "civilian contractor",
                "victim_group": "civilians",
                "source": None,
            }
        ],
    },
]


# The answer to tests/data/kharkiv.txt (published 2024-05-26).
KHARKIV_EVENTS: list[dict[str, Any]] = [
    {
        "strike_type": "air_strike",
        "status": "occurred",
        "role": "main",
        "summary": "A Russian guided bomb hit a Kharkiv hardware store, killing at least 12.",
        "evidence": ["A Russian guided bomb hit a hardware store in Kharkiv on Saturday"],
        "attacker": {"quote": "A Russian guided bomb", "name": "Russia", "attribution": "reported"},
        "targets": [{"quote": "a hardware store", "name": "hardware store", "kind": "civilians"}],
        "location": {"quote": "in Kharkiv", "name": "Kharkiv", "countries": ["UKR"]},
        "date": {
            "quote": "on Saturday",
            "start": "2024-05-25",
            "end": "2024-05-25",
            "precision": "day",
        },
        "weapon": {"quote": "guided bomb", "name": "guided bomb"},
        "casualties": [
            {
                "quote": "killing at least 12 people",
                "outcome": "killed",
                "low": 12,
                "high": None,
                "victims": "people",
                "victim_group": "civilians",
                "source": "regional governor Oleh Syniehubov",
            }
        ],
    }
]


def _variant(**changes: Any) -> list[dict[str, Any]]:
    """The Albu Kamal answer with changes to the main event (dotted paths)."""
    events = copy.deepcopy(ALBU_KAMAL_EVENTS)
    for path, value in changes.items():
        target: Any = events[0]
        *parents, last = path.split("__")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    return events


# -- response builders ---------------------------------------------------------------------


def _usage(prompt: int, completion: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def tool_reply(arguments: str, *, finish_reason: str = "tool_calls", n: int = 1) -> dict:
    """A chat completion whose tool call carries ``arguments`` (TOOLS mode)."""
    return _ok(
        {
            "id": f"chatcmpl-scripted-{n}",
            "object": "chat.completion",
            "created": 1_700_000_000 + n,
            "model": SCRIPTED_MODEL,
            "choices": [
                {
                    "index": 0,
                    "finish_reason": finish_reason,
                    "message": {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {
                                "id": f"call_scripted_{n}",
                                "type": "function",
                                "function": {"name": "Extraction", "arguments": arguments},
                            }
                        ],
                    },
                }
            ],
            "usage": _usage(1500 + 100 * n, len(arguments) // 4),
        }
    )


def content_reply(content: str, *, finish_reason: str = "stop", n: int = 1) -> dict:
    """A chat completion whose message content is ``content`` (the JSON modes)."""
    return _ok(
        {
            "id": f"chatcmpl-scripted-{n}",
            "object": "chat.completion",
            "created": 1_700_000_000 + n,
            "model": SCRIPTED_MODEL,
            "choices": [
                {
                    "index": 0,
                    "finish_reason": finish_reason,
                    "message": {"role": "assistant", "content": content},
                }
            ],
            "usage": _usage(1500 + 100 * n, len(content) // 4),
        }
    )


def _ok(body: dict) -> dict:
    return _response(200, "OK", body)


def error_reply(code: int, message: str, error: str, headers: dict[str, str] | None = None) -> dict:
    body = {"error": {"message": f"{error} (scripted)", "type": "server_error", "code": None}}
    return _response(code, message, body, headers)


def _response(code: int, message: str, body: dict, headers: dict[str, str] | None = None) -> dict:
    all_headers = {"content-type": ["application/json"]}
    all_headers |= {k: [v] for k, v in (headers or {}).items()}
    return {
        "status": {"code": code, "message": message},
        "headers": all_headers,
        "body": {"string": json.dumps(body, ensure_ascii=False)},
    }


def events_json(events: list[dict[str, Any]]) -> str:
    return json.dumps({"events": events}, ensure_ascii=False)


@dataclass(frozen=True)
class Scripted:
    name: str
    uri: str
    responses: tuple[dict, ...]


VALID = events_json(ALBU_KAMAL_EVENTS)

SCRIPTED: tuple[Scripted, ...] = (
    Scripted("multi_event_tools", OPENAI_URI, (tool_reply(VALID),)),
    Scripted(
        "multi_event_md_json_local",
        OLLAMA_URI,
        (content_reply(f"Here are the events:\n```json\n{VALID}\n```"),),
    ),
    Scripted("no_events", OPENAI_URI, (tool_reply(events_json([])),)),
    Scripted(
        "invalid_json_then_valid",
        OPENAI_URI,
        (
            tool_reply('{"events": [{"strike_type": "air_strike", "status": ', n=1),
            tool_reply(VALID, n=2),
        ),
    ),
    Scripted(
        "quote_fixed_on_reask",
        OPENAI_URI,
        (
            tool_reply(events_json(_variant(attacker__quote="The American military")), n=1),
            tool_reply(VALID, n=2),
        ),
    ),
    Scripted(
        "quote_never_corrected",
        OPENAI_URI,
        tuple(tool_reply(events_json(_variant(casualties__0__low=25)), n=n) for n in (1, 2, 3)),
    ),
    Scripted(
        "rate_limited_then_ok",
        OPENAI_URI,
        (
            error_reply(
                429,
                "Too Many Requests",
                "Rate limit reached",
                {"retry-after-ms": "150", "retry-after": "1"},
            ),
            tool_reply(VALID),
        ),
    ),
    Scripted(
        "server_error_then_ok",
        OPENAI_URI,
        (error_reply(500, "Internal Server Error", "The server had an error"), tool_reply(VALID)),
    ),
    Scripted(
        "eval_three_articles",
        OPENAI_URI,
        (
            tool_reply(VALID, n=1),
            tool_reply(events_json([]), n=2),
            tool_reply(events_json(KHARKIV_EVENTS), n=3),
        ),
    ),
    Scripted(
        "truncated_reply",
        OPENAI_URI,
        (tool_reply(VALID[: len(VALID) // 2], finish_reason="length"),),
    ),
)


def render(scripted: Scripted) -> str:
    """The cassette's YAML, as vcrpy writes it."""
    request = Request("POST", scripted.uri, None, {"content-type": "application/json"})
    data = {"requests": [request] * len(scripted.responses), "responses": list(scripted.responses)}
    header = (
        f"# SCRIPTED cassette '{scripted.name}': hand-written responses, not a recording of a\n"
        "# real model. Generated by tests/scripted_cassettes.py; see cassettes/README.md.\n"
    )
    return header + serialize(data, yamlserializer)


def main() -> None:
    CASSETTES.mkdir(exist_ok=True)
    for scripted in SCRIPTED:
        path = CASSETTES / f"{scripted.name}.yaml"
        path.write_text(render(scripted), encoding="utf-8")
        print(path)


if __name__ == "__main__":
    main()
