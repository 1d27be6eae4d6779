"""`llmextract extract` and `llmextract cache` end to end, against the local stub server.

The stub answers `{"events": []}` unless a test gives it a responder, so most tests here
exercise the CLI and runner without needing quotes grounded.
"""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
from typer.testing import CliRunner

from llmextract import rules
from llmextract.cli import app
from tests.cli_runs import ARTICLE, corpus, lines, numbered_event
from tests.conftest import LOOPBACK
from tests.stub_server import StubServer

pytestmark = pytest.mark.block_network(allowed_hosts=[LOOPBACK])


@pytest.fixture(autouse=True)
def _no_model_env(no_model_env: None) -> None:
    """Whatever the developer's shell holds, tests name their model and endpoint."""


def extract(server: StubServer, *args: str, input: str | None = None, quiet: bool = True):
    """Run `llmextract extract ARGS` in-process against the stub (``quiet=False`` keeps
    the notices, progress and summary in the output)."""
    argv = ["extract", *args, "--model", "stub", "--base-url", server.url]
    argv += ["--quiet"] if quiet else []
    return CliRunner().invoke(app, argv, input=input, catch_exceptions=False)


# -- exit codes ------------------------------------------------------------------------------------


def test_all_documents_done_exits_0_with_one_line_each(stub_server, tmp_path, cache_dir):
    out = tmp_path / "out" / "events.jsonl"

    result = extract(stub_server, str(corpus(tmp_path / "in", 5)), "-o", str(out))

    assert result.exit_code == 0, result.output
    written = lines(out)
    assert sorted(line["doc_id"] for line in written) == [f"doc{i:03d}" for i in range(5)]
    assert {(line["backend"], line["model"]) for line in written} == {("openai", "stub")}
    assert all(line["usage"]["calls"] == 1 for line in written)
    assert not (tmp_path / "out" / "events.errors.jsonl").exists()


def test_some_documents_failing_exits_1_and_lists_them(stub_server, tmp_path, cache_dir):
    source = corpus(tmp_path / "in", 2)
    (source / "empty.txt").write_bytes(b"")
    (source / "huge.txt").write_text("x" * 200_001, encoding="utf-8")
    out = tmp_path / "events.jsonl"

    result = extract(stub_server, str(source), "-o", str(out))

    assert result.exit_code == 1
    errors = {e["doc_id"]: e for e in lines(tmp_path / "events.errors.jsonl")}
    assert errors["empty"]["stage"] == "decode"
    assert (
        errors["huge"]["stage"] == "extract"
        and "nothing was truncated" in errors["huge"]["message"]
    )
    assert len(lines(out)) == 2
    assert stub_server.requests == 2  # the too-large article was never sent


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["MISSING_DIR", "-o", "out.jsonl"], "no such file or folder"),
        (["IN", "-o", "out.jsonl", "--published", "26/02/2021"], "not an ISO date"),
        (["IN", "-o", "out.jsonl", "--format", "xml"], "xml"),
        (["IN", "-o", "out.jsonl", "--concurrency", "0"], "concurrency"),
        (["IN", "-o", "out.jsonl", "--base-url", "http://127.0.0.1:9/v1"], "no model"),
        (["IN", "-o", "out.jsonl", "--backend", "openai"], "needs a model"),
        (["IN"], "--output"),
        (["IN", "-o", "-"], "resume"),
    ],
)
def test_usage_errors_exit_2_and_say_what_is_wrong(tmp_path, args, complaint, cache_dir):
    corpus(tmp_path / "IN", 1)
    placeholders = {"IN", "MISSING_DIR", "out.jsonl"}
    argv = [str(tmp_path / a) if a in placeholders else a for a in args]

    result = CliRunner().invoke(app, ["extract", *argv])

    assert result.exit_code == 2
    assert complaint in result.output
    assert not (tmp_path / "out.jsonl").exists()


def test_an_output_file_not_written_by_llmextract_is_a_usage_error(
    stub_server, tmp_path, cache_dir
):
    out = tmp_path / "mine.jsonl"
    out.write_text('{"x": 1}\n', encoding="utf-8")

    result = extract(stub_server, str(corpus(tmp_path / "in", 1)), "-o", str(out))

    assert result.exit_code == 2 and "not an llmextract result line" in result.output
    assert stub_server.requests == 0


# -- cache -----------------------------------------------------------------------------------------


def test_rerunning_the_same_folder_makes_zero_model_calls(stub_server, tmp_path, cache_dir):
    source = corpus(tmp_path / "in", 6)
    assert extract(stub_server, str(source), "-o", str(tmp_path / "first.jsonl")).exit_code == 0
    assert stub_server.requests == 6

    result = extract(stub_server, str(source), "-o", str(tmp_path / "second.jsonl"))

    assert result.exit_code == 0
    assert stub_server.requests == 6
    second = lines(tmp_path / "second.jsonl")
    assert len(second) == 6 and all(line["usage"]["calls"] == 0 for line in second)


