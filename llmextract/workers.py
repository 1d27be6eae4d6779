"""Extraction spread over worker processes, for runs one core cannot keep up with.

A model call costs about 10 ms of CPU in instructor and openai (benchmarks/RESULTS.md), so
one event loop tops out near 90 documents a second however many requests are in flight.
:class:`ProcessPoolExtractor` sends documents to child processes, each running a whole
:class:`~llmextract.extract.Extractor` on its own event loop; the parent keeps reading,
caching, resuming and writing, so a run's guarantees do not change.

Parent and child speak JSON lines: the child reads the settings, then one request per
document, from its stdin, and answers each by id, in completion order, on its stdout (its
fd 1 is pointed at stderr first, so that nothing a library prints can corrupt the stream).
A child ignores Ctrl-C and exits when its stdin closes, so an interrupted or killed parent
leaves no children behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import json
import os
import signal
import sys
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel

import llmextract
from llmextract import errors
from llmextract.errors import ConfigurationError, LLMExtractError, excerpt
from llmextract.extract import Extractor, coerce_date
from llmextract.llm import LLMSettings
from llmextract.ratelimit import RateLimiter, rate_limited_http_client
from llmextract.schema import DocumentResult

# One process keeps about this many local-server requests busy before its CPU is the limit.
REQUESTS_PER_WORKER = 16
LINE_LIMIT = 64 * 1024 * 1024  # longest line either side reads (asyncio's default: 64 KiB)
STOP_SECONDS = 5.0  # how long a closing child may take before it is killed


def local_extractor(
    backend: str | None, settings: LLMSettings | None, rpm: float | None = None
) -> Extractor:
    """An in-process extractor whose HTTP requests are spaced to at most ``rpm`` a minute."""
    client = rate_limited_http_client(RateLimiter(rpm)) if rpm and settings else None
    return Extractor(backend, settings=settings, async_http_client=client)


def auto_workers(backend: str, concurrency: int) -> int:
    """Processes for a run: one per :data:`REQUESTS_PER_WORKER` requests in flight, at most
    one per CPU. The rules backend and the modest concurrency of hosted APIs stay in one."""
    if backend == "rules":
        return 1
    return max(1, min(os.cpu_count() or 1, concurrency // REQUESTS_PER_WORKER))


class WorkerError(LLMExtractError):
    """A worker process exited, or failed in a way that is not an llmextract error."""


# -- the protocol ----------------------------------------------------------------------------


class _Setup(BaseModel):
    backend: str
    settings: LLMSettings | None
    rpm: float | None

    def to_line(self) -> bytes:
        setup = self.model_dump(mode="json")
        if self.settings is not None and self.settings.api_key is not None:
            # SecretStr dumps as stars; the child needs the key itself (sent on a pipe only).
            setup["settings"]["api_key"] = self.settings.api_key.get_secret_value()
        return json.dumps(setup).encode() + b"\n"


class _Request(BaseModel):
    id: int
    text: str
    published: dt.date | None = None
    doc_id: str | None = None


class _Reply(BaseModel):
    id: int = 0
    ready: bool = False
    result: DocumentResult | None = None
    error: str | None = None  # the class name of an llmextract error, or "unexpected"
    detail: str = ""

    def to_line(self) -> bytes:
        return self.model_dump_json(exclude_defaults=True).encode() + b"\n"

    def raised(self, doc_id: str | None) -> LLMExtractError:
        """The error the child reported, as the same llmextract error class."""
        kind = getattr(errors, self.error or "", None)
        if isinstance(kind, type) and issubclass(kind, LLMExtractError):
            return kind(self.detail, doc_id=doc_id)
        return WorkerError(f"unexpected error in a worker process: {self.detail}", doc_id=doc_id)


# -- the parent's side -------------------------------------------------------------------------


class _Worker:
    """One child process and the requests it is working on."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.pending: dict[int, asyncio.Future[_Reply]] = {}
        self._send_lock = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None

    @classmethod
    async def start(cls, setup: _Setup) -> _Worker:
        package_root = str(Path(llmextract.__file__).resolve().parent.parent)
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, path]))}
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "llmextract.workers",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
            limit=LINE_LIMIT,
        )
        worker = cls(process)
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(setup.to_line())
        first = await process.stdout.readline()
        reply = _Reply.model_validate_json(first) if first else None
        if reply is None or not reply.ready:
            await worker.stop()
            reason = reply.raised(None).detail if reply else "see the error above"
            raise ConfigurationError(
                f"a worker process could not start (exit code {process.returncode}): {reason}"
            )
        worker._reader = asyncio.create_task(worker._read_replies())
        return worker

    @property
    def alive(self) -> bool:
        return self.process.returncode is None and not (self._reader and self._reader.done())

    async def extract(self, request: _Request) -> _Reply:
        assert self.process.stdin is not None
        answer = asyncio.get_running_loop().create_future()
        self.pending[request.id] = answer
        try:
            async with self._send_lock:
                self.process.stdin.write(request.model_dump_json().encode() + b"\n")
                await self.process.stdin.drain()
            return await answer
        except (BrokenPipeError, ConnectionResetError):
            raise self._exited() from None
        finally:
            self.pending.pop(request.id, None)

    async def _read_replies(self) -> None:
        assert self.process.stdout is not None
        try:
            while line := await self.process.stdout.readline():
                reply = _Reply.model_validate_json(line)
                answer = self.pending.get(reply.id)
                if answer is not None and not answer.done():
                    answer.set_result(reply)
            await self.process.wait()
        finally:  # the child exited, or broke the protocol and is stopped here
            if self.process.returncode is None:
                self.process.kill()
            for answer in self.pending.values():
                if not answer.done():
                    answer.set_exception(self._exited())

    def _exited(self) -> WorkerError:
        code = self.process.returncode
        how = "stopped answering" if code is None else f"exited (code {code})"
        return WorkerError(f"the worker process {how} while extracting this document")

    async def stop(self) -> None:
        """Close the child's stdin and wait for it to finish; kill it if it does not."""
        if self.process.stdin is not None and not self.process.stdin.is_closing():
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), STOP_SECONDS)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)


