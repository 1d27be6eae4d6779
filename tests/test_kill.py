"""`kill -9` or Ctrl-C mid-run, then the same command again: the same documents, events and errors
as a run that was never interrupted, with no torn line and nothing twice.

Each kill lands after 10%, 50% or 90% of the results are written (once with two worker
processes, whose children must exit with their parent); every case is compared with one
uninterrupted in-process run over the same corpus (100 articles and two unreadable files).
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmextract.cli import app
from tests.cli_runs import (
    RunFiles,
    child_pids,
    cli_process,
    corpus_with_unreadable,
    count_lines,
    kill_after_lines,
    kill_and_rerun,
    numbered_event,
    running,
)
from tests.conftest import LOOPBACK
from tests.stub_server import StubConfig, StubServer

pytestmark = [pytest.mark.block_network(allowed_hosts=[LOOPBACK]), pytest.mark.slow]

DOCUMENTS = 100
OPTIONS = ("--concurrency", "4")


@pytest.fixture(scope="module")
def server() -> Iterator[StubServer]:
    # A little latency keeps the run long enough for the 90% kill to land before the end.
    with StubServer(StubConfig(delay=0.01, responder=numbered_event)) as stub:
        yield stub


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus_with_unreadable(tmp_path_factory.mktemp("kill") / "in", DOCUMENTS)


@pytest.fixture(scope="module")
def uninterrupted(server, source, tmp_path_factory) -> RunFiles:
    """The same command never interrupted (in-process: one interpreter start fewer)."""
    work = tmp_path_factory.mktemp("uninterrupted")
    argv = ["extract", str(source), "-o", str(work / "events.jsonl"), "--model", "stub"]
    argv += ["--base-url", server.url, "--cache-dir", str(work / "cache"), *OPTIONS]
    unset = dict.fromkeys(("OPENAI_API_KEY", "OPENAI_BASE_URL", "LLMEXTRACT_MODE"))
    result = CliRunner().invoke(app, argv, env=unset)
    assert result.exit_code == 1, result.output  # the two unreadable files
    return RunFiles.read(work / "events.jsonl")


def test_the_uninterrupted_run_has_every_document_once(uninterrupted):
    assert sorted(uninterrupted.result_ids) == [f"doc{i:03d}" for i in range(DOCUMENTS)]
    assert sorted(uninterrupted.error_ids) == ["binary", "empty"]
    assert all(len(events) == 1 for events in uninterrupted.events_by_doc().values())


@pytest.mark.parametrize(
    ("share", "options"),
    [
        (0.1, OPTIONS),
        (0.5, OPTIONS),
        (0.9, OPTIONS),
        (0.5, (*OPTIONS, "--workers", "2")),
    ],
    ids=["10%", "50%", "90%", "50%-two-workers"],
)
def test_a_run_killed_mid_way_and_rerun_ends_as_if_never_interrupted(
    share, options, server, source, uninterrupted, tmp_path
):
    out = tmp_path / "events.jsonl"
    run = kill_and_rerun(server, source, out, tmp_path / "cache", int(share * DOCUMENTS), *options)

    assert int(share * DOCUMENTS) <= run.lines_at_kill < DOCUMENTS, "the kill landed mid-run"
    assert run.rerun_returncode == 1, run.rerun_stderr
    final = run.files
    assert final.whole_lines
    assert final.results_bytes.startswith(run.whole_partial_lines)  # nothing written lost
    assert len(final.result_ids) == len(set(final.result_ids)) == DOCUMENTS  # none twice
    assert final.events_by_doc() == uninterrupted.events_by_doc()
    assert sorted(final.error_ids) == sorted(uninterrupted.error_ids)
    done = run.whole_partial_lines.count(b"\n")
    assert f"resuming: {done} documents" in run.rerun_stderr
    # The rerun asked the model only for documents neither written nor in the cache.
    cached = sum("from_cache" in {d["code"] for d in r["diagnostics"]} for r in final.results)
    assert run.rerun_requests == DOCUMENTS - done - cached


def test_worker_processes_exit_when_their_run_is_killed(server, source, tmp_path):
    out = tmp_path / "events.jsonl"
    process = cli_process(server, source, out, tmp_path / "cache", *OPTIONS, "--workers", "2")

    _, children = kill_after_lines(process, out, DOCUMENTS // 2, timeout=60)

    assert len(children) == 2, "the run had started its two workers"
    deadline = time.monotonic() + 10
    while any(map(running, children)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(running, children))


@pytest.mark.parametrize("options", [OPTIONS, (*OPTIONS, "--workers", "2")], ids=["1", "2"])
def test_ctrl_c_stops_the_run_cleanly_and_a_rerun_finishes_it(
    options, server, source, uninterrupted, tmp_path
):
    out = tmp_path / "events.jsonl"
    process = cli_process(server, source, out, tmp_path / "cache", *options)
    while count_lines(out) < DOCUMENTS // 3 and process.poll() is None:
        time.sleep(0.005)
    children = child_pids(process.pid)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)

    assert process.returncode == 130
    assert "interrupted" in stderr.decode() and "rerun the same command" in stderr.decode()
    interrupted = RunFiles.read(out)
    assert interrupted.whole_lines and len(interrupted.result_ids) < DOCUMENTS
    assert not any(map(running, children))

    rerun = cli_process(server, source, out, tmp_path / "cache", *options)
    rerun.communicate(timeout=60)
    final = RunFiles.read(out)
    assert final.results_bytes.startswith(interrupted.results_bytes)
    assert len(final.result_ids) == len(set(final.result_ids)) == DOCUMENTS
    assert final.events_by_doc() == uninterrupted.events_by_doc()
