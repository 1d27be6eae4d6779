"""Labelled sets (DESIGN.md "Labelled sets"): loading, checking and counting.

A set root holds split folders (``dev/``, ``test/``), each with ``gold.jsonl`` and
``articles/ID.txt``. Every function here takes either a set root (all its splits) or one
split folder (that split only).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry
from pydantic import ValidationError
from rich.table import Table

from llmextract.quotes import iter_quotes
from llmextract.schema import GoldDocument, QuotedEvent, Role, Status, StrikeType

GOLD_FILE = "gold.jsonl"
ARTICLES_DIR = "articles"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class LabelledDocument:
    """One article with its gold events."""

    doc_id: str
    split: str
    published: dt.date
    text: str
    events: list[QuotedEvent]
    article_path: Path
    line: int | None = None
    """The line of gold.jsonl it was read from."""


@dataclass(frozen=True)
class LabelledSet:
    """The documents of one or more splits, in file order, split by split."""

    root: Path
    documents: list[LabelledDocument]

    @property
    def splits(self) -> list[str]:
        return list(dict.fromkeys(d.split for d in self.documents))

    def only_split(self, split: str) -> LabelledSet:
        """The documents of one split; ``ValueError`` names the splits there are."""
        if split not in self.splits:
            raise ValueError(f"no split {split!r} in {self.root}; splits: {self.splits}")
        return LabelledSet(self.root, [d for d in self.documents if d.split == split])

    def by_id(self) -> dict[str, LabelledDocument]:
        return {d.doc_id: d for d in self.documents}


@dataclass(frozen=True)
class Problem:
    """Something wrong in a labelled set, located as precisely as it can be."""

    file: Path
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        parts = [str(self.file) + (f":{self.line}" if self.line is not None else "")]
        parts += [self.field] if self.field else []
        return ": ".join([*parts, self.message])


class LabelledSetError(ValueError):
    """A labelled set that cannot be loaded; ``problems`` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        shown = "\n".join(f"  {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(
            f"{len(problems)} problem(s) in the labelled set "
            f"(run `llmextract dataset check` for all):\n{shown}{more}"
        )
        self.problems = problems


def split_dirs(path: Path) -> list[Path]:
    """The split folders under ``path``: itself when it holds a gold file, else its
    subfolders that do (sorted by name). ``FileNotFoundError`` when there are none."""
    path = Path(path)
    if (path / GOLD_FILE).is_file():
        return [path]
    found = sorted(p for p in path.iterdir() if (p / GOLD_FILE).is_file()) if path.is_dir() else []
    if not found:
        raise FileNotFoundError(f"{path}: no {GOLD_FILE} here nor in any subfolder")
    return found


@dataclass
class _SplitReading:
    """What reading one split found: the documents that loaded, and the problems."""

    documents: list[LabelledDocument] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _read_split(split_dir: Path, *, deep: bool) -> _SplitReading:
    """Read one split, collecting every problem; ``deep`` adds the checks that loading
    does not need (quotes verbatim, country codes, ISO date form)."""
    gold_path = split_dir / GOLD_FILE
    articles_dir = split_dir / ARTICLES_DIR
    reading = _SplitReading()
    problems: dict[tuple[str, int | None, str], Problem] = {}

    def report(line: int | None, where: str | None, message: str, file: Path = gold_path) -> None:
        # One problem per line and field: a raw check and validation may both see a bad date.
        key = (str(file), line, where or message)
        problems.setdefault(key, Problem(file, line, where, message))

    article_files = (
        {p.stem: p for p in sorted(articles_dir.glob("*.txt"))} if articles_dir.is_dir() else {}
    )
    if not articles_dir.is_dir():
        report(None, None, f"no {ARTICLES_DIR}/ folder next to {GOLD_FILE}", split_dir)

    try:
        gold_lines = gold_path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        report(None, None, f"not valid UTF-8 ({exc.reason} at byte {exc.start})")
        gold_lines = []
    first_line: dict[str, int] = {}
    for number, raw_line in enumerate(gold_lines, 1):
        if not raw_line.strip():
            continue
        try:
            raw = json.loads(raw_line)
        except json.JSONDecodeError as exc:
            report(number, None, f"not valid JSON: {exc.msg} at column {exc.colno}")
            continue
        doc_id = raw.get("doc_id") if isinstance(raw, dict) else None
        if isinstance(doc_id, str) and doc_id:
            if doc_id in first_line:
                report(number, "doc_id", f"{doc_id!r} is already on line {first_line[doc_id]}")
                continue
            first_line[doc_id] = number
        if deep:
            for path, message in _raw_problems(raw):
                report(number, path, message)
        try:
            gold = GoldDocument.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in error["loc"]) or None
                report(number, where, _readable(error))
            continue
        article = article_files.get(gold.doc_id)
        if article is None:
            report(number, "doc_id", f"no article file {ARTICLES_DIR}/{gold.doc_id}.txt")
            continue
        try:
            text = article.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            report(None, None, f"not valid UTF-8 ({exc.reason} at byte {exc.start})", article)
            continue
        if deep:
            for path, message in _quote_problems(raw, text, article):
                report(number, path, message)
        reading.documents.append(
            LabelledDocument(
                gold.doc_id, split_dir.name, gold.published, text, gold.events, article, number
            )
        )

    for stem, article in article_files.items():
        if stem not in first_line:
            report(None, None, f"article has no line in {gold_path}", article)
    reading.problems = list(problems.values())
    return reading


