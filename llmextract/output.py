"""Output files: the resumable results file, the errors file, and the other formats.

Every run writes the canonical results file, one :class:`DocumentResult` JSON line per
document, each line handed to the operating system in one ``write`` as soon as the
document is done. A ``kill -9`` can therefore only ever tear the last line; reopening the
file cuts that torn tail off and reports which documents are already done, so a rerun
finishes the job with no duplicates. With ``--format jsonl`` (the default) this file is
the output itself; the other formats are rendered from it when the run ends.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from llmextract.errors import LLMExtractError
from llmextract.schema import DocumentResult, StrikeEvent


class OutputFormat(StrEnum):
    JSONL = "jsonl"
    EVENTS_JSONL = "events-jsonl"
    CSV = "csv"
    JSON = "json"


class OutputError(LLMExtractError):
    """The output path cannot be used (e.g. it holds something llmextract did not write)."""


def infer_format(out: Path, explicit: OutputFormat | None) -> OutputFormat:
    """The format asked for, else the one the output's suffix names, else JSONL."""
    if explicit is not None:
        return explicit
    return {".csv": OutputFormat.CSV, ".json": OutputFormat.JSON}.get(
        out.suffix.lower(), OutputFormat.JSONL
    )


def errors_path(out: Path) -> Path:
    """``events.jsonl`` -> ``events.errors.jsonl``."""
    return out.with_name(f"{out.stem}.errors.jsonl")


def results_path(out: Path, fmt: OutputFormat) -> Path:
    """Where the per-document results go: the output itself for JSONL, else a file beside
    it (``events.csv`` -> ``events.results.jsonl``) that the output is rendered from."""
    return out if fmt is OutputFormat.JSONL else out.with_name(f"{out.stem}.results.jsonl")


@dataclass(frozen=True)
class ErrorRecord:
    """One line of the errors file: which document failed, where, and why."""

    doc_id: str | None
    file: str | None
    stage: str  # read | decode | parse | metadata | extract
    message: str
    line: int | None = None
    error: str | None = None  # the exception type, for extract failures

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


@dataclass
class ResumeState:
    """What an existing results file already holds."""

    done: set[str] = field(default_factory=set)
    torn_bytes: int = 0  # how much of a torn last line was cut off
    producers: Counter[tuple[str, str | None]] = field(default_factory=Counter)


class ResultsFile:
    """The append-only results file: one whole :class:`DocumentResult` line per write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def resume(self, *, repair: bool = True) -> ResumeState:
        """Scan an existing file: the ids already done; cut off a torn last line when
        ``repair`` (a dry run only looks)."""
        state = ResumeState()
        if not self.path.exists():
            return state
        complete = 0
        with self.path.open("rb") as handle:
            for number, line in enumerate(handle, 1):
                if not line.endswith(b"\n"):
                    break  # torn by a kill mid-write: cut off below
                complete += len(line)
                if not line.strip():
                    continue
                doc_id, producer = self._identify(line, number)
                state.done.add(doc_id)
                state.producers[producer] += 1
        size = self.path.stat().st_size
        if complete < size:
            state.torn_bytes = size - complete
        if state.torn_bytes and repair:
            with self.path.open("r+b") as handle:
                handle.truncate(complete)
        return state

    def _identify(self, line: bytes, number: int) -> tuple[str, tuple[str, str | None]]:
        try:
            data = json.loads(line)
            doc_id, producer = data["doc_id"], (data["backend"], data.get("model"))
        except (ValueError, KeyError, TypeError):
            doc_id, producer = None, ("", None)
        if not isinstance(doc_id, str):
            raise OutputError(
                f"{self.path} line {number} is not an llmextract result line; it was not "
                "written by `llmextract extract`: choose another output path"
            )
        return doc_id, producer

    def append(self, result: DocumentResult) -> None:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        _write_all(self._fd, (result.model_dump_json() + "\n").encode("utf-8"))

    def close(self) -> None:
        if self._fd is not None:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None


class ErrorsFile:
    """The errors of this run, one JSON line each; created on the first error.

    A stale file from an earlier run is removed at the start: every document that failed
    then is not in the results, so this run retries it and reports it again if it fails.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._fd: int | None = None
        self.path.unlink(missing_ok=True)

    def append(self, record: ErrorRecord) -> None:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        _write_all(self._fd, (record.to_json() + "\n").encode("utf-8"))
        self.count += 1

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class FileSink:
    """Where ``llmextract extract`` puts results: the results file, the errors file, and
    the requested format rendered at the end."""

    def __init__(self, out: Path, fmt: OutputFormat = OutputFormat.JSONL) -> None:
        self.out = out
        self.format = fmt
        self.results = ResultsFile(results_path(out, fmt))
        self.resume_state = self.results.resume()
        self.errors = ErrorsFile(errors_path(out))

    @property
    def done(self) -> set[str]:
        return self.resume_state.done

    def write(self, result: DocumentResult) -> None:
        self.results.append(result)

    def error(self, record: ErrorRecord) -> None:
        self.errors.append(record)

    def close(self, *, complete: bool) -> None:
        """Close the files; render the requested format when the run was not interrupted."""
        self.results.close()
        self.errors.close()
        if complete and self.format is not OutputFormat.JSONL:
            render(self.results.path, self.out, self.format)


