"""Runs against the stub server while it injects faults: the soak, and documents sent
through the client directly.

The soak sends a corpus through `llmextract extract` (a separate process) against the
stub, which fails a share of requests with every fault it knows; :class:`SoakRun` then
holds both sides, the files the CLI wrote and each document's requests as the server saw
them, so that they can be checked against each other. :func:`extract_all` sends a few
documents at once through the real client with given limits. Shared by tests/test_soak.py
and tests/test_retry_bounds.py (asserted) and benchmarks/reliability.py (repeated runs,
the figures in RELIABILITY.md).
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from llmextract import DocumentResult, Extractor
from llmextract.llm import LLMSettings
from tests.cli_runs import RunFiles, article, cli_process, corpus
from tests.stub_server import (
    FAULTS,
    StubConfig,
    StubRequest,
    StubServer,
    article_digest,
    first_sentence_event,
)

# The limits the CLI leaves at their defaults.
TRANSPORT_ATTEMPTS: int = LLMSettings.model_fields["transport_attempts"].default
VALIDATION_RETRIES: int = LLMSettings.model_fields["validation_retries"].default
MAX_REQUESTS_PER_DOCUMENT = TRANSPORT_ATTEMPTS * (VALIDATION_RETRIES + 1)

# Requests answered with a completion the client counts in usage.calls.
COUNTED_OUTCOMES = frozenset({"ok", "malformed", "length", "schema", "bad_quotes"})
# Requests retried after a backoff (the others are re-asked at once, or end the document).
TRANSIENT_OUTCOMES = frozenset({"rate_limit", "server_error", "unavailable", "hang", "drop"})
# Answers that are re-asked at once.
INVALID_OUTCOMES = frozenset({"garbled", "malformed", "schema"})
# Which error the errors file should name, by the outcome of a failed document's last request.
ERROR_FOR_LAST_OUTCOME = {
    **dict.fromkeys(TRANSIENT_OUTCOMES, "TransportError"),
    **dict.fromkeys(INVALID_OUTCOMES, "InvalidOutputError"),
    "length": "TruncatedOutputError",
}

# The retry-bound scenarios (tests/test_retry_bounds.py, benchmarks/reliability.py): the
# client's limits, and two ways for every request to fail.
BOUND_LIMITS: dict[str, Any] = {
    "timeout": 0.3,
    "max_backoff": 0.1,
    "transport_attempts": 4,
    "validation_retries": 2,
}
ALL_TRANSIENT = dict.fromkeys(TRANSIENT_OUTCOMES, 1 / len(TRANSIENT_OUTCOMES))
TRANSIENT_OR_INVALID = dict.fromkeys(TRANSIENT_OUTCOMES - {"hang"}, 0.15) | dict.fromkeys(
    INVALID_OUTCOMES, 0.4 / len(INVALID_OUTCOMES)
)

_SUMMARY = re.compile(r"(\d+) documents: (\d+) extracted, (\d+) failed")
_CALLS = re.compile(r"(\d+) events · (\d+) model calls")


@dataclass(frozen=True)
class SoakSettings:
    """One soak: its size, fault rate and the client limits it runs with."""

    documents: int = 300
    fault_rate: float = 0.30  # shared equally by every fault the stub knows
    concurrency: int = 8
    timeout: float = 1.0  # a hang costs this much
    max_backoff: float = 0.05
    retry_after: float = 5.0  # what 429s ask for: more than max_backoff, which must win
    hang_seconds: float = 30.0
    seed: int = 0
    key: str = "sk-soak-5b0c9e1f7a2d4c68b3e1f09a7d2c4e6b"  # OPENAI_API_KEY; echoed back
    limit_seconds: float = 120.0  # the run must end within this

    def stub_config(self) -> StubConfig:
        share = self.fault_rate / len(FAULTS)
        return StubConfig(
            faults=dict.fromkeys(FAULTS, share),
            retry_after=self.retry_after,
            hang_seconds=self.hang_seconds,
            responder=first_sentence_event,
            seed=self.seed,
            echo_auth=True,
        )

    def cli_options(self) -> list[str]:
        return [
            "--concurrency",
            str(self.concurrency),
            "--timeout",
            str(self.timeout),
            "--max-backoff",
            str(self.max_backoff),
        ]


@dataclass(frozen=True)
class Pause:
    """The pause between two requests of one document, as the server saw it: from the end
    of the first (its answer; for a hang, when the client's timeout ran out) to the
    arrival of the next."""

    after: str  # the first request's outcome
    seconds: float


def transient_streak(requests: list[StubRequest]) -> int:
    """The most transient faults one document met in a row (one call's transport retries)."""
    longest = streak = 0
    for request in requests:
        streak = streak + 1 if request.outcome in TRANSIENT_OUTCOMES else 0
        longest = max(longest, streak)
    return longest


def pauses(requests: list[StubRequest], timeout: float) -> list[Pause]:
    """The pauses between one document's consecutive requests (client ``timeout``)."""
    found = []
    for before, after in pairwise(requests):
        if before.outcome == "hang":
            ended = before.received + timeout
        else:
            assert before.answered is not None, "a request was never answered"
            ended = before.answered
        found.append(Pause(before.outcome, after.received - ended))
    return found


@dataclass
class SoakRun:
    """Both sides of one soak: what the CLI wrote and what the server received."""

    settings: SoakSettings
    articles: dict[str, str]  # doc_id -> text
    out: Path
    cache: Path
    files: RunFiles
    stderr: str
    returncode: int
    seconds: float
    requests: dict[str, list[StubRequest]] = field(default_factory=dict)  # doc_id -> requests
    outcomes: Counter[str] = field(default_factory=Counter)  # every request of the run

    @property
    def summary(self) -> tuple[int, int, int]:
        """(documents, extracted, failed) from the CLI's closing summary."""
        found = _SUMMARY.search(self.stderr)
        if found is None:
            raise AssertionError(f"no summary in the CLI's stderr: {self.stderr[-500:]!r}")
        documents, extracted, failed = map(int, found.groups())
        return documents, extracted, failed

    @property
    def summary_events_and_calls(self) -> tuple[int, int]:
        found = _CALLS.search(self.stderr)
        if found is None:
            raise AssertionError(f"no event count in the CLI's stderr: {self.stderr[-500:]!r}")
        events, calls = map(int, found.groups())
        return events, calls

    def pauses(self) -> list[Pause]:
        """Every pause between two requests of a document, over all documents."""
        timeout = self.settings.timeout
        return [p for requests in self.requests.values() for p in pauses(requests, timeout)]

    def files_written(self) -> list[Path]:
        """Every file the run wrote: results, errors, and the cache database's files."""
        written = [p for p in self.out.parent.iterdir() if p.is_file()]
        return written + [p for p in self.cache.rglob("*") if p.is_file()]


def run_soak(server: StubServer, workdir: Path, settings: SoakSettings) -> SoakRun:
    """One soak through the real CLI against ``server`` (configured by the caller with
    ``settings.stub_config()``); the CLI is killed, and the soak fails, past
    ``settings.limit_seconds``."""
    source = corpus(workdir / "in", settings.documents)
    articles = {f"doc{i:03d}": article(i) for i in range(settings.documents)}
    out, cache = workdir / "out" / "events.jsonl", workdir / "cache"
    already = len(server.log)
    started = time.perf_counter()
    process = cli_process(
        server, source, out, cache, *settings.cli_options(), env={"OPENAI_API_KEY": settings.key}
    )
    try:
        _, stderr = process.communicate(timeout=settings.limit_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise AssertionError(f"the soak did not end within {settings.limit_seconds} s") from None
    seconds = time.perf_counter() - started
    log = server.log[already:]
    by_digest: dict[str, list[StubRequest]] = {}
    for request in log:
        by_digest.setdefault(request.article, []).append(request)
    requests = {doc: by_digest.get(article_digest(text), []) for doc, text in articles.items()}
    return SoakRun(
        settings=settings,
        articles=articles,
        out=out,
        cache=cache,
        files=RunFiles.read(out),
        stderr=stderr.decode("utf-8", "replace"),
        returncode=process.returncode,
        seconds=seconds,
        requests=requests,
        outcomes=Counter(r.outcome for r in log),
    )


def extract_all(
    server: StubServer, documents: int, **limits: Any
) -> list[DocumentResult | BaseException]:
    """Extract ``documents`` test articles at once through the real client, configured
    with ``limits`` (LLMSettings fields); each result, or the error it raised."""
    settings = LLMSettings(model="stub", base_url=server.url, **limits)
    extractor = Extractor("openai", settings=settings)

    async def all_documents() -> list[DocumentResult | BaseException]:
        try:
            jobs = (extractor.aextract(article(i), doc_id=f"d{i}") for i in range(documents))
            return await asyncio.gather(*jobs, return_exceptions=True)
        finally:
            await extractor.aclose()

    return asyncio.run(all_documents())


def requests_per_document(server: StubServer, documents: int) -> list[list[StubRequest]]:
    """The requests the server received for each of the first ``documents`` articles."""
    return [server.requests_for(article(i)) for i in range(documents)]