def test_no_cache_sends_every_document_again(stub_server, tmp_path, cache_dir):
    source = corpus(tmp_path / "in", 3)
    extract(stub_server, str(source), "-o", str(tmp_path / "a.jsonl"))

    extract(stub_server, str(source), "-o", str(tmp_path / "b.jsonl"), "--no-cache")

    assert stub_server.requests == 6


def test_cache_dir_option_and_cache_info_and_clear(stub_server, tmp_path, cache_dir):
    own = tmp_path / "own-cache"
    extract(
        stub_server,
        str(corpus(tmp_path / "in", 4)),
        "-o",
        str(tmp_path / "o.jsonl"),
        "--cache-dir",
        str(own),
    )
    runner = CliRunner()

    info = runner.invoke(app, ["cache", "info", "--cache-dir", str(own)])
    cleared = runner.invoke(app, ["cache", "clear", "--cache-dir", str(own)])
    after = runner.invoke(app, ["cache", "info", "--cache-dir", str(own)])

    assert info.exit_code == 0 and "entries: 4" in info.output and "stub: 4" in info.output
    assert cleared.exit_code == 0 and "removed 4" in cleared.output
    assert "entries: 0" in after.output
    assert not cache_dir.exists()  # the default cache was never touched


def test_cache_location_comes_from_the_environment(stub_server, tmp_path, cache_dir):
    extract(stub_server, str(corpus(tmp_path / "in", 2)), "-o", str(tmp_path / "o.jsonl"))

    info = CliRunner().invoke(app, ["cache", "info"])

    assert str(cache_dir) in info.output and "entries: 2" in info.output


# -- inputs through the CLI ------------------------------------------------------------------------


def test_every_input_format_reaches_the_model_with_its_id_and_date(
    stub_server, tmp_path, cache_dir
):
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (source / "b.md").write_text(f"---\npublished: 2021-02-26\n---\n{ARTICLE}", encoding="utf-8")
    (source / "c.html").write_text(
        f"<html><body><article><p>{ARTICLE} {ARTICLE}</p></article></body></html>", encoding="utf-8"
    )
    (source / "d.json").write_text(
        json.dumps({"id": "rec-d", "text": ARTICLE + " D."}), encoding="utf-8"
    )
    (source / "e.jsonl").write_text(
        json.dumps({"id": "rec-e", "text": ARTICLE + " E."}) + "\n", encoding="utf-8"
    )
    out = tmp_path / "o.jsonl"

    result = extract(stub_server, str(source), "-o", str(out), "--published", "2020-01-01")

    assert result.exit_code == 0, result.output
    published = {line["doc_id"]: line["published"] for line in lines(out)}
    assert published == {
        "a": "2020-01-01",
        "b": "2021-02-26",
        "c": "2020-01-01",
        "rec-d": "2020-01-01",
        "rec-e": "2020-01-01",
    }
    assert stub_server.requests == 5


def test_stdin_is_read_with_a_dash(stub_server, tmp_path, cache_dir):
    out = tmp_path / "o.jsonl"

    result = extract(stub_server, "-", "-o", str(out), input=ARTICLE)

    assert result.exit_code == 0
    assert [line["doc_id"] for line in lines(out)] == ["stdin"]


def test_the_publication_date_reaches_the_prompt(stub_server, tmp_path, cache_dir):
    seen: list[str] = []
    stub_server.config.responder = lambda article: seen.append(article) or []
    out = tmp_path / "o.jsonl"

    extract(
        stub_server, str(corpus(tmp_path / "in", 1)), "-o", str(out), "--published", "2021-02-26"
    )

    assert seen == [f"{ARTICLE} Report 0."]
    [line] = lines(out)
    assert line["published"] == "2021-02-26"
    assert "no_publication_date" not in {d["code"] for d in line["diagnostics"]}


# -- running ---------------------------------------------------------------------------------------


def test_rpm_spaces_the_requests_to_the_endpoint(stub_server, tmp_path, cache_dir):
    started = time.perf_counter()

    result = extract(
        stub_server,
        str(corpus(tmp_path / "in", 4)),
        "-o",
        str(tmp_path / "o.jsonl"),
        "--rpm",
        "300",
        "--concurrency",
        "4",
    )

    assert result.exit_code == 0
    assert time.perf_counter() - started >= 3 * 60 / 300  # four starts, 0.2 s apart


def test_worker_processes_write_what_one_process_writes(stub_server, tmp_path, cache_dir):
    stub_server.config.responder = numbered_event
    source = str(corpus(tmp_path / "in", 6))
    one = extract(stub_server, source, "-o", str(tmp_path / "one.jsonl"), "--no-cache")

    two = extract(
        stub_server,
        source,
        "-o",
        str(tmp_path / "two.jsonl"),
        "--no-cache",
        "--workers",
        "2",
        quiet=False,
    )

    assert one.exit_code == two.exit_code == 0, two.output
    assert "2 worker processes" in two.output
    by_id = {r["doc_id"]: r["events"] for r in lines(tmp_path / "one.jsonl")}
    assert {r["doc_id"]: r["events"] for r in lines(tmp_path / "two.jsonl")} == by_id
    assert len(by_id) == 6 and all(len(events) == 1 for events in by_id.values())
    assert stub_server.requests == 12