def _readable(error: Any) -> str:
    """A pydantic error message a person reading the gold file understands."""
    kind, message = error["type"], str(error["msg"])
    if kind == "missing":
        if error["loc"] == ("published",):
            return "publication date is missing"
        return "required field is missing"
    if kind == "extra_forbidden":
        return f"unknown field (value {error['input']!r}); check its spelling in DESIGN.md"
    if kind.startswith("date"):
        return f"not a valid ISO date (YYYY-MM-DD): {error['input']!r}"
    return message.removeprefix("Value error, ")


def _iter_events(raw: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    events = raw.get("events") if isinstance(raw, dict) else None
    if isinstance(events, list):
        for i, event in enumerate(events):
            if isinstance(event, dict):
                yield f"events.{i}.", event


def _raw_problems(raw: Any) -> Iterator[tuple[str, str]]:
    """Problems visible in the raw JSON that validation lets through: dates that are not
    written as ISO dates, and three-letter codes that are not ISO 3166-1 countries."""
    if not isinstance(raw, dict):
        return
    dates = [("published", raw.get("published"))]
    for prefix, event in _iter_events(raw):
        date = event.get("date")
        if isinstance(date, dict):
            dates += [(f"{prefix}date.{key}", date.get(key)) for key in ("start", "end")]
        location = event.get("location")
        countries = location.get("countries") if isinstance(location, dict) else None
        for i, code in enumerate(countries if isinstance(countries, list) else []):
            shaped = isinstance(code, str) and len(code) == 3 and code.isalpha() and code.isupper()
            if shaped and pycountry.countries.get(alpha_3=code) is None:
                yield (
                    f"{prefix}location.countries.{i}",
                    f"{code!r} is not an ISO 3166-1 alpha-3 country code",
                )
    for where, value in dates:
        if value is not None and not (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
            yield where, f"not written as an ISO date (YYYY-MM-DD): {value!r}"


def _quote_problems(raw: Any, text: str, article: Path) -> Iterator[tuple[str, str]]:
    """Quotes that are empty or do not occur verbatim in the article."""
    for prefix, event in _iter_events(raw):
        for where, quote in iter_quotes(event, prefix):
            if not isinstance(quote, str):
                continue  # validation reports the type
            if not quote.strip():
                yield where, "quote is empty"
            elif quote not in text:
                hint = _hint(quote, text)
                yield where, f"quote not found verbatim in {article.name}: {quote!r}{hint}"


def _hint(quote: str, text: str) -> str:
    """Say so when a quote differs from the article only in whitespace or case."""

    def squash(s: str) -> str:
        return " ".join(s.split()).casefold()

    if squash(quote) in squash(text):
        return " (it differs from the article only in whitespace or case)"
    return ""


def check_labelled_set(path: Path | str) -> list[Problem]:
    """Every problem in a set root or split folder; an empty list when it is clean.

    Checks: every article listed exactly once (no article without a gold line, no gold
    line without an article, no id twice, also across splits), JSON well-formed, the gold
    line valid against the schema (enums, ISO dates with start <= end, publication date
    present), countries real ISO 3166-1 alpha-3 codes, and every quote verbatim in its
    article.
    """
    try:
        dirs = split_dirs(Path(path))
    except FileNotFoundError as exc:
        return [Problem(Path(path), None, None, str(exc))]
    problems: list[Problem] = []
    seen: dict[str, LabelledDocument] = {}
    for split_dir in dirs:
        reading = _read_split(split_dir, deep=True)
        problems += reading.problems
        for doc in reading.documents:
            if doc.doc_id in seen:
                problems.append(
                    Problem(
                        split_dir / GOLD_FILE,
                        doc.line,
                        "doc_id",
                        f"{doc.doc_id!r} is also in split {seen[doc.doc_id].split!r}",
                    )
                )
            seen.setdefault(doc.doc_id, doc)
    return problems


def load_labelled_set(path: Path | str) -> LabelledSet:
    """Load a set root (every split) or one split folder.

    Raises :class:`LabelledSetError` when a gold line does not validate or names no
    article; quotes are not checked here (``check_labelled_set`` does that).
    """
    root = Path(path)
    documents: list[LabelledDocument] = []
    problems: list[Problem] = []
    for split_dir in split_dirs(root):
        reading = _read_split(split_dir, deep=False)
        documents += reading.documents
        problems += reading.problems
    if problems:
        raise LabelledSetError(problems)
    return LabelledSet(root, documents)


# --- counts -------------------------------------------------------------------------------

LONG_ARTICLE_CHARS = 8_000
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_ABSOLUTE_DATE = re.compile(rf"\b(?:\d{{4}}|{_MONTHS})\b")


def is_relative_only(date_quote: str) -> bool:
    """A date quote with neither a four-digit year nor a month name ("on Thursday")."""
    return _ABSOLUTE_DATE.search(date_quote) is None


def has_conflicting_claims(event: QuotedEvent) -> bool:
    """Two killed claims from different sources with different figures."""
    killed = [c for c in event.casualties if c.outcome == "killed"]
    return any(
        (a.source or "").casefold().strip() != (b.source or "").casefold().strip()
        and (a.low, a.high) != (b.low, b.high)
        for i, a in enumerate(killed)
        for b in killed[i + 1 :]
    )


@dataclass(frozen=True)
class SplitStats:
    """The counts a labelled set's README shows, for one split or the whole set."""

    articles: int
    negatives: int
    long_articles: int
    multi_event_articles: int
    events: int
    by_role: dict[str, int]
    by_strike_type: dict[str, int]
    by_status: dict[str, int]
    relative_date_events: int
    conflicting_claim_events: int

    @classmethod
    def of(cls, documents: list[LabelledDocument]) -> SplitStats:
        events = [e for d in documents for e in d.events]

        def tally(values: list[str], names: list[str]) -> dict[str, int]:
            return {name: values.count(name) for name in names}

        return cls(
            articles=len(documents),
            negatives=sum(not d.events for d in documents),
            long_articles=sum(len(d.text) > LONG_ARTICLE_CHARS for d in documents),
            multi_event_articles=sum(len(d.events) > 1 for d in documents),
            events=len(events),
            by_role=tally([e.role for e in events], list(Role)),
            by_strike_type=tally([e.strike_type for e in events], list(StrikeType)),
            by_status=tally([e.status for e in events], list(Status)),
            relative_date_events=sum(
                e.date is not None and is_relative_only(e.date.quote) for e in events
            ),
            conflicting_claim_events=sum(has_conflicting_claims(e) for e in events),
        )

    def rows(self) -> list[tuple[str, int]]:
        """(label, count) in the order the tables show them."""
        return [
            ("articles", self.articles),
            ("negatives (no events)", self.negatives),
            (f"long articles (> {LONG_ARTICLE_CHARS:,} chars)", self.long_articles),
            ("articles with several events", self.multi_event_articles),
            ("events", self.events),
            *((f"role: {k}", v) for k, v in self.by_role.items()),
            *((f"strike_type: {k}", v) for k, v in self.by_strike_type.items()),
            *((f"status: {k}", v) for k, v in self.by_status.items()),
            ("events with relative-only date", self.relative_date_events),
            ("events with conflicting killed claims", self.conflicting_claim_events),
        ]


@dataclass(frozen=True)
class LabelledSetStats:
    """Counts per split and, when there are several splits, in total."""

    columns: dict[str, SplitStats]

    def table(self) -> tuple[list[str], list[list[str]]]:
        """Header and rows, one column per split: the shape both renderers draw."""
        names = list(self.columns)
        labels = [label for label, _ in next(iter(self.columns.values())).rows()]
        counts = [[str(n) for _, n in s.rows()] for s in self.columns.values()]
        return ["", *names], [[label, *col] for label, *col in zip(labels, *counts, strict=True)]

    def to_markdown(self) -> str:
        header, rows = self.table()
        lines = [
            "| " + " | ".join(header) + " |",
            "|---" + "|---:" * (len(header) - 1) + "|",
            *("| " + " | ".join(row) + " |" for row in rows),
        ]
        return "\n".join(lines) + "\n"

    def to_rich_table(self, title: str | None = None) -> Table:
        header, rows = self.table()
        table = Table(*header, title=title)
        for column in table.columns[1:]:
            column.justify = "right"
        for row in rows:
            table.add_row(*row)
        return table


def labelled_set_stats(path: Path | str) -> LabelledSetStats:
    """Counts for every split of the set at ``path`` (and the total when several)."""
    labelled = load_labelled_set(path)
    columns = {s: SplitStats.of(labelled.only_split(s).documents) for s in labelled.splits}
    if len(columns) > 1:
        columns["total"] = SplitStats.of(labelled.documents)
    return LabelledSetStats(columns)
