"""The API key never reaches logs, exceptions or results (cassettes: test_cassettes.py)."""

from __future__ import annotations

import logging

import httpx2
import pytest
from pydantic import SecretStr

from llmextract import Extractor, LLMExtractError, LLMSettings
from tests.scripted_cassettes import events_json, tool_reply

KEY = "sk-proj-" + "Zq8" * 16


def extractor(statuses: list[int]) -> Extractor:
    """A scripted endpoint answering the given statuses in turn, then a valid reply."""
    answers = iter(statuses)

    def answer(request: httpx2.Request) -> httpx2.Response:
        assert request.headers["authorization"] == f"Bearer {KEY}"  # the key is used...
        status = next(answers, 200)
        if status != 200:
            # Servers quote the key back in errors; OpenAI does so, partly masked.
            return httpx2.Response(status, json={"error": {"message": f"bad key {KEY}"}})
        return httpx2.Response(200, content=tool_reply(events_json([]))["body"]["string"].encode())

    settings = LLMSettings(model="m", api_key=SecretStr(KEY), max_backoff=0.01)
    return Extractor(
        "openai",
        settings=settings,
        http_client=httpx2.Client(transport=httpx2.MockTransport(answer)),
    )


def test_debug_logs_never_show_the_key(caplog):
    with caplog.at_level(logging.DEBUG):
        result = extractor([500, 429]).extract("A missile struck Kyiv on Monday.", doc_id="d")
    assert caplog.records, "expected debug logging from the HTTP stack"
    assert KEY not in caplog.text  # ...but never shown
    assert KEY not in result.model_dump_json()


@pytest.mark.parametrize("status", [401, 403, 400, 500])
def test_errors_never_carry_the_key_even_when_the_server_echoes_it(status, caplog):
    with caplog.at_level(logging.DEBUG), pytest.raises(LLMExtractError) as info:
        extractor([status] * 10).extract("A missile struck Kyiv on Monday.", doc_id="d")
    error = info.value
    assert KEY not in str(error) and KEY not in repr(error)
    assert KEY not in caplog.text
    assert "document 'd'" in str(error)


def test_settings_and_extractor_reprs_hide_the_key():
    ex = extractor([])
    assert KEY not in repr(ex.settings) and KEY not in str(ex.settings)
    assert KEY not in ex.settings.model_dump_json()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"key {KEY} rejected", "key *** rejected"),
        ("Authorization: Bearer abcdefgh12345678", "Authorization: Bearer ***"),
        ("my-local-key used", "*** used"),
        ("nothing secret here", "nothing secret here"),
    ],
)
def test_mask_secrets_masks_known_and_key_shaped_strings(text, expected):
    from llmextract.llm import mask_secrets

    assert mask_secrets(text, {"my-local-key"}) == expected
