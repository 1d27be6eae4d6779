"""The model path end to end, replayed from cassettes (see cassettes/README.md)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from pathlib import Path

import httpx2
import pytest
from pydantic import SecretStr

from llmextract import (
    Extractor,
    InvalidOutputError,
    LLMSettings,
    TransportError,
    TruncatedOutputError,
)
from llmextract.llm import Mode
from tests.scripted_cassettes import ALBU_KAMAL_EVENTS, events_json, tool_reply

DATA = Path(__file__).parent / "data"
ALBU_KAMAL = (DATA / "albu-kamal.txt").read_text(encoding="utf-8")
DOCK_STRIKE = (DATA / "dock-strike.txt").read_text(encoding="utf-8")
PUBLISHED = "2021-02-26"
TEST_KEY = "test-key-not-a-secret"


class Capture:
    """Keeps the JSON body of every request the client sends."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []

    def hook(self, request: httpx2.Request) -> None:
        self.bodies.append(json.loads(request.content))

    async def ahook(self, request: httpx2.Request) -> None:
        self.hook(request)

    def reask_text(self, n: int) -> str:
        """Everything the n-th request said after the article (the re-ask turns)."""
        return json.dumps(self.bodies[n]["messages"][-2:], ensure_ascii=False)


def settings(**overrides) -> LLMSettings:
    # Re-recording (cassettes/README.md) sets these; replay never needs a real key.
    values = {
        "model": os.environ.get("LLMEXTRACT_RECORD_MODEL", "gpt-4.1-mini"),
        "api_key": SecretStr(os.environ.get("LLMEXTRACT_RECORD_API_KEY", TEST_KEY)),
        "max_backoff": 0.2,
    } | overrides
    return LLMSettings(**values)


def extractor(capture: Capture, **overrides) -> Extractor:
    return Extractor(
        "openai",
        settings=settings(**overrides),
        http_client=httpx2.Client(event_hooks={"request": [capture.hook]}),
        async_http_client=httpx2.AsyncClient(event_hooks={"request": [capture.ahook]}),
    )


@pytest.fixture
def capture() -> Capture:
    return Capture()


def assert_grounded(result, source: str) -> None:
    for event in result.events:
        for span in event.spans():
            assert source[span.start : span.end] == span.text


@pytest.mark.vcr
@pytest.mark.cassette("multi_event_tools")
def test_article_with_several_events_gives_grounded_events(capture):
    result = extractor(capture).extract(ALBU_KAMAL, published=PUBLISHED, doc_id="albu-kamal")

    assert [(e.role, e.strike_type) for e in result.events] == [
        ("main", "air_strike"),
        ("related", "rocket_attack"),
    ]
    assert_grounded(result, ALBU_KAMAL)
    main, related = result.events
    assert main.date is not None and main.date.start.isoformat() == "2021-02-25"
    assert main.attacker is not None and main.attacker.quote.text == "The US military"
    assert main.fatalities is not None and (main.fatalities.min, main.fatalities.max) == (1, 22)
    assert related.location is not None and related.location.countries == ["IRQ"]
    assert result.diagnostics == []
    assert (result.usage.calls, result.usage.prompt_tokens) == (1, 1600)
    assert result.backend == "openai" and result.model == "gpt-4.1-mini"
    assert result.prompt_version and result.prompt_version.startswith("strike-v1+")
    assert capture.bodies[0]["tools"][0]["function"]["name"] == "Extraction"


