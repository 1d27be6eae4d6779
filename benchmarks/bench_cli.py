"""`llmextract extract` against the local stub server: throughput, CPU per document, memory.

Issue 6's targets, with the stub (tests/stub_server.py) in its own process answering after
a fixed latency:

1. throughput with 300 ms latency and ``--concurrency 32`` over 1,000 documents, against
   the ideal 32 / 0.3 s = 107 documents/s (target: at least 90% of it);
2. the library's own CPU time per 5 KB document (reading, request building, response
   parsing and validation, grounding, writing; target: under 5 ms);
3. peak memory (max RSS of a fresh ``llmextract extract`` process) at 1,000 and 10,000
   documents (target: grows by less than 50 MB).

Throughput and CPU are measured in this process through the same path as the CLI
(Corpus -> make_extractor -> run -> FileSink) after a warm-up, so interpreter start-up
and first imports are not counted; memory is measured on the real CLI, one process per size.

    python benchmarks/bench_cli.py                    # everything, as in RESULTS.md
    python benchmarks/bench_cli.py --skip-memory      # throughput and CPU only
    python benchmarks/bench_cli.py --events quoted    # the model returns a quoted event
                                                      # (needs grounding merged)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARAGRAPH = (
    "The military said its aircraft struck positions used by armed groups near the border "
    "town late on Thursday, in what officials described as a response to earlier rocket "
    "fire on a base housing coalition troops. A monitoring group said at least {n} fighters "
    "were killed and several buildings destroyed, while local residents reported hearing "
    "explosions for more than an hour. The ministry did not comment on casualties. "
)


def article(i: int, size: int) -> str:
    """A news-like text of about ``size`` characters, different for every ``i``."""
    parts = [f"Report {i}. "]
    n = 0
    while sum(map(len, parts)) < size:
        parts.append(PARAGRAPH.format(n=(i * 7 + n) % 90 + 3))
        n += 1
    return "".join(parts)[:size]


def make_corpus(directory: Path, count: int, size: int) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (directory / f"doc{i:05d}.txt").write_text(article(i, size), encoding="utf-8")
    return directory


@contextmanager
def stub_server(latency: float, events: str) -> Iterator[str]:
    argv = [sys.executable, "-m", "tests.stub_server", "--delay", str(latency)]
    argv += ["--events", events]
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        ready = process.stdout.readline().split()
        if not ready or ready[0] != "READY":
            raise RuntimeError("the stub server did not start")
        yield ready[1]
    finally:
        process.terminate()
        process.wait(timeout=10)


class CannedLLM:
    """Stands in for the HTTP stack (instructor, openai, httpx): answers each call with
    the stub's answer, validated by the same response model, so that what remains is
    llmextract's own work: reading, prompt rendering, validation, grounding, writing."""

    def __init__(self, events: str) -> None:
        from tests.stub_server import RESPONDERS

        self.responder = RESPONDERS[events]

    async def acomplete(self, messages: list[dict[str, str]], response_model: Any) -> Any:
        from llmextract.schema import Usage
        from tests.stub_server import article_of

        answer = json.dumps({"events": self.responder(article_of({"messages": messages}))})
        return response_model.model_validate_json(answer), Usage(calls=1)

    async def aclose(self) -> None:
        pass


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of a live process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def timed_runs(
    sources: list[Path], out: Path, url: str, concurrency: int, workers: int, warm: Path
) -> list[tuple[float, float, int]]:
    """(wall seconds, CPU seconds, documents) of one run per source through the CLI's path,
    after a warm-up run over ``warm`` with the same extractor, so that its worker processes
    (if any) are started and warm: their start-up is measured with the real CLI below.
    CPU counts this process and its workers."""
    from llmextract.corpus import Corpus
    from llmextract.output import FileSink
    from llmextract.runner import RunOptions, arun, make_extractor

    extractor = make_extractor(model="stub", base_url=url, timeout=60, workers=workers)
    pids: list[int] = []

    def cpu() -> float:
        return time.process_time() + sum(map(process_cpu_seconds, pids))

    async def one(source: Path, path: Path) -> tuple[float, float, int]:
        sink = FileSink(path)
        wall, used = time.perf_counter(), cpu()
        summary = await arun(Corpus([source]), extractor, sink, RunOptions(concurrency))
        wall, used = time.perf_counter() - wall, cpu() - used
        sink.close(complete=True)
        if summary.failed:
            raise RuntimeError(f"{summary.failed} documents failed; see {path}")
        return wall, used, summary.extracted

    try:
        await one(warm, out.with_suffix(".warm.jsonl"))
        pids = list(getattr(extractor, "pids", []))
        return [
            await one(source, out.with_suffix(f".{i}.jsonl")) for i, source in enumerate(sources)
        ]
    finally:
        await extractor.aclose()


