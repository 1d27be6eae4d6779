"""Reliability figures for RELIABILITY.md: the soak, kill -9 and retry bounds, repeated.

The tests (tests/test_soak.py, tests/test_kill.py, tests/test_retry_bounds.py) run each
scenario once and assert; this script runs them many times with other seeds and kill
points and prints what it measured, as Markdown tables. Everything runs against the
local stub server (tests/stub_server.py) on 127.0.0.1; nothing leaves the machine.

    python benchmarks/reliability.py                      # everything, as in RELIABILITY.md
    python benchmarks/reliability.py soak --runs 5        # 300-document soaks, seeds 0..4
    python benchmarks/reliability.py kill --runs 12       # kills at random points
    python benchmarks/reliability.py bounds               # retry-bound scenarios
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from llmextract import BudgetExceededError  # noqa: E402
from tests.cli_runs import (  # noqa: E402
    RunFiles,
    cli_process,
    corpus_with_unreadable,
    kill_and_rerun,
    leaked_pieces,
    numbered_event,
)
from tests.fault_runs import (  # noqa: E402
    ALL_TRANSIENT,
    BOUND_LIMITS,
    COUNTED_OUTCOMES,
    MAX_REQUESTS_PER_DOCUMENT,
    TRANSIENT_OR_INVALID,
    TRANSIENT_OUTCOMES,
    SoakRun,
    SoakSettings,
    extract_all,
    pauses,
    requests_per_document,
    run_soak,
    transient_streak,
)
from tests.stub_server import (  # noqa: E402
    StubConfig,
    StubServer,
    oversized_invalid_event,
    running,
)


def table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# -- soak --------------------------------------------------------------------------------------


def soak_row(run: SoakRun) -> list[object]:
    files, settings = run.files, run.settings
    ids = files.result_ids + files.error_ids
    requests = sum(run.outcomes.values())
    faults = requests - run.outcomes["ok"]
    results = files.results
    calls_agree = all(
        r["usage"]["calls"] == sum(q.outcome in COUNTED_OUTCOMES for q in run.requests[r["doc_id"]])
        for r in results
    )
    summary_agrees = run.summary == (settings.documents, len(results), len(files.errors))
    events = sum(len(r["events"]) for r in results)
    calls = sum(r["usage"]["calls"] for r in results)
    summary_agrees &= run.summary_events_and_calls == (events, calls)
    all_pauses = run.pauses()
    after_429 = [p.seconds for p in all_pauses if p.after == "rate_limit"]
    after_transient = [p.seconds for p in all_pauses if p.after in TRANSIENT_OUTCOMES]
    secret = settings.key.removeprefix("sk-soak-")
    leaks = sum(len(leaked_pieces(secret, p.read_bytes())) for p in run.files_written())
    leaks += len(leaked_pieces(secret, run.stderr.encode()))
    errors = Counter(e["error"] for e in files.errors)
    return [
        settings.seed,
        len(set(files.result_ids)),
        len(set(files.error_ids)),
        settings.documents - len(set(ids)),
        len(ids) - len(set(ids)),
        requests,
        f"{faults} ({faults / requests:.0%})",
        ", ".join(f"{name} {n}" for name, n in sorted(errors.items())) or "none",
        "yes" if summary_agrees and calls_agree else "NO",
        f"{max(len(rs) for rs in run.requests.values())} / {MAX_REQUESTS_PER_DOCUMENT}",
        max(map(transient_streak, run.requests.values())),
        f"{min(after_429):.3f}-{max(after_429):.3f}" if after_429 else "-",
        f"{max(after_transient):.3f}" if after_transient else "-",
        leaks,
        f"{run.seconds:.1f}",
        run.returncode,
    ]


def soak(runs: int, documents: int) -> None:
    header = [
        "seed",
        "in output",
        "in errors",
        "missing",
        "twice",
        "requests",
        "faults",
        "errors by type",
        "counts agree",
        "max requests/doc",
        "longest transient streak",
        "pause after 429 (s)",
        "longest pause after a transient fault (s)",
        "key pieces found",
        "seconds",
        "exit",
    ]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(runs):
            settings = SoakSettings(documents=documents, seed=seed)
            with StubServer(settings.stub_config()) as server:
                rows.append(soak_row(run_soak(server, Path(tmp) / f"soak{seed}", settings)))
            print(f"soak {seed}: done", file=sys.stderr)
    s = SoakSettings()
    print(
        f"\n### Soak: {runs} runs of {documents} documents, {s.fault_rate:.0%} faults, "
        f"--concurrency {s.concurrency} --timeout {s.timeout} --max-backoff {s.max_backoff}, "
        f"429s asking Retry-After {s.retry_after:g}\n"
    )
    print(table(header, rows))


# -- kill --------------------------------------------------------------------------------------


def kill(runs: int, documents: int, seed: int) -> None:
    rng = random.Random(seed)
    options = ("--concurrency", "4")
    header = [
        "kill once lines ≥",
        "lines at kill",
        "torn bytes",
        "documents after rerun",
        "missing",
        "twice",
        "events as uninterrupted",
        "errors as uninterrupted",
        "whole lines",
        "rerun requests (expected)",
    ]
    rows = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        running(StubConfig(delay=0.01, responder=numbered_event)) as server,
    ):
        work = Path(tmp)
        source = corpus_with_unreadable(work / "in", documents)
        base = cli_process(server, source, work / "base.jsonl", work / "base-cache", *options)
        base.communicate(timeout=120)
        baseline = RunFiles.read(work / "base.jsonl")
        for k in range(runs):
            at_lines = int(rng.uniform(0.05, 0.95) * documents)
            out, cache = work / f"kill{k}" / "events.jsonl", work / f"kill{k}" / "cache"
            run = kill_and_rerun(server, source, out, cache, at_lines, *options)
            final = run.files
            ids = final.result_ids
            done = run.whole_partial_lines.count(b"\n")
            cached = sum(
                "from_cache" in {d["code"] for d in r["diagnostics"]} for r in final.results
            )
            rows.append(
                [
                    at_lines,
                    run.lines_at_kill,
                    run.torn_bytes,
                    len(set(ids)),
                    documents - len(set(ids)),
                    len(ids) - len(set(ids)),
                    "yes" if final.events_by_doc() == baseline.events_by_doc() else "NO",
                    "yes" if sorted(final.error_ids) == sorted(baseline.error_ids) else "NO",
                    "yes" if final.whole_lines else "NO",
                    f"{run.rerun_requests} ({documents - done - cached})",
                ]
            )
            print(f"kill {k}: done", file=sys.stderr)
    print(
        f"\n### Kill -9: {runs} kills at random points (seed {seed}) of a {documents}-document "
        f"run (+2 unreadable files), each rerun to the end\n"
    )
    print(table(header, rows))


# -- bounds ------------------------------------------------------------------------------------


def bound_row(
    name: str, config: StubConfig, documents: int, limit: str, measure: Callable, **limits: object
) -> list[object]:
    started = time.perf_counter()
    with running(config) as server:
        outcomes = extract_all(server, documents, **(BOUND_LIMITS | limits))
    seconds = time.perf_counter() - started
    kinds = Counter(type(o).__name__ for o in outcomes)
    per_doc = requests_per_document(server, documents)
    return [name, documents, limit, measure(per_doc), dict(kinds), f"{seconds:.1f}"]


def counts(per_doc: list[list]) -> str:
    sizes = [len(rs) for rs in per_doc]
    return f"requests/doc {min(sizes)}-{max(sizes)}"


def pause_range(per_doc: list[list]) -> str:
    waits = [p.seconds for rs in per_doc for p in pauses(rs, BOUND_LIMITS["timeout"])]
    return f"pauses {min(waits):.3f}-{max(waits):.3f} s ({len(waits)})"


def span(per_doc: list[list]) -> str:
    spans = [rs[-1].received - rs[0].received for rs in per_doc]
    return f"first to last request {max(spans):.3f} s max; {counts(per_doc)}"


def budget_row(documents: int, budget: int | None) -> list[object]:
    with running(StubConfig(responder=oversized_invalid_event)) as server:
        outcomes = extract_all(
            server, documents, **(BOUND_LIMITS | {"validation_retries": 10, "token_budget": budget})
        )
    per_doc = requests_per_document(server, documents)
    billed = [[r.tokens for r in rs] for rs in per_doc]
    before_last = max(sum(b[:-1]) for b in billed)
    total = min(sum(b) for b in billed)
    kinds = Counter(type(o).__name__ for o in outcomes)
    stopped = sum(isinstance(o, BudgetExceededError) for o in outcomes)
    return [
        f"re-asks, token budget {budget}",
        documents,
        "11 asks" if budget is None else f"stop at {budget} tokens",
        f"{counts(per_doc)}; tokens before the last ask ≤ {before_last}, at the end ≥ {total}"
        f"{'' if budget is None else f'; {stopped} BudgetExceededError'}",
        dict(kinds),
        "",
    ]


def bounds(documents: int) -> None:
    rows = [
        bound_row(
            "all requests transient faults",
            StubConfig(faults=ALL_TRANSIENT, hang_seconds=10),
            documents,
            "4 attempts",
            counts,
        ),
        bound_row(
            "429, Retry-After 30 s",
            StubConfig(faults={"rate_limit": 1.0}, retry_after=30),
            documents,
            "wait ≤ max_backoff 0.1 s",
            pause_range,
        ),
        bound_row(
            "429, Retry-After 0.25 s",
            StubConfig(faults={"rate_limit": 1.0}, retry_after=0.25),
            documents,
            "wait = 0.25 s (cap 5 s)",
            pause_range,
            max_backoff=5.0,
            transport_attempts=2,
        ),
        bound_row(
            "500s, 1000 attempts allowed",
            StubConfig(faults={"server_error": 1.0}),
            documents,
            "transport_max_seconds 0.5",
            span,
            transport_attempts=1000,
            max_backoff=0.05,
            transport_max_seconds=0.5,
        ),
        bound_row(
            "schema violations only",
            StubConfig(faults={"schema": 1.0}),
            documents,
            "3 asks",
            counts,
        ),
        bound_row(
            "transient + invalid, every request",
            StubConfig(faults=TRANSIENT_OR_INVALID, seed=5),
            documents,
            "3 attempts × 3 asks = 9",
            counts,
            transport_attempts=3,
        ),
        budget_row(documents, 5000),
        budget_row(documents, None),
    ]
    print(
        f"\n### Retry bounds: {documents} documents at once per scenario, limits {BOUND_LIMITS} "
        "unless the row says otherwise\n"
    )
    header = ["scenario", "documents", "limit", "measured at the server", "outcomes", "seconds"]
    print(table(header, rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", nargs="?", choices=("all", "soak", "kill", "bounds"), default="all")
    parser.add_argument("--runs", type=int, help="soak runs (default 5) or kills (default 12)")
    parser.add_argument("--documents", type=int, help="per soak (300), kill run (100), bound (20)")
    parser.add_argument("--seed", type=int, default=0, help="of the kill points")
    args = parser.parse_args()
    if args.what in ("all", "soak"):
        soak(args.runs or 5, args.documents or 300)
    if args.what in ("all", "kill"):
        kill(args.runs or 12, args.documents or 100, args.seed)
    if args.what in ("all", "bounds"):
        bounds(args.documents or 20)


if __name__ == "__main__":
    main()
