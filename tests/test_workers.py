"""Extraction in worker processes: the same results as in one process, errors typed and
named, a worker that dies fails only its own documents, and none is left running."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time

import pytest

from llmextract.errors import ConfigurationError, InputError, TruncatedOutputError
from llmextract.extract import Extractor
from llmextract.llm import LLMSettings
from llmextract.runner import make_extractor
from llmextract.schema import DocumentResult
from llmextract.workers import ProcessPoolExtractor, WorkerError, auto_workers
from tests.cli_runs import article, running
from tests.conftest import LOOPBACK
from tests.stub_server import StubConfig, StubServer, first_sentence_event

pytestmark = pytest.mark.block_network(allowed_hosts=[LOOPBACK])

PUBLISHED = "2024-03-07"


def settings_for(stub: StubServer) -> LLMSettings:
    return LLMSettings(model="stub", base_url=stub.url, transport_attempts=1)


def without_timing(result: DocumentResult) -> dict:
    return result.model_copy(
        update={"usage": result.usage.model_copy(update={"seconds": 0})}
    ).model_dump()


def test_worker_processes_give_what_one_process_gives():
    with StubServer(StubConfig(responder=first_sentence_event)) as stub:
        settings = settings_for(stub)
        local = Extractor(settings=settings)
        pool = ProcessPoolExtractor(settings=settings, workers=2)

        async def both() -> tuple[list[DocumentResult], list[DocumentResult], list[int]]:
            try:
                here = [
                    await local.aextract(article(i), published=PUBLISHED, doc_id=f"d{i}")
                    for i in range(6)
                ]
                there = await asyncio.gather(
                    *(
                        pool.aextract(article(i), published=PUBLISHED, doc_id=f"d{i}")
                        for i in range(6)
                    )
                )
                return here, list(there), pool.pids
            finally:
                await pool.aclose()
                await local.aclose()

        here, there, pids = asyncio.run(both())

    assert [len(r.events) for r in there] == [1] * 6
    assert list(map(without_timing, there)) == list(map(without_timing, here))
    assert len(set(pids)) == 2 and os.getpid() not in pids
    assert not any(map(running, pids)), "closing the pool stops its workers"


def test_an_error_in_a_worker_is_raised_as_the_same_type_naming_the_document():
    with StubServer(StubConfig(faults={"length": 1.0})) as stub:
        pool = ProcessPoolExtractor(settings=settings_for(stub), workers=1)

        async def attempt() -> None:
            try:
                await pool.aextract(article(1), published=PUBLISHED, doc_id="cut-off")
            finally:
                await pool.aclose()

        with pytest.raises(TruncatedOutputError, match=r"document 'cut-off'.*token limit"):
            asyncio.run(attempt())


def test_a_worker_killed_mid_document_fails_that_document_and_is_replaced():
    with StubServer(StubConfig(delay=2.0, responder=first_sentence_event)) as stub:
        pool = ProcessPoolExtractor(settings=settings_for(stub), workers=1)

        async def kill_then_continue() -> tuple[BaseException | None, DocumentResult, int, int]:
            try:
                doomed = asyncio.create_task(pool.aextract(article(1), doc_id="doomed"))
                while not stub.log:
                    await asyncio.sleep(0.01)
                first = pool.pids[0]
                os.kill(first, signal.SIGKILL)
                failure = (await asyncio.gather(doomed, return_exceptions=True))[0]
                stub.config.delay = 0.0
                after = await pool.aextract(article(2), doc_id="after")
                return failure, after, first, pool.pids[0]
            finally:
                await pool.aclose()

        failure, after, first, replacement = asyncio.run(kill_then_continue())

    assert isinstance(failure, WorkerError)
    assert "document 'doomed'" in str(failure) and "exited" in str(failure)
    assert after.doc_id == "after" and len(after.events) == 1
    assert replacement != first


def test_a_worker_that_cannot_start_stops_the_run_as_a_configuration_error(monkeypatch):
    monkeypatch.setattr(sys, "executable", "/bin/false")
    pool = ProcessPoolExtractor("rules", workers=2)

    async def attempt() -> None:
        try:
            await pool.aextract(article(1), doc_id="x")
        finally:
            await pool.aclose()

    with pytest.raises(ConfigurationError, match="worker process could not start"):
        asyncio.run(attempt())


def test_a_worker_that_breaks_the_protocol_fails_its_document_and_is_stopped(monkeypatch, tmp_path):
    # Stands in for the worker: answers the setup, then garbage, then hangs.
    impostor, pid_file = tmp_path / "impostor.sh", tmp_path / "pid"
    impostor.write_text(
        f"#!/bin/sh\necho $$ > {pid_file}\nread setup\necho '{{\"ready\": true}}'\n"
        "read request\necho garbage\nexec sleep 60\n"
    )
    impostor.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(impostor))
    pool = ProcessPoolExtractor("rules", workers=1)

    async def attempt() -> None:
        try:
            await asyncio.wait_for(pool.aextract(article(1), doc_id="garbled"), 20)
        finally:
            await pool.aclose()

    started = time.monotonic()
    with pytest.raises(WorkerError, match=r"document 'garbled'.*stopped answering"):
        asyncio.run(attempt())

    assert not running(int(pid_file.read_text()))
    assert time.monotonic() - started < 30, "stopped, not waited for"


def test_input_errors_are_raised_in_the_parent_without_starting_a_worker():
    pool = ProcessPoolExtractor("rules", workers=2)

    with pytest.raises(InputError, match=r"document 'blank'.*empty"):
        asyncio.run(pool.aextract("   ", doc_id="blank"))
    with pytest.raises(InputError, match=r"document 'undated'.*not an ISO date"):
        asyncio.run(pool.aextract(article(1), published="last Tuesday", doc_id="undated"))
    assert pool.pids == []


def test_the_rules_backend_runs_in_workers_too():
    pool = ProcessPoolExtractor("rules", workers=2)
    text = "Israeli aircraft struck a building in Gaza City on Tuesday, killing 5 people."

    async def extract() -> DocumentResult:
        try:
            return await pool.aextract(text, published=PUBLISHED, doc_id="r")
        finally:
            await pool.aclose()

    there = asyncio.run(extract())

    here = Extractor("rules").extract(text, published=PUBLISHED, doc_id="r")
    assert there.events and there.model_dump() == here.model_dump()


def test_the_rate_limit_holds_across_workers():
    with StubServer(StubConfig(responder=first_sentence_event)) as stub:
        # 120 a minute in all: each of the two workers may start one request a second
        # (each on its own: 0.5 s apart, so the four would arrive within about 0.5 s).
        pool = ProcessPoolExtractor(settings=settings_for(stub), workers=2, rpm=120)

        async def four() -> None:
            try:
                await asyncio.gather(*(pool.aextract(article(i), doc_id=f"d{i}") for i in range(4)))
            finally:
                await pool.aclose()

        asyncio.run(four())
        arrivals = sorted(request.received for request in stub.log)

    assert len(arrivals) == 4
    # Two per worker, a second apart; the margin absorbs the server's lag on the first.
    assert arrivals[-1] - arrivals[0] >= 0.75


@pytest.mark.parametrize(
    ("backend", "concurrency", "expected"),
    [("rules", 64, 1), ("openai", 8, 1), ("openai", 16, 1), ("openai", 32, 2)],
)
def test_automatic_workers_follow_concurrency_up_to_the_cpu_count(
    backend, concurrency, expected, monkeypatch
):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)

    assert auto_workers(backend, concurrency) == expected


def test_auto_workers_never_exceed_the_cpus(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)

    assert auto_workers("openai", 256) == 2


def test_make_extractor_gives_a_pool_only_for_more_than_one_worker(no_model_env):
    assert not isinstance(make_extractor("rules", workers=1), ProcessPoolExtractor)
    pool = make_extractor(model="m", base_url="http://127.0.0.1:9/v1", concurrency=64, workers=None)
    assert isinstance(pool, ProcessPoolExtractor) == ((os.cpu_count() or 1) > 1)