def canned_run(
    source: Path, out: Path, url: str, concurrency: int, canned: str
) -> tuple[float, int]:
    """(CPU seconds, documents) of one in-process run whose model call is answered
    in-process (see CannedLLM): llmextract's own work."""
    from llmextract.corpus import Corpus
    from llmextract.output import FileSink
    from llmextract.runner import RunOptions, make_extractor, run

    extractor = make_extractor(model="stub", base_url=url, timeout=60)
    extractor._llm = CannedLLM(canned)  # type: ignore[assignment]
    sink = FileSink(out)
    cpu = time.process_time()
    summary = run(Corpus([source]), extractor, sink, RunOptions(concurrency=concurrency))
    sink.close(complete=True)
    return time.process_time() - cpu, summary.extracted


def rss_mb(pid: int) -> float:
    """Resident memory of a live process in MB (0 once it has gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    kb = next((line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")), 0)
    return int(kb) / 1024


def peak_memory_mb(
    source: Path, out: Path, url: str, concurrency: int, workers: int
) -> tuple[float, float, float]:
    """(max RSS of the `llmextract extract` process in MB, peak summed RSS of it and its
    worker processes sampled every 50 ms, wall seconds including start-up) of one run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "LLMEXTRACT_"))}
    env["PYTHONPATH"] = str(ROOT)
    argv = [sys.executable, "-m", "llmextract", "extract", str(source), "-o", str(out)]
    argv += ["--model", "stub", "--base-url", url, "--concurrency", str(concurrency)]
    argv += ["--workers", str(workers), "--no-cache", "--quiet"]
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, env=env)
    tree_peak = 0.0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        from tests.cli_runs import child_pids

        tree = [process.pid, *child_pids(process.pid)]
        tree_peak = max(tree_peak, sum(map(rss_mb, tree)))
        time.sleep(0.05)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"llmextract extract exited {process.returncode}")
    return usage.ru_maxrss / 1024, tree_peak, time.perf_counter() - started


def main() -> None:
    from llmextract.workers import auto_workers

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--size", type=int, default=5000, help="characters per document")
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--workers", type=int, default=None, help="default: what the CLI chooses (--workers)"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory-docs", type=int, nargs=2, default=(1000, 10_000))
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--events", choices=("none", "quoted"), default="none")
    args = parser.parse_args()

    ideal = args.concurrency / args.latency
    workers = args.workers or auto_workers("openai", args.concurrency)
    with tempfile.TemporaryDirectory() as tmp, stub_server(args.latency, args.events) as url:
        work = Path(tmp)
        print(f"stub at {url}: latency {args.latency} s, events {args.events}; {workers} workers")
        warm = make_corpus(work / "warm", 2 * args.concurrency, args.size)
        source = make_corpus(work / "docs", args.docs, args.size)
        runs = asyncio.run(
            timed_runs(
                [source] * args.repeats, work / "run.jsonl", url, args.concurrency, workers, warm
            )
        )
        rates, cpus = [], []
        for r, (wall, cpu, done) in enumerate(runs):
            rates.append(done / wall)
            cpus.append(cpu / done * 1000)
            print(
                f"run {r}: {done} docs in {wall:.2f} s = {done / wall:.1f} docs/s, "
                f"CPU {cpu / done * 1000:.2f} ms/doc"
            )
        rate = statistics.median(rates)
        print(f"throughput: median {rate:.1f} docs/s = {rate / ideal:.1%} of ideal {ideal:.1f}")
        print(
            f"CPU per {args.size / 1000:g} KB document, client processes: "
            f"median {statistics.median(cpus):.2f} ms"
        )
        own = []
        for r in range(args.repeats):
            cpu, done = canned_run(
                source, work / f"own{r}.jsonl", url, args.concurrency, args.events
            )
            own.append(cpu / done * 1000)
        print(
            f"CPU per {args.size / 1000:g} KB document, llmextract's own (HTTP stack "
            f"answered in-process): median {statistics.median(own):.2f} ms"
        )

        if not args.skip_memory:
            small, large = args.memory_docs
            make_corpus(work / "mem", large, args.size)
            small_dir = work / "mem-small"
            small_dir.mkdir()
            for path in sorted((work / "mem").iterdir())[:small]:
                os.link(path, small_dir / path.name)
            parent, tree = {}, {}
            for count, directory in ((small, small_dir), (large, work / "mem")):
                parent[count], tree[count], wall = peak_memory_mb(
                    directory, work / f"mem{count}.jsonl", url, args.concurrency, workers
                )
                print(
                    f"CLI over {count} docs: max RSS {parent[count]:.1f} MB (with workers, "
                    f"peak {tree[count]:.1f} MB), {wall:.1f} s wall including start-up "
                    f"({count / wall:.1f} docs/s)"
                )
            print(
                f"peak memory growth {small} -> {large} docs: main process "
                f"{parent[large] - parent[small]:+.1f} MB, with workers "
                f"{tree[large] - tree[small]:+.1f} MB"
            )


if __name__ == "__main__":
    main()
