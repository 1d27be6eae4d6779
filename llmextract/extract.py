"""The pipeline: text -> prompt -> model (or rules) -> validate + ground -> normalise -> events.

Both backends return *quoted* events; :func:`ground_events` is the one output path that
turns them into grounded :class:`StrikeEvent` objects. It drops what cannot be grounded
or is not supported by its quote, and records a :class:`Diagnostic` for every drop.

For the model backend the same check runs inside validation: while re-asks remain, any
problem is sent back to the model; on the final attempt the output is accepted and the
problems become drops.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from pydantic import BaseModel, Field, model_validator

from llmextract import normalize
from llmextract.errors import ConfigurationError, InputError, LLMExtractError
from llmextract.grounding import Grounder, supports_name, supports_number
from llmextract.llm import LLMClient, LLMSettings, Mode, current_call
from llmextract.prompts import PromptSet, load_prompts
from llmextract.schema import (
    Actor,
    CasualtyClaim,
    Diagnostic,
    DocumentResult,
    EventDate,
    Location,
    QuotedEvent,
    Span,
    StrikeEvent,
    Target,
    Usage,
    Weapon,
)

log = logging.getLogger("llmextract")

# Diagnostics that mean "the model got something wrong": these are sent back on re-ask.
REASK_CODES = frozenset(
    {
        "event_dropped",
        "quote_not_found",
        "quote_in_instructions",
        "value_unsupported",
        "country_invalid",
    }
)
DEFAULT_MAX_INPUT_CHARS = 200_000


class Extraction(BaseModel):
    """What the model is asked to return: every strike event in the article, with quotes."""

    events: list[QuotedEvent] = Field(
        default_factory=list, description="Every strike event in the article; empty if none."
    )

    @model_validator(mode="after")
    def _grounded_in_source(self) -> Extraction:
        job = _current_job.get()
        if job is None:
            return self
        job.result = ground_events(self.events, job.grounder, job.published)
        call = current_call()
        if call is not None and call.on_final_attempt:
            return self  # no re-ask left: the problems become drops with diagnostics
        problems = [d for d in job.result[1] if d.code in REASK_CODES]
        if problems:
            raise ValueError(reask_message(problems))
        return self


def reask_message(problems: Sequence[Diagnostic]) -> str:
    lines = [
        "Some quotes are not verbatim in the article or do not support their values. "
        "Copy each quote character for character from the article so that it contains the "
        "value, or leave the value out:"
    ]
    lines += [f"- events[{d.event}].{d.field}: {d.message}" for d in problems]
    return "\n".join(lines)


@dataclass
class _Job:
    grounder: Grounder
    published: dt.date | None
    result: tuple[list[StrikeEvent], list[Diagnostic]] | None = None


_current_job: contextvars.ContextVar[_Job | None] = contextvars.ContextVar(
    "llmextract_job", default=None
)


@contextmanager
def _job_scope(job: _Job) -> Iterator[_Job]:
    token = _current_job.set(job)
    try:
        yield job
    finally:
        _current_job.reset(token)


# -- grounding quoted events --------------------------------------------------------------

# Parametrised once here: pydantic resolves ``Actor[Span]`` anew on every subscript.
_SpanActor = Actor[Span]
_SpanTarget = Target[Span]
_SpanWeapon = Weapon[Span]
_SpanLocation = Location[Span]
_SpanDate = EventDate[Span]
_SpanClaim = CasualtyClaim[Span]


@dataclass
class _EventGrounder:
    """Grounds one quoted event, collecting a diagnostic for every value it drops."""

    grounder: Grounder
    published: dt.date | None
    index: int
    diagnostics: list[Diagnostic] = field(default_factory=list)
    anchor: tuple[int, int] | None = None  # the event's first evidence span

    def note(self, code: str, path: str, message: str, quote: str | None = None) -> None:
        self.diagnostics.append(
            Diagnostic(code=code, message=message, event=self.index, field=path, quote=quote)
        )

    def span(self, quote: str, path: str) -> Span | None:
        found = self.grounder.locate(quote, near=self.anchor)
        if found is None:
            self.note("quote_not_found", path, f"quote not found in the article: {quote!r}", quote)
        elif self.grounder.in_instructions(found):
            self.note(
                "quote_in_instructions",
                path,
                f"quote comes from text addressed to a language model, not from reporting: "
                f"{quote!r}",
                quote,
            )
            return None
        return found

    def named(self, quote: str, name: str, path: str) -> Span | None:
        found = self.span(quote, path)
        if found is not None and not supports_name(found.text, name):
            self.note(
                "value_unsupported",
                path,
                f"{name!r} is not supported by its quote {quote!r}",
                quote,
            )
            return None
        return found

    def actor(self, item: Actor[str] | None, path: str) -> Actor[Span] | None:
        if item is None:
            return None
        span = self.named(item.quote, item.name, path)
        return None if span is None else _SpanActor(**_fields(item), quote=span)

    def target(self, item: Target[str], path: str) -> Target[Span] | None:
        span = self.named(item.quote, item.name, path)
        return None if span is None else _SpanTarget(**_fields(item), quote=span)

    def weapon(self, item: Weapon[str] | None, path: str) -> Weapon[Span] | None:
        if item is None:
            return None
        span = self.named(item.quote, item.name, path)
        return None if span is None else _SpanWeapon(**_fields(item), quote=span)

    def location(self, item: Location[str] | None, path: str) -> Location[Span] | None:
        if item is None:
            return None
        span = self.named(item.quote, item.name, path)
        if span is None:
            return None
        countries = []
        for code in item.countries:
            if normalize.is_country_code(code):
                countries.append(code)
            else:
                self.note("country_invalid", path, f"{code!r} is not an ISO 3166-1 alpha-3 code")
        values = _fields(item) | {"countries": countries}
        return _SpanLocation(**values, quote=span)

    def date(self, item: EventDate[str] | None, path: str) -> EventDate[Span] | None:
        if item is None:
            return None
        span = self.span(item.quote, path)
        if span is None:
            return None
        resolved = normalize.resolve_date(span.text, self.published)
        if resolved is not None:
            if (item.start, item.end) not in {(None, None), (resolved.start, resolved.end)}:
                self.note(
                    "date_normalized",
                    path,
                    f"{span.text!r} resolves to {resolved.start}..{resolved.end}, "
                    f"not {item.start}..{item.end}",
                    item.quote,
                )
            return _SpanDate(
                quote=span, start=resolved.start, end=resolved.end, precision=resolved.precision
            )
        if normalize.is_relative_date(span.text):
            self.note(
                "date_unresolved",
                path,
                f"{span.text!r} is relative and the publication date is unknown",
                item.quote,
            )
            return _SpanDate(quote=span)
        self.note(
            "value_unsupported",
            path,
            f"no date expression in the quote {item.quote!r}",
            item.quote,
        )
        return None

    def casualty(self, item: CasualtyClaim[str], path: str) -> CasualtyClaim[Span] | None:
        span = self.span(item.quote, path)
        if span is None:
            return None
        for bound in ("low", "high"):
            value = getattr(item, bound)
            if value is not None and not supports_number(span.text, value):
                self.note(
                    "value_unsupported",
                    f"{path}.{bound}",
                    f"{value} is not supported by its quote {item.quote!r}",
                    item.quote,
                )
                return None
        return _SpanClaim(**_fields(item), quote=span)

    def event(self, ev: QuotedEvent) -> StrikeEvent | None:
        evidence = [s for i, q in enumerate(ev.evidence) if (s := self.span(q, f"evidence.{i}"))]
        if not evidence:
            self.note(
                "event_dropped", "evidence", "no evidence quote of this event is in the article"
            )
            return None
        self.anchor = (evidence[0].start, evidence[0].end)
        targets = [self.target(t, f"targets.{i}") for i, t in enumerate(ev.targets)]
        claims = [self.casualty(c, f"casualties.{i}") for i, c in enumerate(ev.casualties)]
        return StrikeEvent(
            strike_type=ev.strike_type,
            status=ev.status,
            role=ev.role,
            summary=ev.summary,
            evidence=evidence,
            attacker=self.actor(ev.attacker, "attacker"),
            authorized_by=self.actor(ev.authorized_by, "authorized_by"),
            targets=[t for t in targets if t is not None],
            location=self.location(ev.location, "location"),
            date=self.date(ev.date, "date"),
            weapon=self.weapon(ev.weapon, "weapon"),
            casualties=[c for c in claims if c is not None],
        )


def _fields(item: BaseModel) -> dict[str, Any]:
    """A sub-object's values without its quote (which is re-typed as a Span)."""
    return {name: getattr(item, name) for name in _unquoted_fields(type(item))}


