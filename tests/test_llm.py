"""Settings resolution and the transport-retry policy, without any HTTP."""

from __future__ import annotations

import email.utils
import time

import httpx2
import openai
import pytest

from llmextract.errors import ConfigurationError
from llmextract.llm import DEFAULT_MODEL, LLMSettings, Mode, is_transient, retry_after_seconds


def status_error(code: int, headers: dict[str, str] | None = None) -> openai.APIStatusError:
    request = httpx2.Request("POST", "https://api.openai.com/v1/chat/completions")
    response = httpx2.Response(code, headers=headers or {}, request=request)
    return openai.APIStatusError("error", response=response, body=None)


def test_nothing_configured_means_no_model(no_model_env):
    assert LLMSettings.from_env() is None


def test_a_key_alone_selects_the_default_model(no_model_env, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "test-key-not-a-secret")
    settings = LLMSettings.from_env()
    assert settings is not None and settings.model == DEFAULT_MODEL
    assert "test-key-not-a-secret" not in repr(settings)


def test_arguments_win_over_the_environment(no_model_env, monkeypatch):
    monkeypatch.setenv("LLMEXTRACT_MODEL", "from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://localhost:11434/v1")
    settings = LLMSettings.from_env(model="from-arg", mode="json")
    assert settings is not None
    assert (settings.model, settings.mode, settings.api_key) == ("from-arg", Mode.JSON, None)
    assert settings.endpoint == "http://localhost:11434/v1"


def test_base_url_without_model_is_a_clear_error(no_model_env):
    with pytest.raises(ConfigurationError, match="no model"):
        LLMSettings.from_env(base_url="http://localhost:8000/v1")


def test_model_without_key_or_endpoint_is_a_clear_error(no_model_env):
    with pytest.raises(ConfigurationError, match="needs an endpoint"):
        LLMSettings.from_env(model="gpt-4.1")


def test_unknown_mode_lists_the_choices(no_model_env):
    with pytest.raises(ConfigurationError, match="md_json"):
        LLMSettings.from_env(model="m", base_url="http://localhost:1/v1", mode="xml")


@pytest.mark.parametrize(
    ("code", "transient"),
    [
        (408, True),
        (409, True),
        (429, True),
        (500, True),
        (503, True),
        (400, False),
        (401, False),
        (404, False),
        (422, False),
    ],
)
def test_which_status_codes_are_retried(code, transient):
    assert is_transient(status_error(code)) is transient


def test_connection_errors_and_timeouts_are_retried():
    request = httpx2.Request("POST", "https://example.invalid/v1/chat/completions")
    assert is_transient(openai.APIConnectionError(request=request))
    assert is_transient(openai.APITimeoutError(request=request))
    assert not is_transient(ValueError("not transport"))


def test_retry_after_in_seconds_milliseconds_and_as_a_date():
    assert retry_after_seconds(status_error(429, {"retry-after": "7"})) == 7.0
    assert retry_after_seconds(status_error(429, {"retry-after-ms": "250"})) == 0.25
    future = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 < (retry_after_seconds(status_error(503, {"retry-after": future})) or 0) <= 30
    assert retry_after_seconds(status_error(500)) is None
    assert retry_after_seconds(ValueError()) is None
