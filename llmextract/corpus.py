"""Reading articles and their metadata from files, folders and stdin.

A corpus is read lazily, in a stable order (arguments in the order given, folders walked
in sorted order), so that a run over 10,000 files holds one document at a time. Bad input
never stops the reading: each bad file or record becomes an :class:`InputProblem` naming
the file, the stage that failed and, for JSON lines, the line number.

Document ids are stable across runs: the path relative to the folder given (without its
suffix, so ``articles/ID.txt`` is ``ID``), a record's own id, or ``FILE#N`` for the N-th
record of a file without ids. The publication date comes from, in order: the record's
field, front matter or a sidecar (``NAME.meta.json``) or the HTML's metadata, and the
``published`` fallback of :class:`CorpusOptions`.
"""

from __future__ import annotations

import datetime as dt
import errno
import fnmatch
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from llmextract.schema import Diagnostic

STDIN = "-"
SIDECAR_SUFFIX = ".meta.json"
TEXT_SUFFIXES = frozenset({".txt", ".text"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSON_SUFFIXES = frozenset({".json"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
SUPPORTED_SUFFIXES = (
    TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES
)
DEFAULT_MAX_FILE_BYTES = 50_000_000
# Share of control characters above which decoded "text" is taken for a binary file.
_BINARY_CONTROL_SHARE = 0.05
# Unicode category Cc (C0, DEL, C1) except the whitespace controls text uses.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_TIE_BREAK_ENCODING = "cp1252"


@dataclass(frozen=True)
class CorpusOptions:
    """How to find documents and read their metadata."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    text_field: str = "text"
    id_field: str = "id"
    published_field: str = "published"
    published: dt.date | None = None
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES


@dataclass(frozen=True)
class Document:
    """One article to extract from; ``notes`` are diagnostics from reading it."""

    doc_id: str
    text: str
    published: dt.date | None = None
    source: str = ""
    line: int | None = None
    notes: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class InputProblem:
    """A file or record that could not be read; the run reports it and goes on."""

    source: str
    stage: str  # read | decode | parse | metadata
    message: str
    line: int | None = None
    doc_id: str | None = None


class _Problem(Exception):
    """Internal: raised while reading one document, turned into an InputProblem."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(message)
        self.stage = stage
        self.message = message


@dataclass(frozen=True)
class _Source:
    """A file to read (or stdin), with the folder its id is relative to."""

    path: Path | None  # None for stdin
    root: Path | None
    problem: InputProblem | None = None

    @property
    def display(self) -> str:
        return str(self.path) if self.path is not None else STDIN

    @property
    def file_id(self) -> str:
        if self.path is None or self.root is None:
            return "stdin"
        return self.path.relative_to(self.root).with_suffix("").as_posix()

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower() if self.path is not None else ""


# -- finding files ---------------------------------------------------------------------------


def _matches(patterns: Sequence[str], relative: str) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(name, p) for p in patterns)


@dataclass
class _Walker:
    options: CorpusOptions
    sources: list[_Source] = field(default_factory=list)
    visited_dirs: set[tuple[int, int]] = field(default_factory=set)

    def wanted(self, relative: str, explicit_type: bool) -> bool:
        if _matches(self.options.exclude, relative):
            return False
        if self.options.include:
            return _matches(self.options.include, relative)
        return explicit_type

    def walk(self, root: Path) -> None:
        self._walk_dir(root, root, ancestors=())

    def _walk_dir(
        self, directory: Path, root: Path, ancestors: tuple[tuple[int, int], ...]
    ) -> None:
        try:
            info = directory.stat()
            identity = (info.st_dev, info.st_ino)
            if identity in ancestors:
                self._problem(directory, "read", "symlink loop: this folder leads back into itself")
                return
            if identity in self.visited_dirs:
                return  # already read through another link
            self.visited_dirs.add(identity)
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            self._problem(directory, "read", _os_message(exc, "folder"))
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            relative = path.relative_to(root).as_posix()
            try:
                is_dir = entry.is_dir()
                is_file = not is_dir and entry.is_file()
                if not is_dir and not is_file:
                    path.stat()  # raises for broken links and link loops
                    continue  # sockets, fifos, devices: not articles
            except OSError as exc:
                if self.wanted(relative, path.suffix.lower() in SUPPORTED_SUFFIXES):
                    self._problem(path, "read", _os_message(exc, "file"))
                continue
            if is_dir:
                if not _matches(self.options.exclude, relative):
                    self._walk_dir(path, root, (*ancestors, identity))
            elif not entry.name.endswith(SIDECAR_SUFFIX) and self.wanted(
                relative, path.suffix.lower() in SUPPORTED_SUFFIXES
            ):
                self.sources.append(_Source(path, root))

    def _problem(self, path: Path, stage: str, message: str) -> None:
        self.sources.append(_Source(path, None, InputProblem(str(path), stage, message)))


def _os_message(exc: OSError, what: str) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop: the link points back to itself"
    if exc.errno == errno.ENOENT:
        return f"{what} not found (a broken symlink, or removed while reading)"
    if exc.errno == errno.EACCES:
        return f"permission denied: the {what} is not readable"
    return f"cannot read the {what}: {exc.strerror or exc}"


# -- decoding ----------------------------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Bytes to text: UTF-8 when valid, else the encoding charset-normalizer detects.

    Returns the text and the guessed encoding (``None`` for UTF-8). Raises ``_Problem``
    for empty and binary content.
    """
    if not data.strip():
        raise _Problem("decode", "the file is empty")
    guessed: str | None = None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text, guessed = _detected(data)
    if _looks_binary(text):
        raise _Problem("decode", "binary file: too many control characters to be text")
    if not text.strip():
        raise _Problem("decode", "the file is empty")
    return text, guessed


def _detected(data: bytes) -> tuple[str, str]:
    """The text in the encoding charset-normalizer finds most likely.

    Short Western European texts often tie between cp1250 and cp1252; the tie goes to
    cp1252, by far the more common legacy encoding of news text (and what browsers read
    for "latin-1").
    """
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is None:
        raise _Problem("decode", "binary file: not text in any known encoding")
    for candidate in results:
        tied = (candidate.chaos, candidate.coherence) == (best.chaos, best.coherence)
        if tied and candidate.encoding == _TIE_BREAK_ENCODING:
            best = candidate
            break
    return str(best), best.encoding


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    return len(_CONTROL_CHARACTERS.findall(sample)) > _BINARY_CONTROL_SHARE * len(sample)


def _encoding_note(guessed: str | None) -> tuple[Diagnostic, ...]:
    if guessed is None:
        return ()
    return (
        Diagnostic(
            code="encoding_guessed",
            message=f"not valid UTF-8: decoded as {guessed} (detected, so a guess)",
        ),
    )


# -- metadata ----------------------------------------------------------------------------------


def parse_published(value: Any) -> dt.date:
    """An ISO date or date-time (``2021-02-26``, ``2021-02-26T10:00:00Z``) as a date."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            pass
    raise _Problem("metadata", f"publication date {value!r} is not an ISO date (YYYY-MM-DD)")


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """``key: value`` lines between ``---`` fences at the top, and the text after them."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            meta: dict[str, str] = {}
            for line in lines[1:end]:
                key, sep, value = line.partition(":")
                if sep and key.strip():
                    meta[key.strip().lower()] = value.strip().strip("'\"")
            return meta, "\n".join(lines[end + 1 :]).lstrip("\n")
    return {}, text


def _sidecar(path: Path) -> dict[str, Any]:
    sidecar = path.with_name(path.name[: -len(path.suffix)] + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _Problem("metadata", f"sidecar {sidecar.name} is unreadable: {exc}") from exc
    if not isinstance(data, dict):
        raise _Problem("metadata", f"sidecar {sidecar.name} must hold a JSON object")
    return data


# -- reading -----------------------------------------------------------------------------------


class Corpus:
    """The documents under some paths (files, folders, ``-`` for stdin), read lazily."""

    def __init__(
        self,
        paths: Sequence[str | Path],
        options: CorpusOptions | None = None,
        *,
        stdin: BinaryIO | None = None,
    ) -> None:
        self.paths = [str(p) for p in paths]
        self.options = options or CorpusOptions()
        self._stdin = stdin
        self._sources: list[_Source] | None = None
        self._seen_ids: set[str] = set()

    def sources(self) -> list[_Source]:
        """Every file to read, in reading order (listed once; file contents are not read)."""
        if self._sources is None:
            walker = _Walker(self.options)
            for raw in self.paths:
                if raw == STDIN:
                    walker.sources.append(_Source(None, None))
                    continue
                path = Path(raw)
                if path.is_dir():
                    walker.walk(path)
                elif path.exists():
                    walker.sources.append(_Source(path, path.parent))
                else:
                    try:
                        path.stat()
                        message = "not a file or folder"
                    except OSError as exc:
                        message = _os_message(exc, "file")
                    walker.sources.append(_Source(path, None, InputProblem(raw, "read", message)))
            self._sources = walker.sources
        return self._sources

    def expected_documents(self) -> int | None:
        """How many documents reading will give, when known without reading (no records)."""
        sources = self.sources()
        if any(s.path is None or s.suffix in JSON_SUFFIXES | JSONL_SUFFIXES for s in sources):
            return None
        return len(sources)

    def __iter__(self) -> Iterator[Document | InputProblem]:
        self._seen_ids = set()
        for source in self.sources():
            if source.problem is not None:
                yield source.problem
                continue
            for item in self._read(source):
                yield self._checked_unique(item, source)

    def _checked_unique(
        self, item: Document | InputProblem, source: _Source
    ) -> Document | InputProblem:
        if isinstance(item, InputProblem):
            return item
        if item.doc_id in self._seen_ids:
            return InputProblem(
                source.display,
                "metadata",
                f"document id {item.doc_id!r} is already used by an earlier document",
                line=item.line,
                doc_id=item.doc_id,
            )
        self._seen_ids.add(item.doc_id)
        return item

    def _read(self, source: _Source) -> Iterator[Document | InputProblem]:
        try:
            if source.suffix in JSONL_SUFFIXES:
                yield from self._jsonl(source, self._open_lines(source))
                return
            data = self._bytes(source)
            if source.path is None:
                yield from self._stdin_documents(source, data)
            elif source.suffix in JSON_SUFFIXES:
                yield from self._json(source, data)
            elif source.suffix in HTML_SUFFIXES:
                yield self._html(source, data)
            else:
                yield self._plain(source, data, markdown=source.suffix in MARKDOWN_SUFFIXES)
        except _Problem as problem:
            yield InputProblem(source.display, problem.stage, problem.message, None, source.file_id)
        except OSError as exc:
            yield InputProblem(
                source.display, "read", _os_message(exc, "file"), None, source.file_id
            )

    def _bytes(self, source: _Source) -> bytes:
        if source.path is None:
            stream = self._stdin if self._stdin is not None else sys.stdin.buffer
            return stream.read()
        size = source.path.stat().st_size
        if size > self.options.max_file_bytes:
            raise _Problem(
                "read",
                f"the file has {size:,} bytes, over the {self.options.max_file_bytes:,}-byte "
                "limit for one article (nothing was read)",
            )
        return source.path.read_bytes()

    def _open_lines(self, source: _Source) -> Iterator[bytes]:
        assert source.path is not None
        with source.path.open("rb") as handle:
            yield from handle

    def _metadata(self, source: _Source, meta: dict[str, Any]) -> tuple[str, dt.date | None]:
        """The id and publication date of a file-level document: front matter or sidecar,
        then the fallback date."""
        assert source.path is not None
        sidecar = _sidecar(source.path)
        merged = {**sidecar, **{k: v for k, v in meta.items() if v}}
        published_raw = merged.get(self.options.published_field) or merged.get("published")
        published = parse_published(published_raw) if published_raw else self.options.published
        doc_id = str(merged.get(self.options.id_field) or merged.get("id") or source.file_id)
        return doc_id, published

    def _plain(self, source: _Source, data: bytes, *, markdown: bool) -> Document:
        text, guessed = decode_text(data)
        meta: dict[str, str] = {}
        if markdown:
            meta, text = _front_matter(text)
            if not text.strip():
                raise _Problem("decode", "the file has front matter but no text")
        doc_id, published = self._metadata(source, meta)
        return Document(doc_id, text, published, source.display, notes=_encoding_note(guessed))

    def _html(self, source: _Source, data: bytes) -> Document:
        import trafilatura

        html, guessed = decode_text(data)
        extracted = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            # Only dates the page states about itself, never a date guessed from its text.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
        text = getattr(extracted, "text", None) if extracted is not None else None
        if not text or not text.strip():
            raise _Problem("parse", "no article text found in the HTML")
        meta_date = getattr(extracted, "date", None)
        doc_id, published = self._metadata(source, {"published": meta_date or ""})
        return Document(doc_id, text, published, source.display, notes=_encoding_note(guessed))

    def _stdin_documents(self, source: _Source, data: bytes) -> Iterator[Document | InputProblem]:
        if data.lstrip()[:1] in (b"{", b"["):
            yield from self._json(source, data)
            return
        text, guessed = decode_text(data)
        yield Document("stdin", text, self.options.published, STDIN, notes=_encoding_note(guessed))

    def _json(self, source: _Source, data: bytes) -> Iterator[Document | InputProblem]:
        text, _ = decode_text(data)
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            if exc.msg == "Extra data":  # one record per line in a .json file
                yield from self._jsonl(source, iter(data.splitlines(keepends=True)))
                return
            raise _Problem("parse", f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
        except RecursionError:
            raise _Problem("parse", "JSON nested too deeply to read") from None
        if isinstance(parsed, dict):
            yield self._record_or_problem(source, parsed, index=None, line=None)
        elif isinstance(parsed, list):
            for index, record in enumerate(parsed, 1):
                yield self._record_or_problem(source, record, index=index, line=None)
        else:
            raise _Problem("parse", "a JSON file must hold one record (an object) or a list")

    def _jsonl(self, source: _Source, lines: Iterator[bytes]) -> Iterator[Document | InputProblem]:
        for number, raw in enumerate(lines, 1):
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                record = json.loads(line)
            except UnicodeDecodeError:
                yield self._line_problem(source, number, "parse", "the line is not UTF-8")
                continue
            except json.JSONDecodeError as exc:
                message = f"malformed JSON line: {exc.msg} (column {exc.colno})"
                yield self._line_problem(source, number, "parse", message)
                continue
            except RecursionError:
                yield self._line_problem(source, number, "parse", "JSON nested too deeply")
                continue
            yield self._record_or_problem(source, record, index=number, line=number)

    def _line_problem(self, source: _Source, line: int, stage: str, message: str) -> InputProblem:
        return InputProblem(source.display, stage, message, line, f"{source.file_id}#{line}")

    def _record_or_problem(
        self, source: _Source, record: Any, *, index: int | None, line: int | None
    ) -> Document | InputProblem:
        fallback_id = source.file_id if index is None else f"{source.file_id}#{index}"
        try:
            return self._record(source, record, fallback_id, line)
        except _Problem as problem:
            doc_id = fallback_id
            if isinstance(record, dict) and isinstance(record.get(self.options.id_field), str):
                doc_id = record[self.options.id_field]
            where = "" if line is not None or index is None else f"record {index}: "
            return InputProblem(
                source.display, problem.stage, where + problem.message, line, doc_id
            )

    def _record(self, source: _Source, record: Any, fallback_id: str, line: int | None) -> Document:
        o = self.options
        if not isinstance(record, dict):
            raise _Problem("parse", f"a record must be a JSON object, not {type(record).__name__}")
        text = record.get(o.text_field)
        if not isinstance(text, str):
            found = ", ".join(sorted(map(str, record))[:8]) or "none"
            raise _Problem(
                "parse",
                f"no text in field {o.text_field!r} (fields: {found}; set --text-field)",
            )
        if not text.strip():
            raise _Problem("decode", f"the record's {o.text_field!r} is empty")
        raw_id = record.get(o.id_field)
        if raw_id is not None and not isinstance(raw_id, str | int):
            raise _Problem("metadata", f"id field {o.id_field!r} must be a string or number")
        raw_date = record.get(o.published_field)
        published = parse_published(raw_date) if raw_date else o.published
        doc_id = str(raw_id) if raw_id not in (None, "") else fallback_id
        return Document(doc_id, text, published, source.display, line=line)