def test_dry_run_sends_and_writes_nothing(stub_server, tmp_path, cache_dir):
    out = tmp_path / "o.jsonl"

    result = CliRunner().invoke(
        app,
        [
            "extract",
            str(corpus(tmp_path / "in", 3)),
            "-o",
            str(out),
            "--dry-run",
            "--model",
            "gpt-4.1-mini",
            "--base-url",
            stub_server.url,
        ],
    )

    assert result.exit_code == 0, result.output
    assert stub_server.requests == 0 and not out.exists()
    planned = [line.split()[:2] for line in result.output.splitlines()[:3]]
    assert planned == [["send", "doc000"], ["send", "doc001"], ["send", "doc002"]]
    assert (
        "nothing was sent" in result.output
        and "prompt tokens" in result.output
        and "$" in result.output
    )


def test_prefilter_keeps_irrelevant_articles_from_the_model(
    stub_server, tmp_path, cache_dir, monkeypatch
):
    monkeypatch.setattr(rules, "is_relevant", lambda text: ("Report 1." in text, 0.5))
    out = tmp_path / "o.jsonl"

    result = extract(stub_server, str(corpus(tmp_path / "in", 3)), "-o", str(out), "--prefilter")

    assert result.exit_code == 0
    assert stub_server.requests == 1
    codes = {line["doc_id"]: [d["code"] for d in line["diagnostics"]] for line in lines(out)}
    assert "prefiltered" in codes["doc000"] and "prefiltered" not in codes["doc001"]


def test_without_a_model_the_rules_backend_runs_with_a_visible_notice(
    tmp_path, cache_dir, monkeypatch
):
    monkeypatch.setattr(rules, "extract_quoted", lambda text, published: [])
    out = tmp_path / "o.jsonl"

    result = CliRunner().invoke(app, ["extract", str(corpus(tmp_path / "in", 2)), "-o", str(out)])

    assert result.exit_code == 0, result.output
    assert "offline rules backend" in result.output
    assert {line["backend"] for line in lines(out)} == {"rules"}


def test_summary_reports_counts_tokens_and_where_the_errors_are(stub_server, tmp_path, cache_dir):
    source = corpus(tmp_path / "in", 3)
    (source / "empty.txt").write_bytes(b"")
    result = extract(stub_server, str(source), "-o", str(tmp_path / "o.jsonl"), quiet=False)

    assert result.exit_code == 1
    assert "4 documents: 3 extracted, 1 failed" in result.output
    assert "3 model calls" in result.output
    assert f"errors: {tmp_path / 'o.errors.jsonl'} (1)" in result.output


def test_progress_lines_name_the_run_when_not_on_a_terminal(
    stub_server, tmp_path, cache_dir, monkeypatch
):
    monkeypatch.setattr("llmextract.progress.PLAIN_INTERVAL_SECONDS", 0.0)
    source = str(corpus(tmp_path / "in", 3))
    result = extract(stub_server, source, "-o", str(tmp_path / "o.jsonl"), quiet=False)

    progress = [line for line in result.output.splitlines() if line.startswith("llmextract: ")]
    assert progress[-1].startswith("llmextract: 3/3 documents")


# -- resume (kill -9 mid-run: tests/test_kill.py) --------------------------------------------------


def test_rerun_after_a_completed_run_sends_nothing(stub_server, tmp_path, cache_dir):
    source = corpus(tmp_path / "in", 4)
    out = tmp_path / "o.jsonl"
    extract(stub_server, str(source), "-o", str(out), "--no-cache")

    result = extract(stub_server, str(source), "-o", str(out), "--no-cache")

    assert result.exit_code == 0
    assert stub_server.requests == 4 and len(lines(out)) == 4


# -- after the grounding branch is merged ----------------------------------------------------------


def test_events_from_the_model_are_grounded_in_csv_output(stub_server, tmp_path, cache_dir):
    """Needs llmextract.grounding (merged from the grounding branch) to locate quotes."""
    quote = "struck Iran-backed militias in eastern Syria"
    stub_server.config.responder = lambda article: [
        {"strike_type": "air_strike", "status": "occurred", "role": "main", "evidence": [quote]}
    ]
    out = tmp_path / "events.csv"

    result = extract(stub_server, str(corpus(tmp_path / "in", 2)), "-o", str(out))

    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["evidence"] for r in rows] == [quote, quote]
    start = ARTICLE.index(quote)
    assert {(r["evidence_start"], r["evidence_end"]) for r in rows} == {
        (str(start), str(start + len(quote)))
    }
