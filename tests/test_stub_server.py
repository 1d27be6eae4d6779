"""The stub server answers like an OpenAI-compatible endpoint, and injects what it claims."""

from __future__ import annotations

import asyncio
import json
import time

import httpx2
import pytest

from llmextract import Extractor, LLMSettings, TransportError
from tests.conftest import LOOPBACK
from tests.stub_server import (
    ARTICLE_END,
    ARTICLE_START,
    NOT_IN_ANY_ARTICLE,
    StubConfig,
    StubServer,
    running,
)

pytestmark = pytest.mark.block_network(allowed_hosts=[LOOPBACK])

TOOLS_REQUEST = {
    "model": "stub",
    "messages": [
        {"role": "system", "content": "Extract."},
        {
            "role": "user",
            "content": f"Article:\n{ARTICLE_START}Jets struck.{ARTICLE_END}",
        },
    ],
    "tools": [{"type": "function", "function": {"name": "Extraction", "parameters": {}}}],
    "tool_choice": {"type": "function", "function": {"name": "Extraction"}},
}


_CLIENT = httpx2.Client()  # one client: building one loads TLS settings (~70 ms)


def post(server: StubServer, body: dict = TOOLS_REQUEST, timeout: float = 5) -> httpx2.Response:
    return _CLIENT.post(f"{server.url}/chat/completions", json=body, timeout=timeout)


def only(fault: str, **config) -> StubConfig:
    return StubConfig(faults={fault: 1.0}, **config)


def arguments(response: httpx2.Response) -> str:
    return response.json()["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]


def test_answers_with_a_tool_call_named_after_the_requested_function(stub_server):
    stub_server.config.responder = lambda article: [{"seen": article}]

    response = post(stub_server)

    call = response.json()["choices"][0]["message"]["tool_calls"][0]
    assert call["function"]["name"] == "Extraction"
    assert json.loads(call["function"]["arguments"]) == {"events": [{"seen": "Jets struck."}]}
    assert response.json()["usage"]["prompt_tokens"] > 0


def test_answers_with_message_content_when_no_tools_are_requested(stub_server):
    body = {k: v for k, v in TOOLS_REQUEST.items() if k not in ("tools", "tool_choice")}

    choice = post(stub_server, body).json()["choices"][0]

    assert json.loads(choice["message"]["content"]) == {"events": []}
    assert choice["finish_reason"] == "stop"


def test_waits_the_configured_delay(stub_server):
    stub_server.config.delay = 0.2
    started = time.perf_counter()

    post(stub_server)

    assert time.perf_counter() - started >= 0.2


@pytest.mark.parametrize(
    ("fault", "status"), [("rate_limit", 429), ("server_error", 500), ("unavailable", 503)]
)
def test_error_statuses(fault, status):
    with running(only(fault, retry_after=7)) as server:
        response = post(server)

    assert response.status_code == status
    assert (response.headers.get("retry-after") == "7") == (fault == "rate_limit")


def test_drop_closes_the_connection_without_an_answer():
    with running(only("drop")) as server, pytest.raises(httpx2.RemoteProtocolError):
        post(server)


def test_hang_outlasts_the_client_timeout_and_stopping_ends_it():
    with running(only("hang", hang_seconds=60)) as server:
        with pytest.raises(httpx2.ReadTimeout):
            post(server, timeout=0.3)
        started = time.perf_counter()
    assert time.perf_counter() - started < 5


def test_garbled_body_is_not_json():
    with running(only("garbled")) as server:
        response = post(server)

    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()


def parses(arguments: str) -> dict | None:
    try:
        return json.loads(arguments)
    except ValueError:
        return None


def test_malformed_and_truncated_tool_arguments_are_not_json():
    for fault, finish in (("malformed", "tool_calls"), ("length", "length")):
        with running(only(fault)) as server:
            response = post(server)
        assert parses(arguments(response)) is None
        assert response.json()["choices"][0]["finish_reason"] == finish


def test_schema_violation_and_bad_quotes_are_valid_json_with_bad_content():
    with running(only("schema")) as server:
        [event] = json.loads(arguments(post(server)))["events"]
    assert event["strike_type"] == "nuclear_strike" and "evidence" not in event

    with running(only("bad_quotes")) as server:
        [event] = json.loads(arguments(post(server)))["events"]
    assert event["evidence"] == [NOT_IN_ANY_ARTICLE]


def test_fault_rates_are_respected_and_counted():
    config = StubConfig(faults={"server_error": 0.3, "rate_limit": 0.2}, seed=1)
    with running(config) as server:
        statuses = [post(server).status_code for _ in range(200)]

    assert server.outcomes["server_error"] == statuses.count(500)
    assert server.outcomes["rate_limit"] == statuses.count(429)
    assert 40 <= statuses.count(500) <= 80 and 20 <= statuses.count(429) <= 60
    assert server.requests == 200


def test_unknown_faults_and_rates_over_one_are_refused():
    with pytest.raises(ValueError, match="unknown faults"):
        StubConfig(faults={"meteor": 0.1})
    with pytest.raises(ValueError, match="more than 1"):
        StubConfig(faults={"drop": 0.6, "hang": 0.6})


def extractor_for(server: StubServer, **settings) -> Extractor:
    values = {"model": "stub", "base_url": server.url, "max_backoff": 0.05, "timeout": 2.0}
    return Extractor("openai", settings=LLMSettings(**(values | settings)))


def test_the_real_client_in_tools_mode_gets_its_answer(stub_server):
    result = extractor_for(stub_server).extract("Jets struck a depot.", doc_id="a")

    assert result.events == [] and result.usage.calls == 1
    assert stub_server.outcomes == {"ok": 1}


def test_the_real_client_retries_past_injected_transport_faults():
    config = StubConfig(faults={"rate_limit": 0.3, "unavailable": 0.2, "drop": 0.2}, seed=3)
    with running(config) as server:
        extractor = extractor_for(server, transport_attempts=10)

        async def many() -> list:
            texts = [f"Jets struck depot {i}." for i in range(10)]
            try:
                return await asyncio.gather(*(extractor.aextract(t) for t in texts))
            finally:
                await extractor.aclose()

        results = asyncio.run(many())

    assert len(results) == 10
    assert server.outcomes["ok"] == 10 and server.requests > 10


def test_transport_failures_past_the_retry_bound_are_a_transport_error():
    with running(only("server_error")) as server:
        extractor = extractor_for(server, transport_attempts=2)
        with pytest.raises(TransportError, match="HTTP 500"):
            extractor.extract("Jets struck a depot.")

    assert server.requests == 2
