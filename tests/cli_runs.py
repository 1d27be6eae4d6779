"""Running `llmextract extract` as a real process against the stub, and reading its files.

Shared by the CLI tests, the soak and kill tests (tests/test_soak.py, tests/test_kill.py)
and benchmarks/reliability.py, which prints the figures in RELIABILITY.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from llmextract.output import errors_path
from tests.stub_server import StubServer

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "The US military struck Iran-backed militias in eastern Syria on Thursday."


def article(i: int) -> str:
    """The i-th test article: the same first sentence, a different ending."""
    return f"{ARTICLE} Report {i}."


def corpus(directory: Path, n: int) -> Path:
    """``n`` articles as ``docNNN.txt`` files (ids ``docNNN``)."""
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (directory / f"doc{i:03d}.txt").write_text(article(i), encoding="utf-8")
    return directory


def corpus_with_unreadable(directory: Path, n: int) -> Path:
    """:func:`corpus` plus two files that cannot be read (ids ``empty`` and ``binary``)."""
    corpus(directory, n)
    (directory / "empty.txt").write_bytes(b"")
    (directory / "binary.txt").write_bytes(bytes(range(32)) * 8)
    return directory


def numbered_event(article: str) -> list[dict]:
    """A stub responder: one event quoting the article's own "Report N." ending, so that
    every document's event differs."""
    quote = article[article.rindex("Report") :]
    return [
        {
            "strike_type": "air_strike",
            "status": "occurred",
            "role": "main",
            "summary": f"A strike ({quote})",
            "evidence": [quote],
        }
    ]


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def count_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def leaked_pieces(secret: str, data: bytes, width: int = 8) -> list[bytes]:
    """The ``width``-character pieces of ``secret`` found in ``data``: a key that was cut
    short or partly masked still leaks."""
    pieces = {secret[i : i + width].encode() for i in range(len(secret) - width + 1)}
    return sorted(piece for piece in pieces if piece in data)


def cli_process(
    server: StubServer,
    source: Path,
    out: Path,
    cache: Path,
    *options: str,
    env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """`python -m llmextract extract SOURCE -o OUT` against ``server``, in its own process,
    with a private cache and none of the developer's OPENAI_/LLMEXTRACT_ settings (``env``
    adds variables); stderr is piped."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "LLMEXTRACT_"))}
    clean |= {"PYTHONPATH": str(ROOT), "LLMEXTRACT_CACHE_DIR": str(cache)} | (env or {})
    argv = [sys.executable, "-m", "llmextract", "extract", str(source), "-o", str(out)]
    argv += ["--model", "stub", "--base-url", server.url, *options]
    return subprocess.Popen(
        argv, env=clean, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def kill_after_lines(
    process: subprocess.Popen, out: Path, at_least: int, timeout: float
) -> tuple[int, list[int]]:
    """``kill -9`` the process once ``out`` has ``at_least`` lines (or after ``timeout`` s,
    or when it has ended); returns the lines written when it died and the process ids of
    the children it had then."""
    deadline = time.monotonic() + timeout
    while count_lines(out) < at_least and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.005)
    children = child_pids(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    return count_lines(out), children


def child_pids(pid: int) -> list[int]:
    """The process ids of ``pid``'s children (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie has ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


@dataclass(frozen=True)
class RunFiles:
    """What a run left behind: its result lines and its error lines, as raw bytes and as
    parsed records."""

    results_bytes: bytes
    errors_bytes: bytes

    @classmethod
    def read(cls, out: Path) -> RunFiles:
        errors = errors_path(out)
        return cls(out.read_bytes(), errors.read_bytes() if errors.exists() else b"")

    @property
    def results(self) -> list[dict]:
        return [json.loads(line) for line in self.results_bytes.splitlines()]

    @property
    def errors(self) -> list[dict]:
        return [json.loads(line) for line in self.errors_bytes.splitlines()]

    @property
    def result_ids(self) -> list[str]:
        return [r["doc_id"] for r in self.results]

    @property
    def error_ids(self) -> list[str]:
        return [e["doc_id"] for e in self.errors]

    @property
    def whole_lines(self) -> bool:
        """Both files end with a newline, so no line is torn (and every line parses, or
        :attr:`results` and :attr:`errors` raise)."""
        return all(not data or data.endswith(b"\n") for data in self.both)

    @property
    def both(self) -> tuple[bytes, bytes]:
        return self.results_bytes, self.errors_bytes

    def events_by_doc(self) -> dict[str, list[dict]]:
        return {r["doc_id"]: r["events"] for r in self.results}


def settled_log_size(server: StubServer, quiet: float = 0.1) -> int:
    """The server's request count once no request has arrived for ``quiet`` seconds
    (what a killed client sent just before dying may still be in the socket)."""
    size = -1
    while size != len(server.log):
        size = len(server.log)
        time.sleep(quiet)
    return size


@dataclass(frozen=True)
class KilledRun:
    """A run killed with ``kill -9`` after some lines, then rerun to the end."""

    lines_at_kill: int
    children_at_kill: list[int]  # process ids of the killed run's worker processes
    partial: bytes  # the results file as the kill left it
    rerun_returncode: int
    rerun_stderr: str
    rerun_requests: int  # requests the server received from the rerun
    files: RunFiles  # after the rerun

    @property
    def torn_bytes(self) -> int:
        """Bytes after the last newline when killed: a torn line the rerun must cut off."""
        return len(self.partial) - (self.partial.rfind(b"\n") + 1)

    @property
    def whole_partial_lines(self) -> bytes:
        return self.partial[: len(self.partial) - self.torn_bytes]


def kill_and_rerun(
    server: StubServer,
    source: Path,
    out: Path,
    cache: Path,
    at_lines: int,
    *options: str,
    timeout: float = 60,
) -> KilledRun:
    """Run the CLI, ``kill -9`` it once ``out`` has ``at_lines`` lines, rerun the same
    command to the end."""
    process = cli_process(server, source, out, cache, *options)
    written, children = kill_after_lines(process, out, at_lines, timeout=timeout)
    partial = out.read_bytes() if out.exists() else b""
    before = settled_log_size(server)
    rerun = cli_process(server, source, out, cache, *options)
    _, stderr = rerun.communicate(timeout=timeout)
    return KilledRun(
        lines_at_kill=written,
        children_at_kill=children,
        partial=partial,
        rerun_returncode=rerun.returncode,
        rerun_stderr=stderr.decode("utf-8", "replace"),
        rerun_requests=len(server.log) - before,
        files=RunFiles.read(out),
    )
