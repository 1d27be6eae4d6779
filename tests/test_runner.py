"""The runner with a fake backend: concurrency, failures, cache, resume, formats, dry run."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import time
from pathlib import Path

import pytest

from llmextract import rules
from llmextract.cache import ResponseCache
from llmextract.corpus import Document, InputProblem
from llmextract.errors import ConfigurationError, TransportError
from llmextract.output import FileSink, OutputError, OutputFormat, iter_results
from llmextract.progress import PlainProgress, RichProgress
from llmextract.ratelimit import RateLimiter
from llmextract.runner import (
    CollectingSink,
    PlanTotals,
    RunOptions,
    arun,
    plan,
    run,
)
from llmextract.schema import DocumentResult, Span, StrikeEvent, Usage

ARTICLE = "The US military struck Iran-backed militias in eastern Syria on Thursday."


class FakeExtractor:
    """The runner-facing surface of Extractor: one event whose evidence is the first
    sentence; texts containing FAIL, BUG or CONFIG raise."""

    backend = "fake"
    model = "fake-model"
    prompt_version = "fake-v1"

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.before_answer = None  # hook(doc_id), called while the document is in flight

    async def aextract(self, text, *, published=None, doc_id=None) -> DocumentResult:
        self.calls.append(doc_id)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            if self.before_answer:
                self.before_answer(doc_id)
        finally:
            self.in_flight -= 1
        if "CONFIG" in text:
            raise ConfigurationError("the model does not exist")
        if "FAIL" in text:
            raise TransportError("the endpoint kept failing (HTTP 503) after bounded retries")
        if "BUG" in text:
            raise ValueError("a bug")
        end = text.find(".") + 1 or len(text)
        event = StrikeEvent(
            strike_type="air_strike",
            status="occurred",
            role="main",
            evidence=[Span(text=text[:end], start=0, end=end)],
        )
        return DocumentResult(
            doc_id=doc_id,
            published=published,
            events=[event],
            usage=Usage(calls=1, prompt_tokens=1000, completion_tokens=100),
            backend=self.backend,
            model=self.model,
            prompt_version=self.prompt_version,
        )


def docs(n: int, text: str = ARTICLE, prefix: str = "d") -> list[Document]:
    return [
        Document(f"{prefix}{i:03d}", f"{text} ({i})", source=f"{prefix}{i}.txt") for i in range(n)
    ]


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- concurrency and failures -------------------------------------------------------------------


def test_concurrency_is_bounded_and_fully_used():
    fake = FakeExtractor(delay=0.05)
    sink = CollectingSink()

    started = time.perf_counter()
    summary = run(docs(24), fake, sink, RunOptions(concurrency=6))
    elapsed = time.perf_counter() - started

    assert fake.max_in_flight == 6
    assert elapsed < 24 * 0.05 / 2  # far below one at a time
    assert sorted(r.doc_id for r in sink.results) == [f"d{i:03d}" for i in range(24)]
    assert (summary.extracted, summary.events, summary.usage.calls) == (24, 24, 24)
    assert summary.exit_code == 0


def test_a_failing_document_is_an_error_record_and_the_run_goes_on():
    items = [
        *docs(2),
        Document("bad", "FAIL " + ARTICLE, source="bad.txt", line=3),
        *docs(2, prefix="e"),
    ]
    sink = CollectingSink()

    summary = run(items, FakeExtractor(), sink, RunOptions(concurrency=2))

    assert len(sink.results) == 4
    [error] = sink.errors
    assert (error.doc_id, error.file, error.line, error.stage, error.error) == (
        "bad",
        "bad.txt",
        3,
        "extract",
        "TransportError",
    )
    assert "HTTP 503" in error.message and "document 'bad'" not in error.message
    assert (summary.failed, summary.exit_code) == (1, 1)


def test_an_unexpected_exception_fails_one_document_not_the_run():
    items = [Document("bug", "BUG " + ARTICLE), *docs(3)]
    sink = CollectingSink()

    summary = run(items, FakeExtractor(), sink)

    assert [e.error for e in sink.errors] == ["ValueError"]
    assert len(sink.results) == 3 and summary.exit_code == 1


def test_input_problems_become_error_records_with_their_line():
    problem = InputProblem("feed.jsonl", "parse", "malformed JSON line", line=7, doc_id="feed#7")
    sink = CollectingSink()

    summary = run([problem, *docs(1)], FakeExtractor(), sink)

    [error] = sink.errors
    assert (error.doc_id, error.file, error.stage, error.line) == (
        "feed#7",
        "feed.jsonl",
        "parse",
        7,
    )
    assert summary.failed == 1 and summary.extracted == 1


def test_a_configuration_error_stops_the_whole_run():
    items = [Document("c", "CONFIG " + ARTICLE), *docs(50)]
    fake = FakeExtractor(delay=0.01)

    with pytest.raises(ConfigurationError):
        run(items, fake, CollectingSink(), RunOptions(concurrency=2))

    assert len(fake.calls) < 51


def test_reading_notes_are_kept_in_the_result_diagnostics():
    from llmextract.schema import Diagnostic

    note = Diagnostic(code="encoding_guessed", message="decoded as cp1252")
    sink = CollectingSink()

    run([Document("a", ARTICLE, notes=(note,))], FakeExtractor(), sink)

    assert [d.code for d in sink.results[0].diagnostics] == ["encoding_guessed"]


def test_each_result_is_written_as_a_whole_line_as_soon_as_it_is_done(tmp_path):
    out = tmp_path / "out.jsonl"
    fake = FakeExtractor()
    seen_while_in_flight: list[list[str]] = []

    def peek(doc_id: str) -> None:
        if doc_id == "d002":  # the third document, run after the first two are written
            seen_while_in_flight.append([line["doc_id"] for line in lines(out)])

    fake.before_answer = peek
    sink = FileSink(out)
    run(docs(3), fake, sink, RunOptions(concurrency=1))
    sink.close(complete=True)

    assert seen_while_in_flight == [["d000", "d001"]]
    assert [line["doc_id"] for line in lines(out)] == ["d000", "d001", "d002"]


def test_collecting_sink_serves_eval_with_the_same_path():
    sink = CollectingSink()

    summary = asyncio.run(arun(docs(3), FakeExtractor(), sink))

    assert summary.extracted == 3 and [len(r.events) for r in sink.results] == [1, 1, 1]


# -- cache ---------------------------------------------------------------------------------------


def test_rerun_is_served_from_the_cache_with_zero_calls(tmp_path):
    cache = ResponseCache(tmp_path / "cache")
    first, second = FakeExtractor(), FakeExtractor()
    sink1, sink2 = CollectingSink(), CollectingSink()

    run(docs(5), first, sink1, RunOptions(cache=cache))
    summary = run(docs(5), second, sink2, RunOptions(cache=cache))

    assert len(first.calls) == 5 and second.calls == []
    assert summary.from_cache == 5 and summary.usage.calls == 0
    by_id = {r.doc_id: r for r in sink1.results}
    for result in sink2.results:
        assert result.events == by_id[result.doc_id].events
        assert result.diagnostics[-1].code == "from_cache"


def test_the_same_text_under_another_id_hits_but_another_date_or_text_misses(tmp_path):
    cache = ResponseCache(tmp_path / "cache")
    run([Document("a", ARTICLE)], FakeExtractor(), CollectingSink(), RunOptions(cache=cache))
    fake = FakeExtractor()

    sink = CollectingSink()
    run(
        [
            Document("renamed", ARTICLE),
            Document("dated", ARTICLE, published=dt.date(2021, 2, 26)),
            Document("edited", ARTICLE + " Updated."),
        ],
        fake,
        sink,
        RunOptions(cache=cache, concurrency=1),
    )

    assert fake.calls == ["dated", "edited"]
    assert {r.doc_id for r in sink.results} == {"renamed", "dated", "edited"}


def test_another_model_or_prompt_version_misses_the_cache(tmp_path):
    cache = ResponseCache(tmp_path / "cache")
    run([Document("a", ARTICLE)], FakeExtractor(), CollectingSink(), RunOptions(cache=cache))
    other_model, other_prompt = FakeExtractor(), FakeExtractor()
    other_model.model = "another-model"
    other_prompt.prompt_version = "fake-v2"

    run([Document("a", ARTICLE)], other_model, CollectingSink(), RunOptions(cache=cache))
    run([Document("a", ARTICLE)], other_prompt, CollectingSink(), RunOptions(cache=cache))

    assert other_model.calls == ["a"] and other_prompt.calls == ["a"]


def test_failures_are_not_cached(tmp_path):
    cache = ResponseCache(tmp_path / "cache")
    failing = [Document("x", "FAIL " + ARTICLE)]
    run(failing, FakeExtractor(), CollectingSink(), RunOptions(cache=cache))
    again = FakeExtractor()

    run(failing, again, CollectingSink(), RunOptions(cache=cache))

    assert again.calls == ["x"] and cache.info().entries == 0


def test_cache_info_counts_by_model_and_clear_empties_it(tmp_path):
    cache = ResponseCache(tmp_path / "cache")
    run(docs(3), FakeExtractor(), CollectingSink(), RunOptions(cache=cache))

    info = cache.info()
    assert (info.entries, info.by_model) == (3, {"fake-model": 3})
    assert info.size_bytes > 0

    assert cache.clear() == 3
    assert cache.info().entries == 0


def test_a_file_that_is_not_a_cache_is_a_configuration_error(tmp_path):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "responses.sqlite3").write_bytes(b"not a database" * 100)

    with pytest.raises(ConfigurationError, match="cannot use the cache"):
        ResponseCache(tmp_path / "cache")


# -- resume ----------------------------------------------------------------------------------------


def test_rerun_into_the_same_output_skips_what_is_done(tmp_path):
    out = tmp_path / "out.jsonl"
    sink = FileSink(out)
    run(docs(3), FakeExtractor(), sink)
    sink.close(complete=True)
    fake = FakeExtractor()

    sink = FileSink(out)
    summary = run(docs(5), fake, sink)
    sink.close(complete=True)

    assert sorted(fake.calls) == ["d003", "d004"]
    assert summary.already_done == 3 and summary.extracted == 2
    assert sorted(line["doc_id"] for line in lines(out)) == [f"d{i:03d}" for i in range(5)]


def test_a_torn_last_line_is_cut_off_and_that_document_runs_again(tmp_path):
    out = tmp_path / "out.jsonl"
    sink = FileSink(out)
    run(docs(2), FakeExtractor(), sink, RunOptions(concurrency=1))
    sink.close(complete=True)
    whole = out.read_bytes()
    torn_line = whole.splitlines(keepends=True)[1][:-40]  # a kill in the middle of a write
    out.write_bytes(whole.splitlines(keepends=True)[0] + torn_line)
    fake = FakeExtractor()

    sink = FileSink(out)
    assert sink.resume_state.torn_bytes == len(torn_line)
    run(docs(2), fake, sink)
    sink.close(complete=True)

    assert fake.calls == ["d001"]
    assert [line["doc_id"] for line in lines(out)] == ["d000", "d001"]  # every line whole


def test_an_output_file_llmextract_did_not_write_is_refused(tmp_path):
    out = tmp_path / "notes.jsonl"
    out.write_text('{"note": "my own data"}\n', encoding="utf-8")

    with pytest.raises(OutputError, match="not an llmextract result line"):
        FileSink(out)
    assert out.read_text(encoding="utf-8") == '{"note": "my own data"}\n'


def test_the_errors_file_holds_only_this_runs_failures(tmp_path):
    out = tmp_path / "out.jsonl"
    flaky = Document("flaky", "FAIL " + ARTICLE)
    sink = FileSink(out)
    run([flaky, *docs(1)], FakeExtractor(), sink)
    sink.close(complete=True)
    assert [e["doc_id"] for e in lines(tmp_path / "out.errors.jsonl")] == ["flaky"]

    fixed = Document("flaky", ARTICLE + " Now it works.")
    sink = FileSink(out)
    summary = run([fixed, *docs(1)], FakeExtractor(), sink)
    sink.close(complete=True)

    assert summary.exit_code == 0
    assert not (tmp_path / "out.errors.jsonl").exists()
    assert sorted(line["doc_id"] for line in lines(out)) == ["d000", "flaky"]


# -- formats ---------------------------------------------------------------------------------------


def run_to(out: Path, fmt: OutputFormat, items: list[Document]) -> None:
    sink = FileSink(out, fmt)
    run(items, FakeExtractor(), sink)
    sink.close(complete=True)


def test_csv_has_one_row_per_event_with_its_span(tmp_path):
    out = tmp_path / "events.csv"
    run_to(out, OutputFormat.CSV, docs(3))

    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))

    assert sorted(r["doc_id"] for r in rows) == ["d000", "d001", "d002"]
    row = rows[0]
    assert (row["strike_type"], row["evidence_start"]) == ("air_strike", "0")
    assert row["evidence"] == ARTICLE and row["model"] == "fake-model"


def test_events_jsonl_has_one_line_per_event_with_its_document(tmp_path):
    out = tmp_path / "events.jsonl"
    run_to(out, OutputFormat.EVENTS_JSONL, docs(2))

    events = lines(out)

    assert sorted(e["doc_id"] for e in events) == ["d000", "d001"]
    assert events[0]["event"] == 0 and events[0]["evidence"][0]["text"] == ARTICLE
    assert events[0]["backend"] == "fake"


def test_json_is_one_array_of_document_results(tmp_path):
    out = tmp_path / "events.json"
    run_to(out, OutputFormat.JSON, docs(2))

    data = json.loads(out.read_text(encoding="utf-8"))

    assert sorted(d["doc_id"] for d in data) == ["d000", "d001"]
    assert DocumentResult.model_validate(data[0]).events[0].evidence[0].text == ARTICLE


def test_other_formats_resume_from_their_results_file(tmp_path):
    out = tmp_path / "events.csv"
    run_to(out, OutputFormat.CSV, docs(2))
    fake = FakeExtractor()

    sink = FileSink(out, OutputFormat.CSV)
    run(docs(3), fake, sink)
    sink.close(complete=True)

    assert fake.calls == ["d002"]
    assert len(list(iter_results(tmp_path / "events.results.jsonl"))) == 3
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1 + 3


# -- prefilter, dry run, rate limit, progress ------------------------------------------------------


def test_prefilter_sends_only_documents_that_may_report_a_strike(monkeypatch):
    monkeypatch.setattr(
        rules, "is_relevant", lambda text: ("strike" in text, 0.9 if "strike" in text else 0.1)
    )
    items = [
        Document("yes", "Jets carried out a strike near Idlib."),
        Document("no", "The football final ended 2-1."),
    ]
    fake = FakeExtractor()
    sink = CollectingSink()

    summary = run(items, fake, sink, RunOptions(prefilter=True))

    assert fake.calls == ["yes"]
    skipped = next(r for r in sink.results if r.doc_id == "no")
    assert skipped.events == [] and skipped.diagnostics[0].code == "prefiltered"
    assert summary.prefiltered == 1 and summary.extracted == 2


def test_prefilter_without_the_rules_filter_is_a_configuration_error(monkeypatch):
    def not_built(text: str) -> tuple[bool, float]:
        raise NotImplementedError

    monkeypatch.setattr(rules, "is_relevant", not_built)

    with pytest.raises(ConfigurationError, match="prefilter"):
        run(docs(1), FakeExtractor(), CollectingSink(), RunOptions(prefilter=True))


def test_dry_run_plan_sends_nothing_and_estimates_tokens(tmp_path):
    cache = ResponseCache(tmp_path / "cache")
    run([Document("cached", ARTICLE)], FakeExtractor(), CollectingSink(), RunOptions(cache=cache))
    fake = FakeExtractor()
    fake.max_input_chars = 500
    items = [
        Document("cached", ARTICLE),
        Document("done", ARTICLE + " 2"),
        Document("new", ARTICLE * 4),
        Document("big", "x" * 600),
        InputProblem("bad.txt", "decode", "the file is empty", doc_id="bad"),
    ]
    totals = PlanTotals(model="gpt-4.1-mini")

    planned = list(plan(items, fake, done={"done"}, cache=cache, totals=totals))

    assert fake.calls == []
    assert [(p.doc_id, p.action) for p in planned] == [
        ("cached", "cached"),
        ("done", "already done"),
        ("new", "send"),
        ("big", "too large"),
        ("bad", "unreadable"),
    ]
    assert planned[2].prompt_tokens == round(len(ARTICLE * 4) / 4)
    assert totals.to_send == 1 and totals.prompt_tokens == planned[2].prompt_tokens
    assert totals.cost is not None and totals.cost > 0


def test_rate_limiter_gives_slots_one_interval_apart_and_no_burst_after_idling():
    now = [100.0]
    limiter = RateLimiter(rpm=1200, clock=lambda: now[0])  # one every 50 ms

    waits = [limiter.reserve() for _ in range(4)]  # asked at the same instant
    now[0] += 10.0  # idle far longer than an interval
    after_idle = [limiter.reserve() for _ in range(2)]

    assert waits == pytest.approx([0.0, 0.05, 0.10, 0.15])
    assert after_idle == pytest.approx([0.0, 0.05])


def test_rate_limiter_makes_requests_wait_for_their_slots():
    limiter = RateLimiter(rpm=1200)  # one every 50 ms

    async def six_requests() -> float:
        start = time.monotonic()
        for _ in range(6):
            await limiter.acquire()
        return time.monotonic() - start

    # The sixth slot starts five intervals after the first; a busy host only adds to that.
    assert asyncio.run(six_requests()) >= 5 * 0.05 - 0.001


def test_plain_progress_prints_periodic_lines_with_rate_events_and_errors():
    stream = io.StringIO()
    items = [*docs(3), Document("bad", "FAIL " + ARTICLE)]

    run(
        items,
        FakeExtractor(),
        CollectingSink(),
        RunOptions(listener=PlainProgress(stream, interval=0)),
    )

    printed = stream.getvalue().splitlines()
    assert len(printed) == 4
    assert printed[-1].startswith("llmextract: 4 documents")
    assert "3 events" in printed[-1] and "1 errors" in printed[-1] and "docs/s" in printed[-1]


def test_rich_progress_shows_rate_events_errors_tokens_and_cost():
    from rich.console import Console

    screen = io.StringIO()
    fake = FakeExtractor()
    fake.model = "gpt-4.1-mini"  # a model with a known price
    items = [*docs(3), Document("bad", "FAIL " + ARTICLE)]
    progress = RichProgress(Console(file=screen, force_terminal=True, width=200))

    run(items, fake, CollectingSink(), RunOptions(listener=progress, expected=4))

    shown = screen.getvalue()
    assert "4/4" in shown and "docs/s" in shown
    assert "3 events" in shown and "1 errors" in shown
    assert "3.3k tokens" in shown and "$0.0017" in shown