@functools.cache
def _unquoted_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The field names of ``model`` but its quote: read once per class, not per value."""
    return tuple(name for name in model.model_fields if name != "quote")


def ground_events(
    events: Sequence[QuotedEvent], grounder: Grounder, published: dt.date | None
) -> tuple[list[StrikeEvent], list[Diagnostic]]:
    """Ground quoted events in the source: the one output path of every backend."""
    grounded: list[StrikeEvent] = []
    diagnostics: list[Diagnostic] = []
    for index, ev in enumerate(events):
        worker = _EventGrounder(grounder, published, index)
        result = worker.event(ev)
        diagnostics.extend(worker.diagnostics)
        if result is not None:
            grounded.append(result)
    return grounded, diagnostics


# -- backends ------------------------------------------------------------------------------

BACKENDS = ("openai", "rules")
_warned_rules_default = False


def coerce_date(published: dt.date | str | None) -> dt.date | None:
    """The publication date as a date; a string that is not ISO is an :class:`InputError`."""
    if published is None or isinstance(published, dt.date):
        return published
    try:
        return dt.date.fromisoformat(published)
    except ValueError:
        raise InputError(
            f"publication date {published!r} is not an ISO date (YYYY-MM-DD)"
        ) from None


class Extractor:
    """Extracts strike events with one backend; reuse it across documents.

    With no backend and no model configured (no ``model``, ``LLMEXTRACT_MODEL`` or
    ``OPENAI_API_KEY``), the offline ``rules`` backend runs and a warning says so.
    """

    def __init__(
        self,
        backend: str | None = None,
        *,
        settings: LLMSettings | None = None,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        mode: str | Mode | None = None,
        prompts: PromptSet | None = None,
        max_input_chars: int = DEFAULT_MAX_INPUT_CHARS,
        http_client: Any = None,
        async_http_client: Any = None,
    ) -> None:
        if backend is not None and backend not in BACKENDS:
            raise ConfigurationError(f"unknown backend {backend!r}; choose one of {BACKENDS}")
        if backend != "rules" and settings is None:
            settings = LLMSettings.from_env(
                model=model, base_url=base_url, api_key=api_key, mode=mode
            )
        if backend == "openai" and settings is None:
            raise ConfigurationError(
                "the openai backend needs a model: pass --model / model=, or set "
                "LLMEXTRACT_MODEL, OPENAI_API_KEY or OPENAI_BASE_URL"
            )
        if backend is None:
            backend = "openai" if settings is not None else "rules"
            if backend == "rules":
                _warn_rules_default()
        self.backend = backend
        self.max_input_chars = max_input_chars
        self.settings = settings if backend == "openai" else None
        self.prompts = (prompts or load_prompts()) if backend == "openai" else None
        self._llm = (
            LLMClient(settings, http_client=http_client, async_http_client=async_http_client)
            if self.backend == "openai" and settings is not None
            else None
        )

    @property
    def model(self) -> str | None:
        return self.settings.model if self.settings else None

    @property
    def prompt_version(self) -> str:
        if self.prompts is not None:
            return self.prompts.version
        return _rules_backend().RULES_VERSION

    def _check_input(self, text: str) -> None:
        if not isinstance(text, str):
            raise InputError(f"article text must be str, not {type(text).__name__}")
        if not text.strip():
            raise InputError("the article is empty")
        if self.backend == "openai" and len(text) > self.max_input_chars:
            raise InputError(
                f"the article has {len(text):,} characters, over the limit of "
                f"{self.max_input_chars:,} for one request; split it (nothing was truncated)"
            )

    def _result(self, job: _Job, doc_id: str | None, usage: Usage) -> DocumentResult:
        events, diagnostics = job.result or ([], [])
        return DocumentResult(
            doc_id=doc_id,
            published=job.published,
            events=events,
            diagnostics=[*_missing_date_notice(job), *diagnostics],
            usage=usage,
            backend=self.backend,
            model=self.model,
            prompt_version=self.prompt_version,
        )

    def _start(self, text: str, published: dt.date | str | None) -> _Job:
        self._check_input(text)
        job = _Job(grounder=Grounder(text), published=coerce_date(published))
        return job

    def _rules(self, job: _Job, text: str) -> None:
        quoted = _rules_backend().extract_quoted(text, job.published)
        job.result = ground_events(quoted, job.grounder, job.published)

    def extract(
        self, text: str, *, published: dt.date | str | None = None, doc_id: str | None = None
    ) -> DocumentResult:
        """Extract every strike event in ``text``; errors name ``doc_id``."""
        try:
            job = self._start(text, published)
            if self._llm is None:
                self._rules(job, text)
                return self._result(job, doc_id, Usage())
            assert self.prompts is not None
            with _job_scope(job):
                _, usage = self._llm.complete(
                    self.prompts.messages(text, job.published), Extraction
                )
            return self._result(job, doc_id, usage)
        except LLMExtractError as exc:
            raise exc.for_document(doc_id) from exc.__cause__

    async def aextract(
        self, text: str, *, published: dt.date | str | None = None, doc_id: str | None = None
    ) -> DocumentResult:
        """Async :meth:`extract`."""
        try:
            job = self._start(text, published)
            if self._llm is None:
                self._rules(job, text)
                return self._result(job, doc_id, Usage())
            assert self.prompts is not None
            with _job_scope(job):
                _, usage = await self._llm.acomplete(
                    self.prompts.messages(text, job.published), Extraction
                )
            return self._result(job, doc_id, usage)
        except LLMExtractError as exc:
            raise exc.for_document(doc_id) from exc.__cause__

    def close(self) -> None:
        if self._llm is not None:
            self._llm.close()

    async def aclose(self) -> None:
        if self._llm is not None:
            await self._llm.aclose()


@functools.cache
def _rules_backend() -> ModuleType:
    """The rules module, imported on first use (a model backend never needs it) and then
    held: an import statement costs a microsecond on every call."""
    from llmextract import rules

    return rules


def _missing_date_notice(job: _Job) -> list[Diagnostic]:
    if job.published is not None:
        return []
    return [
        Diagnostic(
            code="no_publication_date",
            message="no publication date: relative dates stay unresolved",
        )
    ]


def _warn_rules_default() -> None:
    global _warned_rules_default
    if not _warned_rules_default:
        log.warning(
            "no model configured (no model argument, LLMEXTRACT_MODEL or OPENAI_API_KEY): "
            "using the offline rules backend"
        )
        _warned_rules_default = True


# -- the functional API ---------------------------------------------------------------------


def extract_document(
    text: str,
    *,
    published: dt.date | str | None = None,
    doc_id: str | None = None,
    backend: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    mode: str | Mode | None = None,
) -> DocumentResult:
    """Extract from one text and return everything: events, diagnostics, usage, versions."""
    extractor = Extractor(backend, model=model, base_url=base_url, api_key=api_key, mode=mode)
    try:
        return extractor.extract(text, published=published, doc_id=doc_id)
    finally:
        extractor.close()


async def aextract_document(
    text: str,
    *,
    published: dt.date | str | None = None,
    doc_id: str | None = None,
    backend: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    mode: str | Mode | None = None,
) -> DocumentResult:
    """Async :func:`extract_document`."""
    extractor = Extractor(backend, model=model, base_url=base_url, api_key=api_key, mode=mode)
    try:
        return await extractor.aextract(text, published=published, doc_id=doc_id)
    finally:
        await extractor.aclose()


def extract_events(text: str, **options: Any) -> list[StrikeEvent]:
    """The strike events in ``text``; options as :func:`extract_document`."""
    return extract_document(text, **options).events


async def aextract_events(text: str, **options: Any) -> list[StrikeEvent]:
    """Async :func:`extract_events`."""
    return (await aextract_document(text, **options)).events
