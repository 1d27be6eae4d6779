"""Hostile input through the CLI and the corpus reader, with both backends.

tests/test_hostile_input.py covers hostile text in-process (prompt injection, template
syntax, control and Unicode tricks, 1 MB refused by the model backend); here the same kind
of input comes from files and records through `llmextract extract`: deeply nested JSON,
null bytes, Unicode tricks, template syntax and a 1 MB single-line article. Nothing
crashes, offsets stay exact, and what is refused gets a clear per-document error.

The model backend is answered by a stub that quotes the article verbatim (Unicode tricks
and all); the rules backend runs as it is.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmextract.cli import app
from llmextract.schema import QuotedEvent
from tests.cli_runs import lines
from tests.conftest import LOOPBACK
from tests.stub_server import StubServer

pytestmark = pytest.mark.block_network(allowed_hosts=[LOOPBACK])

STRIKE = "A Russian missile struck Kharkiv on Monday, killing two."
TOO_DEEP = 100_000  # far past Python's recursion limit
HOSTILE_TEXTS = {
    "null-bytes": f"Officials\x00 said:\x00 {STRIKE} Rescue work\x00 went on.",
    "unicode-tricks": (
        "\u200fA Russian mis\u200dsile struck Kh\u0430rkiv\u202c on Monday, killing two. "
        "Emoji 🚀💥 and a zero\u200bwidth space."
    ),
    "template-syntax": f"{{{{ config }}}} {{% if x %}} {STRIKE} {{# note #}} {{{{ '{{' }}}}",
    "one-megabyte-line": "Calm day in the city, nothing to report. " * 25_000 + STRIKE,
}
NESTED_OK = 200  # nested metadata a reader must simply ignore


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def quote_from_missile(text: str, published: dt.date | None) -> list[QuotedEvent]:
    """What the stub model answers: one event whose evidence is the text from "mis" to the
    next full stop, copied verbatim (Unicode tricks and all)."""
    start = text.find("mis")
    if start < 0:
        return []
    end = text.find(".", start) + 1 or len(text)
    evidence = [text[start:end]]
    return [
        QuotedEvent(strike_type="missile_strike", status="occurred", role="main", evidence=evidence)
    ]


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in HOSTILE_TEXTS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    records = [
        '{"id": "too-deep", "text": "x", "meta": ' + nested(TOO_DEEP) + "}",
        json.dumps({"id": "nested-ok", "text": STRIKE, "meta": json.loads(nested(NESTED_OK))}),
        json.dumps({"id": "null-in-record", "text": f"{STRIKE}\x00\x00"}),
        nested(TOO_DEEP),
        json.dumps({"id": "text-is-nested", "text": json.loads(nested(NESTED_OK))}),
    ]
    (folder / "records.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    (folder / "deep.json").write_text(nested(TOO_DEEP), encoding="utf-8")
    return folder


def expected_texts() -> dict[str, str]:
    return HOSTILE_TEXTS | {"nested-ok": STRIKE, "null-in-record": f"{STRIKE}\x00\x00"}


EXPECTED_PROBLEMS = {
    # doc_id: (stage, line, words in the message)
    "records#1": ("parse", 1, "nested too deeply"),  # unparsed: its own id is unknown
    "records#4": ("parse", 4, "nested too deeply"),
    "text-is-nested": ("parse", 5, "no text in field 'text'"),
    "deep": ("parse", None, "nested too deeply"),
}


def assert_spans_exact(results: list[dict], texts: dict[str, str]) -> None:
    for result in results:
        text = texts[result["doc_id"]]
        for event in result["events"]:
            for span in event["evidence"]:
                assert text[span["start"] : span["end"]] == span["text"], result["doc_id"]


def test_rules_backend_reads_every_hostile_input_and_keeps_offsets_exact(hostile_folder, tmp_path):
    out = tmp_path / "events.jsonl"

    result = CliRunner().invoke(
        app, ["extract", str(hostile_folder), "-o", str(out), "--backend", "rules", "--quiet"]
    )

    assert result.exit_code == 1, result.output  # the problems below, and nothing else
    results = lines(out)
    assert {r["doc_id"] for r in results} == set(expected_texts())
    found = {r["doc_id"] for r in results if r["events"]}
    # Where the strike sentence is plainly readable (null bytes, 1 MB of filler, records),
    # the rules find it; a homoglyph and a zero-width joiner hide its words, and the
    # template's "{% if x %}" reads as a conditional.
    assert found == {"null-bytes", "one-megabyte-line", "nested-ok", "null-in-record"}
    assert_spans_exact(results, expected_texts())
    [huge] = [r for r in results if r["doc_id"] == "one-megabyte-line"]
    assert huge["events"][0]["evidence"][0]["start"] > 1_000_000  # the whole line was read
    problems = {e["doc_id"]: e for e in lines(tmp_path / "events.errors.jsonl")}
    assert set(problems) == set(EXPECTED_PROBLEMS)
    for doc_id, (stage, line, words) in EXPECTED_PROBLEMS.items():
        assert (problems[doc_id]["stage"], problems[doc_id]["line"]) == (stage, line)
        assert words in problems[doc_id]["message"]


def test_model_backend_gets_hostile_text_verbatim_and_refuses_only_the_1mb_line(
    hostile_folder, tmp_path, stub_server: StubServer, cache_dir, no_model_env
):
    seen: list[str] = []

    def answer(article: str) -> list[dict]:
        seen.append(article)
        return [e.model_dump() for e in quote_from_missile(article, None)]

    stub_server.config.responder = answer
    out = tmp_path / "events.jsonl"
    argv = ["extract", str(hostile_folder), "-o", str(out), "--quiet"]

    result = CliRunner().invoke(app, [*argv, "--model", "stub", "--base-url", stub_server.url])

    assert result.exit_code == 1, result.output
    sent = expected_texts()
    del sent["one-megabyte-line"]
    assert sorted(seen) == sorted(sent.values())  # byte for byte, templates unrendered
    results = lines(out)
    assert {r["doc_id"] for r in results} == set(sent)
    assert all(len(r["events"]) == 1 for r in results)
    assert_spans_exact(results, sent)
    problems = {e["doc_id"]: e for e in lines(tmp_path / "events.errors.jsonl")}
    refused = problems.pop("one-megabyte-line")
    assert refused["stage"] == "extract" and refused["error"] == "InputError"
    assert "split it (nothing was truncated)" in refused["message"]
    assert set(problems) == set(EXPECTED_PROBLEMS)