# -- rendering the other formats -------------------------------------------------------------


def iter_results(path: Path) -> Iterator[DocumentResult]:
    """The results in a results file, in the order they were written."""
    if not path.exists():
        return
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                yield DocumentResult.model_validate_json(line)


CSV_COLUMNS = (
    "doc_id",
    "published",
    "event",
    "strike_type",
    "status",
    "role",
    "summary",
    "evidence",
    "evidence_start",
    "evidence_end",
    "attacker",
    "attribution",
    "authorized_by",
    "targets",
    "location",
    "admin1",
    "countries",
    "date_start",
    "date_end",
    "date_precision",
    "weapon",
    "killed_min",
    "killed_max",
    "casualties",
    "backend",
    "model",
    "prompt_version",
)


def _casualty_text(event: StrikeEvent) -> str:
    claims = []
    for c in event.casualties:
        figures = "?" if c.low is None and c.high is None else f"{c.low or ''}-{c.high or ''}"
        who = f" {c.victims}" if c.victims else ""
        source = f" (per {c.source})" if c.source else ""
        claims.append(f"{c.outcome} {figures}{who}{source}")
    return "; ".join(claims)


def csv_row(result: DocumentResult, index: int, event: StrikeEvent) -> dict[str, Any]:
    """One event as a flat CSV row."""
    fatalities = event.fatalities
    return {
        "doc_id": result.doc_id,
        "published": result.published,
        "event": index,
        "strike_type": event.strike_type,
        "status": event.status,
        "role": event.role,
        "summary": event.summary,
        "evidence": " | ".join(s.text for s in event.evidence),
        "evidence_start": event.evidence[0].start,
        "evidence_end": event.evidence[0].end,
        "attacker": event.attacker.name if event.attacker else None,
        "attribution": event.attacker.attribution if event.attacker else None,
        "authorized_by": event.authorized_by.name if event.authorized_by else None,
        "targets": "; ".join(f"{t.name} ({t.kind})" for t in event.targets),
        "location": event.location.name if event.location else None,
        "admin1": event.location.admin1 if event.location else None,
        "countries": " ".join(event.location.countries) if event.location else None,
        "date_start": event.date.start if event.date else None,
        "date_end": event.date.end if event.date else None,
        "date_precision": event.date.precision if event.date else None,
        "weapon": event.weapon.name if event.weapon else None,
        "killed_min": fatalities.min if fatalities else None,
        "killed_max": fatalities.max if fatalities else None,
        "casualties": _casualty_text(event),
        "backend": result.backend,
        "model": result.model,
        "prompt_version": result.prompt_version,
    }


def event_line(result: DocumentResult, index: int, event: StrikeEvent) -> str:
    """One event as a self-contained JSON line: the document's id and provenance with it."""
    line = {"doc_id": result.doc_id, "published": result.published, "event": index}
    line |= event.model_dump(mode="json")
    line |= {
        "backend": result.backend,
        "model": result.model,
        "prompt_version": result.prompt_version,
        "schema_version": result.schema_version,
    }
    return json.dumps(line, ensure_ascii=False, default=str)


def _write_format(results: Path, handle: io.TextIOBase, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.CSV:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for result in iter_results(results):
            for i, event in enumerate(result.events):
                writer.writerow(csv_row(result, i, event))
    elif fmt is OutputFormat.EVENTS_JSONL:
        for result in iter_results(results):
            for i, event in enumerate(result.events):
                handle.write(event_line(result, i, event) + "\n")
    elif fmt is OutputFormat.JSON:
        handle.write("[")
        for n, result in enumerate(iter_results(results)):
            handle.write(("\n" if n == 0 else ",\n") + result.model_dump_json())
        handle.write("\n]\n")
    else:
        raise ValueError(f"{fmt} is written directly, not rendered")


def render(results: Path, out: Path, fmt: OutputFormat) -> None:
    """Write ``out`` in ``fmt`` from a results file, atomically (a reader never sees half)."""
    partial = out.with_name(f".{out.name}.partial")
    out.parent.mkdir(parents=True, exist_ok=True)
    with partial.open("w", encoding="utf-8", newline="") as handle:
        _write_format(results, handle, fmt)
    os.replace(partial, out)
