"""The API key never reaches what a CLI run leaves behind, even when the endpoint keeps
failing and quotes the key back in its error bodies (as some servers do).

tests/test_secrets.py covers logs at DEBUG, exceptions and results in-process, and
tests/test_soak.py the files of a run at a 30% fault rate; here every request fails, so
retries run out and the endpoint's errors (holding the key) reach instructor's error log,
which the CLI prints on stderr.
"""

from __future__ import annotations

import pytest

from tests.cli_runs import cli_process, corpus, leaked_pieces
from tests.conftest import LOOPBACK
from tests.stub_server import StubConfig, running

pytestmark = [pytest.mark.block_network(allowed_hosts=[LOOPBACK]), pytest.mark.slow]

SECRET = "7d1e0c95b2a8f4e36c0d9b1a5e7f2c84"
KEY = f"sk-proj-{SECRET}"
FAILING = {"server_error": 0.4, "unavailable": 0.3, "rate_limit": 0.3}


@pytest.mark.parametrize("output", ["events.jsonl", "events.csv"])
def test_no_file_and_no_console_line_of_a_failing_run_holds_the_key(output, tmp_path):
    out, cache = tmp_path / "out" / output, tmp_path / "cache"
    with running(StubConfig(faults=FAILING, echo_auth=True)) as server:
        process = cli_process(
            server,
            corpus(tmp_path / "in", 3),
            out,
            cache,
            "--max-backoff",
            "0.01",
            "--format",
            "csv" if output.endswith(".csv") else "jsonl",
            env={"OPENAI_API_KEY": KEY},
        )
        _, stderr = process.communicate(timeout=60)

    assert {r.authorization for r in server.log} == {f"Bearer {KEY}"}
    assert process.returncode == 1 and b"API call failed" in stderr  # the errors were logged
    written = [p for p in (*out.parent.iterdir(), *cache.rglob("*")) if p.is_file()]
    assert "events.errors.jsonl" in {p.name for p in written}  # every document failed
    for path in written:
        assert not leaked_pieces(SECRET, path.read_bytes()), path
    assert not leaked_pieces(SECRET, stderr)
