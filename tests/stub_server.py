"""A local OpenAI-compatible chat-completions server for tests and benchmarks.

It listens on 127.0.0.1 (a free port by default), waits ``delay`` seconds, then answers
each ``POST .../chat/completions`` with what instructor expects: in tools mode a tool
call named after the requested function, in the JSON modes a message whose content is
the JSON. The answer's events come from ``responder(article)`` (default: no events).

Faults are injected at configurable rates, each request drawing one outcome:

==================  ===========================================================
``rate_limit``      429 with ``Retry-After: retry_after``
``server_error``    500
``unavailable``     503
``hang``            no answer for ``hang_seconds`` (past the client's timeout)
``drop``            the connection is closed without an answer
``garbled``         HTTP 200 whose body is not JSON
``malformed``       a tool call whose arguments are not valid JSON
``length``          a truncated reply, ``finish_reason: length``
``schema``          a tool call that violates the schema
``bad_quotes``      an event whose quotes are not in the article
==================  ===========================================================

Run it on its own (benchmarks): ``python -m tests.stub_server --delay 0.3``; it prints
``READY <base url>`` and serves until interrupted.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULTS = (
    "rate_limit",
    "server_error",
    "unavailable",
    "hang",
    "drop",
    "garbled",
    "malformed",
    "length",
    "schema",
    "bad_quotes",
)
Responder = Callable[[str], list[dict[str, Any]]]
ARTICLE_START = "<<<ARTICLE\n"
ARTICLE_END = "\nARTICLE>>>"
NOT_IN_ANY_ARTICLE = "Quote that appears in no article at all, zqxj."


def no_events(article: str) -> list[dict[str, Any]]:
    return []


def first_sentence_event(article: str) -> list[dict[str, Any]]:
    """One event whose evidence quotes the article's first sentence (benchmarks: exercises
    grounding on every document)."""
    end = article.find(". ")
    sentence = article[: end + 1] if end > 0 else article[:200]
    return [
        {
            "strike_type": "air_strike",
            "status": "occurred",
            "role": "main",
            "summary": "A strike.",
            "evidence": [sentence.strip()],
        }
    ]


RESPONDERS: dict[str, Responder] = {"none": no_events, "quoted": first_sentence_event}


@dataclass
class StubConfig:
    """How the server behaves; change it between requests (tests do, mid-run)."""

    delay: float = 0.0
    faults: dict[str, float] = field(default_factory=dict)  # fault name -> probability
    retry_after: float = 0.0
    hang_seconds: float = 30.0
    responder: Responder = no_events
    seed: int = 0

    def __post_init__(self) -> None:
        unknown = set(self.faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}; known: {FAULTS}")
        if sum(self.faults.values()) > 1:
            raise ValueError("fault rates add up to more than 1")


def article_of(body: dict[str, Any]) -> str:
    """The article in a request: the last user message, inside the prompt's fences."""
    users = [m for m in body.get("messages", []) if m.get("role") == "user"]
    content = users[-1].get("content", "") if users else ""
    if isinstance(content, list):  # content parts
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    start, end = content.find(ARTICLE_START), content.rfind(ARTICLE_END)
    if start >= 0 and end > start:
        return str(content[start + len(ARTICLE_START) : end])
    return str(content)


def _function_name(body: dict[str, Any]) -> str | None:
    choice = body.get("tool_choice")
    if isinstance(choice, dict) and choice.get("function", {}).get("name"):
        return str(choice["function"]["name"])
    tools = body.get("tools") or []
    return str(tools[0]["function"]["name"]) if tools else None


def completion(
    body: dict[str, Any], arguments: str, *, finish_reason: str | None = None
) -> dict[str, Any]:
    """A chat completion answering ``body`` with ``arguments``: a tool call when tools
    were requested, else message content."""
    name = _function_name(body)
    prompt_chars = sum(len(str(m.get("content") or "")) for m in body.get("messages", []))
    if name is not None:
        message: dict[str, Any] = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_stub",
                    "type": "function",
                    "function": {"name": name, "arguments": arguments},
                }
            ],
        }
    else:
        message = {"role": "assistant", "content": arguments}
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "stub"),
        "choices": [
            {
                "index": 0,
                "finish_reason": finish_reason or ("tool_calls" if name else "stop"),
                "message": message,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_chars // 4,
            "completion_tokens": len(arguments) // 4,
            "total_tokens": prompt_chars // 4 + len(arguments) // 4,
        },
    }


