"""Running one backend over many documents: concurrency, rate limit, cache, resume, errors.

:func:`run` (or :func:`arun`) is the one path every command takes: ``extract`` writes to a
:class:`~llmextract.output.FileSink`, ``eval`` can collect results in memory with a
:class:`CollectingSink`. A document that fails becomes an error record and the run goes
on; only a configuration that cannot work (:class:`ConfigurationError`) stops it.

Transport retries (429, 5xx, timeouts) happen inside the llm layer; nothing here retries
them again. The requests-per-minute limit applies to every HTTP request, retries and
re-asks included, through a hook on the HTTP client (:mod:`llmextract.ratelimit`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from llmextract import pricing
from llmextract.cache import CacheKey, ResponseCache
from llmextract.corpus import Document, InputProblem
from llmextract.errors import ConfigurationError, LLMExtractError, excerpt
from llmextract.extract import Extractor
from llmextract.llm import LLMSettings, Mode
from llmextract.output import ErrorRecord
from llmextract.schema import Diagnostic, DocumentResult, Usage
from llmextract.workers import ProcessPoolExtractor, auto_workers, local_extractor

log = logging.getLogger("llmextract")

DEFAULT_CONCURRENCY = 8  # gentle on hosted APIs' rate limits; raise it for local servers
# Assumed completion size of one document in dry-run cost estimates (a tool call with an
# event or two); stated wherever the estimate is shown.
ESTIMATED_COMPLETION_TOKENS = 400


class SupportsExtract(Protocol):
    """What the runner needs of a backend (an :class:`Extractor`, or a test double)."""

    @property
    def backend(self) -> str: ...

    @property
    def model(self) -> str | None: ...

    @property
    def prompt_version(self) -> str: ...

    async def aextract(
        self, text: str, *, published: dt.date | str | None = None, doc_id: str | None = None
    ) -> DocumentResult: ...


class ResultSink(Protocol):
    """Where results and errors go; ``done`` holds the ids to skip (resume)."""

    @property
    def done(self) -> set[str]: ...

    def write(self, result: DocumentResult) -> None: ...

    def error(self, record: ErrorRecord) -> None: ...


@dataclass
class CollectingSink:
    """Keeps results and errors in memory (for ``eval`` and tests)."""

    done: set[str] = field(default_factory=set)
    results: list[DocumentResult] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)

    def write(self, result: DocumentResult) -> None:
        self.results.append(result)

    def error(self, record: ErrorRecord) -> None:
        self.errors.append(record)


@dataclass
class RunSummary:
    """Counts so far (updated live for progress displays) and at the end of a run."""

    model: str | None = None
    extracted: int = 0  # results written this run, cached and pre-filtered included
    from_cache: int = 0
    prefiltered: int = 0
    already_done: int = 0  # skipped: already in the output (resume)
    failed: int = 0
    events: int = 0
    usage: Usage = field(default_factory=Usage)
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def processed(self) -> int:
        return self.extracted + self.already_done + self.failed

    @property
    def cost(self) -> float | None:
        return pricing.cost(self.model, self.usage.prompt_tokens, self.usage.completion_tokens)

    @property
    def exit_code(self) -> int:
        """0 when every document is done, 1 when some failed."""
        return 1 if self.failed else 0


class RunListener(Protocol):
    """Follows a run: progress bars and periodic lines implement this."""

    def start(self, expected: int | None) -> None: ...

    def update(self, summary: RunSummary) -> None: ...

    def notice(self, message: str) -> None: ...

    def finish(self, summary: RunSummary) -> None: ...


class SilentListener:
    def start(self, expected: int | None) -> None:
        pass

    def update(self, summary: RunSummary) -> None:
        pass

    def notice(self, message: str) -> None:
        pass

    def finish(self, summary: RunSummary) -> None:
        pass


@dataclass
class RunOptions:
    concurrency: int = DEFAULT_CONCURRENCY
    cache: ResponseCache | None = None
    prefilter: bool = False
    listener: RunListener = field(default_factory=SilentListener)
    expected: int | None = None  # documents expected, for progress totals


def make_extractor(
    backend: str | None = None,
    *,
    model: str | None = None,
    base_url: str | None = None,
    mode: str | Mode | None = None,
    timeout: float | None = None,
    max_backoff: float | None = None,
    rpm: float | None = None,
    workers: int | None = 1,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> Extractor:
    """An extractor as the CLI configures it: settings from arguments and environment,
    the offline rules backend when no model is configured and no backend is named.

    ``workers`` above 1 spreads documents over that many processes; ``None`` chooses from
    the backend and ``concurrency`` (:func:`~llmextract.workers.auto_workers`).
    """
    settings = None
    if backend != "rules":
        given = {"timeout": timeout, "max_backoff": max_backoff}
        overrides: dict[str, Any] = {name: value for name, value in given.items() if value}
        settings = LLMSettings.from_env(model=model, base_url=base_url, mode=mode, **overrides)
    if backend is None:
        backend = "openai" if settings is not None else "rules"
    if workers is None:
        workers = auto_workers(backend, concurrency)
    if workers > 1:
        return ProcessPoolExtractor(backend, settings=settings, workers=workers, rpm=rpm)
    return local_extractor(backend, settings, rpm)


# -- running -------------------------------------------------------------------------------------


def cache_key(extractor: SupportsExtract, doc: Document) -> CacheKey:
    settings = getattr(extractor, "settings", None)
    return CacheKey.for_text(
        doc.text,
        model=extractor.model or "",
        endpoint=settings.endpoint if settings else "",
        mode=str(settings.mode) if settings else "",
        prompt_version=extractor.prompt_version,
        published=doc.published,
    )


def _relevance(text: str) -> tuple[bool, float]:
    from llmextract import rules

    try:
        return rules.is_relevant(text)
    except NotImplementedError:
        raise ConfigurationError(
            "--prefilter needs the rules backend's relevance filter, which is not built yet"
        ) from None


@dataclass
class _Run:
    extractor: SupportsExtract
    sink: ResultSink
    options: RunOptions
    summary: RunSummary

    @property
    def cache(self) -> ResponseCache | None:
        # The rules backend is cheaper to rerun than to look up.
        return self.options.cache if self.extractor.backend != "rules" else None

    async def handle(self, item: Document | InputProblem) -> None:
        if isinstance(item, InputProblem):
            self.fail(ErrorRecord(item.doc_id, item.source, item.stage, item.message, item.line))
        elif item.doc_id in self.sink.done:
            self.summary.already_done += 1
        else:
            result = await self.result(item)
            if result is not None:
                if item.notes:
                    diagnostics = [*item.notes, *result.diagnostics]
                    result = result.model_copy(update={"diagnostics": diagnostics})
                self.sink.write(result)
                self.summary.extracted += 1
                self.summary.events += len(result.events)
        self.options.listener.update(self.summary)

    async def result(self, doc: Document) -> DocumentResult | None:
        if self.options.prefilter:
            relevant, score = _relevance(doc.text)
            if not relevant:
                self.summary.prefiltered += 1
                return self.prefiltered(doc, score)
        key = cache_key(self.extractor, doc) if self.cache else None
        if self.cache and key and (cached := self.cache.get(key)) is not None:
            self.summary.from_cache += 1
            note = Diagnostic(code="from_cache", message="result from the response cache")
            return cached.model_copy(
                update={
                    "doc_id": doc.doc_id,
                    "usage": Usage(),
                    "diagnostics": [*cached.diagnostics, note],
                }
            )
        try:
            result = await self.extractor.aextract(
                doc.text, published=doc.published, doc_id=doc.doc_id
            )
        except ConfigurationError:
            raise
        except LLMExtractError as exc:
            self.fail(self.extract_error(doc, exc.detail, exc))
            return None
        except Exception as exc:  # one document's bug must not end a 10,000-document run
            log.debug("unexpected error in document %r", doc.doc_id, exc_info=True)
            self.fail(self.extract_error(doc, f"unexpected error: {excerpt(repr(exc))}", exc))
            return None
        self.summary.usage = self.summary.usage + result.usage
        if self.cache and key:
            self.cache.put(key, result.model_copy(update={"doc_id": None}))
        return result

    def prefiltered(self, doc: Document, score: float) -> DocumentResult:
        note = Diagnostic(
            code="prefiltered",
            message=f"the relevance pre-filter found no sign of a strike (score {score:.2f}); "
            "not sent to the model",
        )
        return DocumentResult(
            doc_id=doc.doc_id,
            published=doc.published,
            diagnostics=[note],
            backend=self.extractor.backend,
            model=self.extractor.model,
            prompt_version=self.extractor.prompt_version,
        )

    def extract_error(self, doc: Document, message: str, exc: BaseException) -> ErrorRecord:
        return ErrorRecord(
            doc.doc_id, doc.source or None, "extract", message, doc.line, type(exc).__name__
        )

    def fail(self, record: ErrorRecord) -> None:
        self.sink.error(record)
        self.summary.failed += 1


async def arun(
    documents: Iterable[Document | InputProblem],
    extractor: SupportsExtract,
    sink: ResultSink,
    options: RunOptions | None = None,
) -> RunSummary:
    """Extract every document into ``sink``, ``options.concurrency`` at a time.

    Documents are pulled from ``documents`` lazily, so memory does not grow with the
    corpus. Cancelling (Ctrl-C) leaves every finished document written.
    """
    options = options or RunOptions()
    if options.concurrency < 1:
        raise ConfigurationError(f"concurrency must be at least 1, not {options.concurrency}")
    summary = RunSummary(model=extractor.model)
    state = _Run(extractor, sink, options, summary)
    items: Iterator[Document | InputProblem] = iter(documents)

    async def worker() -> None:
        # Workers share one iterator: next() never awaits, so no two take the same item.
        for item in items:
            await state.handle(item)

    started = time.perf_counter()
    options.listener.start(options.expected)
    tasks = [asyncio.create_task(worker()) for _ in range(options.concurrency)]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        summary.interrupted = True
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    finally:
        summary.seconds = time.perf_counter() - started
        options.listener.finish(summary)
    return summary


def run(
    documents: Iterable[Document | InputProblem],
    extractor: SupportsExtract,
    sink: ResultSink,
    options: RunOptions | None = None,
) -> RunSummary:
    """Synchronous :func:`arun`; closes the extractor's HTTP client at the end."""

    async def main() -> RunSummary:
        try:
            return await arun(documents, extractor, sink, options)
        finally:
            aclose = getattr(extractor, "aclose", None)
            if aclose is not None:
                await aclose()

    return asyncio.run(main())


