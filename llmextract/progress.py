"""What a run shows while it works and when it ends (all of it on stderr).

On a terminal: a rich progress bar with documents/s, events, errors, tokens and cost so
far. Elsewhere (logs, CI, pipes): a plain line every few seconds. ``--quiet``: nothing
but the closing summary's exit code.
"""

from __future__ import annotations

import time
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from llmextract.runner import RunSummary

PLAIN_INTERVAL_SECONDS = 10.0


def _tokens(n: int) -> str:
    return f"{n / 1e6:.2f}M" if n >= 1_000_000 else f"{n / 1e3:.1f}k" if n >= 1000 else str(n)


def cost_text(cost: float | None) -> str:
    return "cost n/a" if cost is None else f"${cost:.4f}" if cost < 1 else f"${cost:.2f}"


def _rate(summary: RunSummary, elapsed: float) -> float:
    worked = summary.extracted + summary.failed
    return worked / elapsed if elapsed > 0 else 0.0


def stats_text(summary: RunSummary) -> str:
    """Events, errors, tokens and cost so far, on one line."""
    tokens = summary.usage.prompt_tokens + summary.usage.completion_tokens
    return (
        f"{summary.events} events · {summary.failed} errors · "
        f"{_tokens(tokens)} tokens · {cost_text(summary.cost)}"
    )


class RichProgress:
    """A live progress bar (for terminals)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("extracting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[stats]}"),
            console=console,
        )
        self._task: TaskID | None = None
        self._started = time.perf_counter()

    def start(self, expected: int | None) -> None:
        self._started = time.perf_counter()
        self._progress.start()
        self._task = self._progress.add_task("extract", total=expected, rate="", stats="")

    def update(self, summary: RunSummary) -> None:
        if self._task is None:
            return
        rate = _rate(summary, time.perf_counter() - self._started)
        self._progress.update(
            self._task,
            completed=summary.processed,
            rate=f"{rate:.1f} docs/s",
            stats=stats_text(summary),
        )

    def notice(self, message: str) -> None:
        self._progress.console.print(message)

    def finish(self, summary: RunSummary) -> None:
        self.update(summary)
        self._progress.stop()


class PlainProgress:
    """A plain status line every ``interval`` seconds (for logs and pipes)."""

    def __init__(self, stream: TextIO, interval: float | None = None) -> None:
        self.stream = stream
        self.interval = PLAIN_INTERVAL_SECONDS if interval is None else interval
        self.expected: int | None = None
        self._started = time.perf_counter()
        self._last = self._started

    def start(self, expected: int | None) -> None:
        self.expected = expected
        self._started = self._last = time.perf_counter()

    def update(self, summary: RunSummary) -> None:
        now = time.perf_counter()
        if now - self._last >= self.interval:
            self._last = now
            self._line(summary, now)

    def _line(self, summary: RunSummary, now: float) -> None:
        of = f"/{self.expected}" if self.expected is not None else ""
        rate = _rate(summary, now - self._started)
        print(
            f"llmextract: {summary.processed}{of} documents · {rate:.1f} docs/s · "
            f"{stats_text(summary)}",
            file=self.stream,
            flush=True,
        )

    def notice(self, message: str) -> None:
        print(f"llmextract: {message}", file=self.stream, flush=True)

    def finish(self, summary: RunSummary) -> None:
        pass


class QuietProgress(PlainProgress):
    """Shows nothing while running."""

    def update(self, summary: RunSummary) -> None:
        pass

    def notice(self, message: str) -> None:
        pass


def summary_lines(summary: RunSummary) -> list[str]:
    """The closing summary of a run."""
    parts = [f"{summary.extracted} extracted"]
    if summary.from_cache:
        parts.append(f"{summary.from_cache} of them from the cache")
    if summary.prefiltered:
        parts.append(f"{summary.prefiltered} of them skipped by the pre-filter")
    if summary.already_done:
        parts.append(f"{summary.already_done} already in the output")
    parts.append(f"{summary.failed} failed")
    usage = summary.usage
    rate = _rate(summary, summary.seconds)
    return [
        f"{summary.processed} documents: " + ", ".join(parts),
        f"{summary.events} events · {usage.calls} model calls · "
        f"{_tokens(usage.prompt_tokens)} prompt + {_tokens(usage.completion_tokens)} "
        f"completion tokens · {cost_text(summary.cost)} · {summary.seconds:.1f} s "
        f"({rate:.1f} docs/s)",
    ]