def _bad_quote_events() -> list[dict[str, Any]]:
    return [
        {
            "strike_type": "air_strike",
            "status": "occurred",
            "role": "main",
            "evidence": [NOT_IN_ANY_ARTICLE],
        }
    ]


class StubServer:
    """The server, run in background threads; use as a context manager."""

    def __init__(self, config: StubConfig | None = None, *, port: int = 0) -> None:
        self.config = config or StubConfig()
        self.outcomes: Counter[str] = Counter()
        self._rng = random.Random(self.config.seed)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", port), _Handler)
        self._httpd.stub = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL to give the client (``--base-url``)."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    @property
    def requests(self) -> int:
        """Chat-completion requests received so far."""
        return sum(self.outcomes.values())

    def start(self) -> StubServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes hanging handlers
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def draw(self) -> str:
        """The outcome of the next request, counted."""
        with self._lock:
            roll = self._rng.random()
            outcome = "ok"
            for name in FAULTS:
                rate = self.config.faults.get(name, 0.0)
                if roll < rate:
                    outcome = name
                    break
                roll -= rate
            self.outcomes[outcome] += 1
            return outcome

    def wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many clients connect at once at the start of a run
    stub: StubServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real endpoints
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests and benchmarks read counters, not logs

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._json(404, {"error": {"message": f"no route {self.path}"}})
            return
        stub = self.server.stub
        config = stub.config
        outcome = stub.draw()
        if config.delay:
            stub.wait(config.delay)
        try:
            body = json.loads(raw)
        except ValueError:
            self._json(400, {"error": {"message": "request body is not JSON"}})
            return
        self._answer(outcome, body, config)

    def _answer(self, outcome: str, body: dict[str, Any], config: StubConfig) -> None:
        if outcome == "rate_limit":
            headers = {"Retry-After": f"{config.retry_after:g}"}
            self._json(429, _error("rate limited (stub)", "rate_limit_exceeded"), headers)
        elif outcome in ("server_error", "unavailable"):
            status = 500 if outcome == "server_error" else 503
            self._json(status, _error(f"{outcome} (stub)", "server_error"))
        elif outcome == "hang":
            self.server.stub.wait(config.hang_seconds)
            self._drop()
        elif outcome == "drop":
            self._drop()
        elif outcome == "garbled":
            self._raw(200, b'{"id": "chatcmpl-stub", "choices": [{"index": 0, "mess')
        elif outcome == "malformed":
            self._json(200, completion(body, '{"events": [{"strike_type": "air_'))
        elif outcome == "length":
            self._json(200, completion(body, '{"events": [{"str', finish_reason="length"))
        elif outcome == "schema":
            events = [{"strike_type": "nuclear_strike", "status": "rumoured"}]
            self._json(200, completion(body, json.dumps({"events": events})))
        elif outcome == "bad_quotes":
            self._json(200, completion(body, json.dumps({"events": _bad_quote_events()})))
        else:
            events = config.responder(article_of(body))
            self._json(200, completion(body, json.dumps({"events": events})))

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._raw(status, json.dumps(payload).encode(), headers)

    def _raw(self, status: int, data: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True  # the client gave up (timeout): nothing to do

    def _drop(self) -> None:
        self.close_connection = True
        with suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


def _error(message: str, code: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": code, "code": code}}


@contextmanager
def running(config: StubConfig | None = None) -> Iterator[StubServer]:
    """A started server, stopped on exit."""
    server = StubServer(config)
    with server:
        yield server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument(
        "--fault", action="append", default=[], metavar="NAME=RATE", help=f"one of {FAULTS}"
    )
    parser.add_argument("--retry-after", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--events", choices=sorted(RESPONDERS), default="none", help="what the model answers"
    )
    args = parser.parse_args()
    faults = {name: float(rate) for name, rate in (f.split("=", 1) for f in args.fault)}
    config = StubConfig(
        delay=args.delay,
        faults=faults,
        retry_after=args.retry_after,
        seed=args.seed,
        responder=RESPONDERS[args.events],
    )
    with running(config) as server:
        print(f"READY {server.url}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