# -- dry run -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedDocument:
    """What a run would do with one document."""

    doc_id: str | None
    source: str
    action: str  # send | cached | already done | pre-filtered | too large | unreadable
    chars: int = 0
    prompt_tokens: int = 0
    note: str = ""


@dataclass
class PlanTotals:
    documents: int = 0
    to_send: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model: str | None = None
    actions: dict[str, int] = field(default_factory=dict)

    @property
    def cost(self) -> float | None:
        return pricing.cost(self.model, self.prompt_tokens, self.completion_tokens)

    def add(self, planned: PlannedDocument) -> None:
        self.documents += 1
        self.actions[planned.action] = self.actions.get(planned.action, 0) + 1
        if planned.action == "send":
            self.to_send += 1
            self.prompt_tokens += planned.prompt_tokens
            self.completion_tokens += ESTIMATED_COMPLETION_TOKENS


def plan(
    documents: Iterable[Document | InputProblem],
    extractor: SupportsExtract,
    *,
    done: set[str] | None = None,
    cache: ResponseCache | None = None,
    prefilter: bool = False,
    totals: PlanTotals | None = None,
) -> Iterator[PlannedDocument]:
    """What a run would send, document by document, with token estimates; sends nothing."""
    done = done or set()
    prompts = getattr(extractor, "prompts", None)
    overhead = pricing.estimate_tokens(_joined(prompts.messages("", None))) if prompts else 0
    limit = getattr(extractor, "max_input_chars", None) if extractor.backend != "rules" else None
    for item in documents:
        planned = _plan_one(item, extractor, done, cache, prefilter, overhead, limit)
        if totals is not None:
            totals.add(planned)
        yield planned