@pytest.mark.vcr
@pytest.mark.cassette("multi_event_md_json_local")
def test_local_server_in_json_mode_gives_the_same_events(capture, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    local = extractor(
        capture,
        base_url="http://localhost:11434/v1",
        api_key=None,
        mode=Mode.MD_JSON,
        model="llama3.1:8b",
    )
    result = local.extract(ALBU_KAMAL, published=PUBLISHED)

    assert_grounded(result, ALBU_KAMAL)
    assert len(result.events) == 2
    assert "tools" not in capture.bodies[0]
    assert capture.bodies[0]["model"] == "llama3.1:8b"


@pytest.mark.vcr
@pytest.mark.cassette("no_events")
def test_article_without_strikes_gives_no_events(capture):
    result = extractor(capture).extract(DOCK_STRIKE, published="2024-05-14")
    assert result.events == []
    assert result.diagnostics == []


@pytest.mark.vcr
@pytest.mark.cassette("invalid_json_then_valid")
def test_invalid_json_is_reasked_and_usage_counts_both_calls(capture):
    result = extractor(capture).extract(ALBU_KAMAL, published=PUBLISHED)

    assert len(result.events) == 2
    assert len(capture.bodies) == 2
    assert result.usage.calls == 2
    assert result.usage.prompt_tokens == 1600 + 1700
    assert "Recall the function correctly" in capture.reask_text(1)


@pytest.mark.vcr
@pytest.mark.cassette("quote_fixed_on_reask")
def test_quote_not_in_text_is_reasked_with_the_grounding_error(capture):
    result = extractor(capture).extract(ALBU_KAMAL, published=PUBLISHED)

    reask = capture.reask_text(1)
    assert "events[0].attacker: quote not found in the article" in reask
    assert "The American military" in reask
    assert result.events[0].attacker is not None
    assert result.events[0].attacker.quote.text == "The US military"
    assert result.diagnostics == []


@pytest.mark.vcr
@pytest.mark.cassette("quote_never_corrected")
def test_value_never_supported_is_dropped_with_a_diagnostic(capture):
    result = extractor(capture).extract(ALBU_KAMAL, published=PUBLISHED)

    assert len(capture.bodies) == 3  # first try and two re-asks, then accepted with drops
    main = result.events[0]
    assert [c.low for c in main.casualties] == [1]
    assert [(d.code, d.event, d.field) for d in result.diagnostics] == [
        ("value_unsupported", 0, "casualties.0.low")
    ]
    assert main.fatalities is not None and main.fatalities.min == 1


@pytest.mark.vcr
@pytest.mark.cassette("rate_limited_then_ok")
def test_rate_limit_waits_as_the_server_asks_then_succeeds(capture, caplog):
    with caplog.at_level(logging.INFO, logger="llmextract"):
        result = extractor(capture).extract(ALBU_KAMAL, published=PUBLISHED)

    assert len(capture.bodies) == 2
    assert result.usage.calls == 1
    assert len(result.events) == 2
    assert "HTTP 429" in caplog.text
    assert "in 0.1s" in caplog.text or "in 0.2s" in caplog.text  # retry-after-ms: 150


@pytest.mark.vcr
@pytest.mark.cassette("server_error_then_ok")
def test_server_error_is_retried(capture):
    result = extractor(capture).extract(ALBU_KAMAL, published=PUBLISHED)
    assert len(capture.bodies) == 2
    assert len(result.events) == 2


@pytest.mark.vcr
@pytest.mark.cassette("truncated_reply")
def test_truncated_reply_is_a_typed_error_that_names_the_document(capture):
    with pytest.raises(TruncatedOutputError) as info:
        extractor(capture).extract(ALBU_KAMAL, published=PUBLISHED, doc_id="albu-kamal")
    message = str(info.value)
    assert "albu-kamal" in message and "token limit" in message
    assert len(capture.bodies) == 1  # truncation is not re-asked
    assert ALBU_KAMAL[:60] not in message


@pytest.mark.vcr
@pytest.mark.cassette("multi_event_tools")
def test_async_path_gives_grounded_events(capture):
    async def run():
        ex = extractor(capture)
        try:
            return await ex.aextract(ALBU_KAMAL, published=PUBLISHED)
        finally:
            await ex.aclose()

    result = asyncio.run(run())
    assert [e.role for e in result.events] == ["main", "related"]
    assert_grounded(result, ALBU_KAMAL)
    assert result.usage.calls == 1


def _mock_client(handler, capture: Capture) -> httpx2.Client:
    return httpx2.Client(
        transport=httpx2.MockTransport(handler), event_hooks={"request": [capture.hook]}
    )


def _json_response(reply: dict) -> httpx2.Response:
    return httpx2.Response(
        reply["status"]["code"],
        headers={k: v[0] for k, v in reply["headers"].items()},
        content=reply["body"]["string"].encode(),
    )


@pytest.mark.parametrize("marker", ["{{ article }}", "{% raw %}", "{# note #}", "}} {{"])
def test_article_reaches_the_model_byte_for_byte(marker, capture):
    article = f"{ALBU_KAMAL}\nEditor's note: {marker} stays as written.\n"
    client = _mock_client(lambda request: _json_response(tool_reply(events_json([]))), capture)
    ex = Extractor("openai", settings=settings(), http_client=client)

    ex.extract(article, published=PUBLISHED)

    last_user = capture.bodies[0]["messages"][-1]["content"]
    assert article in last_user


@pytest.mark.parametrize("mode", ["tools", "json_schema", "md_json"])
def test_the_request_is_what_openais_create_would_send(mode):
    """The client posts the request body as is (llm._post_arguments); openai's typed
    create() must send the same JSON and the same headers for it."""
    sent: list[httpx2.Request] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        return _json_response(tool_reply(events_json([])))

    ours = Extractor(
        "openai",
        settings=settings(mode=mode, validation_retries=0),
        http_client=httpx2.Client(transport=httpx2.MockTransport(answer)),
    )
    with contextlib.suppress(InvalidOutputError):  # the JSON modes want content, not a tool
        ours.extract(ALBU_KAMAL, published=PUBLISHED)
    body = json.loads(sent[0].content)

    import openai

    theirs = openai.OpenAI(
        api_key=TEST_KEY, http_client=httpx2.Client(transport=httpx2.MockTransport(answer))
    )
    theirs.chat.completions.create(**body)

    assert json.loads(sent[1].content) == body
    ignored = {"x-stainless-retry-count", "x-stainless-read-timeout", "content-length"}
    assert {k: v for k, v in sent[0].headers.items() if k not in ignored} == {
        k: v for k, v in sent[1].headers.items() if k not in ignored
    }
    assert sent[0].url == sent[1].url


def test_transport_retries_stop_at_the_configured_attempts(capture):
    client = _mock_client(
        lambda request: httpx2.Response(503, json={"error": {"message": "down"}}), capture
    )
    ex = Extractor(
        "openai", settings=settings(transport_attempts=3, max_backoff=0.01), http_client=client
    )
    with pytest.raises(TransportError, match="HTTP 503"):
        ex.extract(ALBU_KAMAL, published=PUBLISHED, doc_id="d1")
    assert len(capture.bodies) == 3


def test_client_errors_are_not_retried(capture):
    client = _mock_client(
        lambda request: httpx2.Response(401, json={"error": {"message": "bad key"}}), capture
    )
    ex = Extractor("openai", settings=settings(), http_client=client)
    with pytest.raises(TransportError, match="rejected the API key"):
        ex.extract(ALBU_KAMAL, published=PUBLISHED)
    assert len(capture.bodies) == 1


def test_the_api_key_is_sent_only_in_the_authorization_header():
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return _json_response(tool_reply(events_json([])))

    client = httpx2.Client(transport=httpx2.MockTransport(handler))
    Extractor("openai", settings=settings(), http_client=client).extract(ALBU_KAMAL)

    assert seen[0].headers["authorization"] == f"Bearer {TEST_KEY}"
    assert TEST_KEY not in seen[0].content.decode()
    assert TEST_KEY not in repr(settings())


def test_missing_publication_date_leaves_relative_dates_unresolved(capture):
    client = _mock_client(
        lambda request: _json_response(tool_reply(events_json(ALBU_KAMAL_EVENTS))), capture
    )
    result = Extractor("openai", settings=settings(), http_client=client).extract(ALBU_KAMAL)

    main = result.events[0]
    assert (
        main.date is not None and main.date.start is None and main.date.quote.text == "on Thursday"
    )
    codes = {(d.code, d.event) for d in result.diagnostics}
    assert ("date_unresolved", 0) in codes and ("no_publication_date", None) in codes
    assert "Publication date: unknown" in capture.bodies[0]["messages"][-1]["content"]