class ProcessPoolExtractor(Extractor):
    """An :class:`Extractor` whose async extractions run in ``workers`` child processes.

    Metadata (backend, model, prompt version) and the synchronous :meth:`extract` are the
    parent's own; :meth:`aextract` sends the document to the least busy child. Children
    start on first use, a child that dies is replaced for the next document, and
    :meth:`aclose` stops them all. ``rpm`` is shared out evenly between the children.
    """

    def __init__(
        self,
        backend: str | None = None,
        *,
        settings: LLMSettings | None = None,
        workers: int = 2,
        rpm: float | None = None,
    ) -> None:
        if workers < 1:
            raise ConfigurationError(f"workers must be at least 1, not {workers}")
        super().__init__(backend, settings=settings)
        self.workers = workers
        share = rpm / workers if rpm else None
        self._setup = _Setup(backend=self.backend, settings=self.settings, rpm=share)
        self._pool: list[_Worker] = []
        self._ids = itertools.count(1)
        self._starting: asyncio.Lock | None = None

    @property
    def pids(self) -> list[int]:
        """Process ids of the worker processes running now (none before first use)."""
        return [w.process.pid for w in self._pool if w.alive]

    async def _least_busy(self) -> _Worker:
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            live = [w for w in self._pool if w.alive]
            await asyncio.gather(*(w.stop() for w in self._pool if not w.alive))
            missing = self.workers - len(live)
            if missing:
                started = await asyncio.gather(
                    *(_Worker.start(self._setup) for _ in range(missing)), return_exceptions=True
                )
                live += [w for w in started if isinstance(w, _Worker)]
                failure = next((e for e in started if isinstance(e, BaseException)), None)
                self._pool = live
                if failure is not None:
                    raise failure
        return min(self._pool, key=lambda w: len(w.pending))

    async def aextract(
        self, text: str, *, published: dt.date | str | None = None, doc_id: str | None = None
    ) -> DocumentResult:
        """Async :meth:`Extractor.extract`, in a worker process."""
        try:  # what the parent can check costs a worker nothing
            self._check_input(text)
            date = coerce_date(published)
        except LLMExtractError as exc:
            raise exc.for_document(doc_id) from None
        request = _Request(id=next(self._ids), text=text, published=date, doc_id=doc_id)
        worker = await self._least_busy()
        try:
            reply = await worker.extract(request)
        except WorkerError as exc:
            raise exc.for_document(doc_id) from None
        if reply.result is None:
            raise reply.raised(doc_id)
        return reply.result

    async def aclose(self) -> None:
        pool, self._pool, self._starting = self._pool, [], None
        await asyncio.gather(*(w.stop() for w in pool))
        await super().aclose()


# -- the child's side ------------------------------------------------------------------------


async def _serve(replies: BinaryIO) -> None:
    loop = asyncio.get_running_loop()
    requests = asyncio.StreamReader(limit=LINE_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(requests), sys.stdin)

    def send(reply: _Reply) -> None:
        replies.write(reply.to_line())
        replies.flush()

    setup = _Setup.model_validate_json(await requests.readline())
    try:
        extractor = local_extractor(setup.backend, setup.settings, setup.rpm)
    except LLMExtractError as exc:
        send(_Reply(error=type(exc).__name__, detail=exc.detail))
        return
    send(_Reply(ready=True))

    async def answer(request: _Request) -> None:
        try:
            result = await extractor.aextract(
                request.text, published=request.published, doc_id=request.doc_id
            )
            reply = _Reply(id=request.id, result=result)
        except LLMExtractError as exc:
            reply = _Reply(id=request.id, error=type(exc).__name__, detail=exc.detail)
        except Exception as exc:  # reported like the runner reports one document's bug
            reply = _Reply(id=request.id, error="unexpected", detail=excerpt(repr(exc)))
        send(reply)

    in_flight: set[asyncio.Task[None]] = set()
    try:
        while line := await requests.readline():
            task = asyncio.create_task(answer(_Request.model_validate_json(line)))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
    finally:
        for task in in_flight:
            task.cancel()
        await asyncio.gather(*in_flight, return_exceptions=True)
        await extractor.aclose()


def main() -> None:
    """Run as a worker: ``python -m llmextract.workers`` (started by the parent)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and closes stdin
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    with contextlib.suppress(BrokenPipeError):  # the parent is gone: nothing to answer
        asyncio.run(_serve(replies))


if __name__ == "__main__":
    main()