def _joined(messages: list[dict[str, str]]) -> str:
    return "\n".join(m["content"] for m in messages)


def _plan_one(
    item: Document | InputProblem,
    extractor: SupportsExtract,
    done: set[str],
    cache: ResponseCache | None,
    prefilter: bool,
    overhead: int,
    limit: int | None,
) -> PlannedDocument:
    if isinstance(item, InputProblem):
        return PlannedDocument(item.doc_id, item.source, "unreadable", note=item.message)
    chars = len(item.text)
    tokens = overhead + pricing.estimate_tokens(item.text) if extractor.model else 0

    def planned(action: str, note: str = "", tokens: int = 0) -> PlannedDocument:
        return PlannedDocument(item.doc_id, item.source, action, chars, tokens, note)

    if item.doc_id in done:
        return planned("already done")
    if limit is not None and chars > limit:
        return planned("too large", f"{chars:,} characters, over the {limit:,} of one request")
    if prefilter:
        relevant, score = _relevance(item.text)
        if not relevant:
            return planned("pre-filtered", f"relevance score {score:.2f}")
    if cache is not None and extractor.backend != "rules":
        hit = cache.get(cache_key(extractor, item)) is not None
        return planned("cached") if hit else planned("send", tokens=tokens)
    return planned("send", tokens=tokens)
