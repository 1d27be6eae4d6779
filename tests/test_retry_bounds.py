"""Retries stop where the settings say: attempts, waits, total time and the token budget.

Each test runs a few documents at once through the real client against the stub, which
here fails every request (or answers only invalid output), so the limits are reached;
the server's request log, per document, is what is checked.
"""

from __future__ import annotations

import time

import pytest

from llmextract import BudgetExceededError, DocumentResult, InvalidOutputError, TransportError
from tests import fault_runs
from tests.conftest import LOOPBACK
from tests.fault_runs import (
    ALL_TRANSIENT,
    BOUND_LIMITS,
    TRANSIENT_OR_INVALID,
    TRANSIENT_OUTCOMES,
    pauses,
)
from tests.stub_server import StubConfig, StubServer, oversized_invalid_event, running

pytestmark = pytest.mark.block_network(allowed_hosts=[LOOPBACK])

# Scheduling lag between the client deciding to send and the server receiving, with a few
# documents in flight in one process (measured: at most 0.04 s with 4, 0.13 s with 20 on an
# idle machine; more when another job holds the second core). The upper bounds only need to
# tell a capped wait from the 30 s the server asked for, so they allow plenty.
LAG = 0.5
DOCUMENTS = 4


def extract_all(
    server: StubServer, documents: int = DOCUMENTS, **limits: object
) -> list[DocumentResult | BaseException]:
    return fault_runs.extract_all(server, documents, **(BOUND_LIMITS | limits))


def requests_per_document(server: StubServer, documents: int = DOCUMENTS) -> list[list]:
    return fault_runs.requests_per_document(server, documents)


def test_transport_attempts_per_document_stop_at_the_limit():
    with running(StubConfig(faults=ALL_TRANSIENT, hang_seconds=10)) as server:
        outcomes = extract_all(server)

    assert all(isinstance(o, TransportError) for o in outcomes)
    assert [len(rs) for rs in requests_per_document(server)] == [4] * DOCUMENTS
    assert set(server.outcomes) <= TRANSIENT_OUTCOMES


def test_each_wait_is_capped_by_max_backoff_even_when_retry_after_asks_for_more():
    started = time.perf_counter()
    with running(StubConfig(faults={"rate_limit": 1.0}, retry_after=30)) as server:
        extract_all(server)
    elapsed = time.perf_counter() - started

    waits = [p.seconds for rs in requests_per_document(server) for p in pauses(rs, 0.3)]
    assert len(waits) == 3 * DOCUMENTS
    assert all(0.08 <= wait <= 0.1 + LAG for wait in waits)  # the cap, not a random backoff
    assert elapsed < 3 * (0.1 + LAG) + 1  # not 90 s


def test_a_retry_after_under_the_cap_is_honoured():
    with running(StubConfig(faults={"rate_limit": 1.0}, retry_after=0.25)) as server:
        extract_all(server, max_backoff=5.0, transport_attempts=2)

    waits = [p.seconds for rs in requests_per_document(server) for p in pauses(rs, 0.3)]
    assert len(waits) == DOCUMENTS
    assert all(0.23 <= wait <= 0.25 + LAG for wait in waits)


def test_transport_retries_stop_once_transport_max_seconds_have_passed():
    # The time budget starts with the first attempt, and a process's first request pays
    # for openai's lazy imports; warm up so the budget is spent on retries alone.
    with running(StubConfig()) as warm:
        extract_all(warm, documents=1)
    with running(StubConfig(faults={"server_error": 1.0})) as server:
        outcomes = extract_all(
            server, transport_attempts=1000, max_backoff=0.05, transport_max_seconds=0.5
        )

    assert all(isinstance(o, TransportError) for o in outcomes)
    for requests in requests_per_document(server):
        assert 3 <= len(requests) < 1000
        assert requests[-1].received - requests[0].received < 0.5 + LAG


@pytest.mark.parametrize("fault", ["schema", "malformed", "garbled"])
def test_reasks_stop_at_the_validation_limit(fault):
    with running(StubConfig(faults={fault: 1.0})) as server:
        outcomes = extract_all(server)

    assert all(isinstance(o, InvalidOutputError) for o in outcomes)
    assert all("after 3 attempts" in str(o) for o in outcomes)
    assert [len(rs) for rs in requests_per_document(server)] == [3] * DOCUMENTS


def test_mixed_faults_never_take_more_than_attempts_times_asks():
    with running(StubConfig(faults=TRANSIENT_OR_INVALID, seed=5)) as server:
        outcomes = extract_all(server, documents=20, transport_attempts=3)

    assert all(isinstance(o, TransportError | InvalidOutputError) for o in outcomes)
    counts = [len(rs) for rs in requests_per_document(server, 20)]
    assert max(counts) <= 3 * 3
    assert max(counts) > 3  # transport retries and re-asks did combine


def test_reasks_stop_at_the_first_completion_that_reaches_the_token_budget():
    with running(StubConfig(responder=oversized_invalid_event)) as server:
        [error] = extract_all(server, documents=1, validation_retries=10, token_budget=5000)

    billed = [request.tokens for request in server.log]
    assert isinstance(error, BudgetExceededError)
    assert 1 < len(billed) < 11  # re-asked, then stopped long before validation_retries
    assert sum(billed[:-1]) < 5000 <= sum(billed)
    assert f"{sum(billed)} tokens" in str(error)
