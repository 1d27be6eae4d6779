"""The OpenAI-compatible model call, through instructor.

Two kinds of retry are kept apart here:

1. *transport* (408, 409, 429, 5xx, connection errors, timeouts): tenacity around each HTTP
   call, exponential backoff with jitter, honouring ``Retry-After``, bounded in attempts and
   total time. The openai client's own retries are off so that attempts do not multiply.
2. *validation*: instructor re-asks with the validation errors, ``validation_retries`` times.

The per-call :class:`CallState` (attempts so far, usage summed over every completion) is
visible to response-model validators through :func:`current_call`.
"""

from __future__ import annotations

import contextvars
import email.utils
import functools
import logging
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, Field, SecretStr
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_random_exponential,
)

from llmextract.errors import (
    BudgetExceededError,
    ConfigurationError,
    InvalidOutputError,
    LLMExtractError,
    RefusalError,
    TransportError,
    TruncatedOutputError,
    excerpt,
)
from llmextract.schema import Usage

if TYPE_CHECKING:
    import openai

# openai and instructor take about a second to import: they are imported where a model is
# actually called, so that `import llmextract` and the rules backend stay fast.

log = logging.getLogger("llmextract")

T = TypeVar("T", bound=BaseModel)

DEFAULT_MODEL = "gpt-4.1-mini"
OPENAI_ENDPOINT = "https://api.openai.com/v1"
# Local servers (Ollama, vLLM, llama.cpp) accept any key; the openai client insists on one.
LOCAL_PLACEHOLDER_KEY = "not-needed"
TRANSIENT_STATUS = frozenset({408, 409, 429})
DEFAULT_MAX_BACKOFF = 30.0  # seconds


class Mode(StrEnum):
    """How structured output is requested. The JSON modes are for local servers without
    tool calling."""

    TOOLS = "tools"
    JSON_SCHEMA = "json_schema"
    JSON = "json"
    MD_JSON = "md_json"


@functools.lru_cache(maxsize=32)
def _schema_model(response_model: type[BaseModel]) -> type[BaseModel]:
    """instructor's wrapper of ``response_model``, made once. Given the plain model,
    instructor builds a new wrapper class, and so a new JSON schema, on every call: about
    10 ms of CPU a document, most of the library's own time."""
    import instructor

    wrapped: type[BaseModel] = instructor.openai_schema(response_model)
    return wrapped


def _patched_create(create: Any, mode: Mode) -> Any:
    """``create`` wrapped by instructor: structured output and validation re-asks."""
    import instructor

    patched = instructor.patch(create=create, mode=instructor.Mode[mode.name])
    guard_library_logs()  # after the import, so that every library logger exists
    return patched


# -- keeping keys out of logs ---------------------------------------------------------------

_KEY_SHAPED = re.compile(r"sk-[A-Za-z0-9_-]{8,}|(?<=Bearer )[A-Za-z0-9._~+/=-]{8,}")
_LIBRARY_LOGGERS = ("instructor", "openai", "httpx", "httpx2", "httpcore")


def mask_secrets(text: str, secrets: set[str] | frozenset[str] = frozenset()) -> str:
    """``text`` with every known secret and anything shaped like an API key masked."""
    for secret in secrets:
        text = text.replace(secret, "***")
    return _KEY_SHAPED.sub("***", text)


class _MaskSecrets(logging.Filter):
    """Masks keys in the records of the HTTP and model libraries, whose messages can quote
    a server's error body verbatim (and servers echo keys back in authentication errors)."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message, self.secrets)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_secrets(record.exc_text, self.secrets)
        return True


_MASK = _MaskSecrets()


def guard_library_logs(secret: str | None = None) -> None:
    """Attach the key-masking filter to every library logger that exists now."""
    if secret:
        _MASK.secrets.add(secret)
    for name in list(logging.root.manager.loggerDict):
        if name.split(".")[0] in _LIBRARY_LOGGERS:
            logger = logging.getLogger(name)
            if _MASK not in logger.filters:
                logger.addFilter(_MASK)


class LLMSettings(BaseModel):
    """Everything needed to call one OpenAI-compatible endpoint."""

    model: str = Field(min_length=1)
    base_url: str | None = None
    api_key: SecretStr | None = None
    mode: Mode = Mode.TOOLS
    timeout: float = Field(default=60.0, gt=0, description="Seconds per HTTP request.")
    transport_attempts: int = Field(default=5, ge=1)
    transport_max_seconds: float = Field(
        default=180.0, gt=0, description="Give up transport retries once this much has passed."
    )
    max_backoff: float = Field(
        default=DEFAULT_MAX_BACKOFF, gt=0, description="Longest single wait."
    )
    validation_retries: int = Field(default=2, ge=0)
    token_budget: int | None = Field(
        default=60_000, gt=0, description="Tokens one document may use across re-asks."
    )
    temperature: float = 0.0
    max_tokens: int | None = 4096

    @property
    def endpoint(self) -> str:
        return (self.base_url or OPENAI_ENDPOINT).rstrip("/")

    @classmethod
    def from_env(
        cls,
        *,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        mode: str | Mode | None = None,
        **overrides: Any,
    ) -> LLMSettings | None:
        """Settings from arguments, then ``LLMEXTRACT_MODEL``, ``OPENAI_BASE_URL``,
        ``OPENAI_API_KEY`` and ``LLMEXTRACT_MODE``; ``None`` when no model is configured.

        A key alone selects :data:`DEFAULT_MODEL`; a ``base_url`` without a model is an error,
        since local servers have no default model name.
        """
        model = model or os.environ.get("LLMEXTRACT_MODEL") or None
        base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        api_key = api_key or os.environ.get("OPENAI_API_KEY") or None
        mode = mode or os.environ.get("LLMEXTRACT_MODE") or Mode.TOOLS
        if model is None:
            if base_url is not None:
                raise ConfigurationError(
                    f"a base URL ({base_url}) is set but no model: pass --model or set "
                    "LLMEXTRACT_MODEL to the name the server knows (e.g. llama3.1:8b)"
                )
            if api_key is None:
                return None
            model = DEFAULT_MODEL
        try:
            mode = Mode(mode)
        except ValueError:
            choices = ", ".join(m.value for m in Mode)
            raise ConfigurationError(f"unknown mode {mode!r}; choose one of {choices}") from None
        if api_key is None and base_url is None:
            raise ConfigurationError(
                f"model {model!r} needs an endpoint: set OPENAI_API_KEY for OpenAI, or "
                "OPENAI_BASE_URL / --base-url for a local OpenAI-compatible server"
            )
        secret = SecretStr(api_key) if api_key else None
        return cls(model=model, base_url=base_url, api_key=secret, mode=mode, **overrides)


@dataclass
class CallState:
    """One structured-output call: completions received so far and their summed usage."""

    max_attempts: int
    attempts: int = 0
    usage: Usage = field(default_factory=Usage)

    @property
    def on_final_attempt(self) -> bool:
        return self.attempts >= self.max_attempts

    def record(self, completion: Any) -> None:
        self.attempts += 1
        u = getattr(completion, "usage", None)
        self.usage = self.usage + Usage(
            calls=1,
            prompt_tokens=getattr(u, "prompt_tokens", 0) or 0,
            completion_tokens=getattr(u, "completion_tokens", 0) or 0,
        )


_current_call: contextvars.ContextVar[CallState | None] = contextvars.ContextVar(
    "llmextract_call", default=None
)


def current_call() -> CallState | None:
    """The structured-output call in progress in this context, if any."""
    return _current_call.get()


@contextmanager
def _call_scope(state: CallState) -> Iterator[CallState]:
    token = _current_call.set(state)
    try:
        yield state
    finally:
        _current_call.reset(token)


# -- transport retries ------------------------------------------------------------------


def is_transient(exc: BaseException) -> bool:
    """Worth retrying: timeouts, dropped connections, 408/409/429 and every 5xx."""
    import openai

    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in TRANSIENT_STATUS or exc.status_code >= 500
    return False


def retry_after_seconds(exc: BaseException | None) -> float | None:
    """The server's requested wait (``retry-after-ms`` or ``Retry-After``), if any."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return max(float(ms) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        when = email.utils.parsedate_to_datetime(value) if value else None
        return max(when.timestamp() - time.time(), 0.0) if when else None


def transport_retrying(settings: LLMSettings, *, asynchronous: bool) -> Retrying | AsyncRetrying:
    """The tenacity policy for one HTTP call, shared by the sync and async paths."""
    backoff = wait_random_exponential(multiplier=0.5, max=settings.max_backoff)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        requested = retry_after_seconds(exc)
        if requested is not None:
            return min(requested, settings.max_backoff)
        return backoff(state)

    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.info(
            "transient error from %s (%s); retry %d/%d in %.1fs",
            settings.endpoint,
            _describe_api_error(exc),
            state.attempt_number,
            settings.transport_attempts - 1,
            state.upcoming_sleep,
        )

    policy: dict[str, Any] = {
        "retry": retry_if_exception(is_transient),
        "wait": wait,
        "stop": stop_after_attempt(settings.transport_attempts)
        | stop_before_delay(settings.transport_max_seconds),
        "before_sleep": before_sleep,
        "reraise": True,
    }
    return AsyncRetrying(**policy) if asynchronous else Retrying(**policy)


def _describe_api_error(exc: BaseException | None) -> str:
    import openai

    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    if isinstance(exc, openai.APITimeoutError):
        return "timeout"
    if isinstance(exc, openai.APIConnectionError):
        return "connection error"
    return type(exc).__name__ if exc else "unknown"


# -- the client ---------------------------------------------------------------------------


class LLMClient:
    """Structured output from one OpenAI-compatible endpoint, sync or async."""

    def __init__(
        self,
        settings: LLMSettings,
        *,
        http_client: Any = None,
        async_http_client: Any = None,
    ) -> None:
        self.settings = settings
        self._http_client = http_client
        self._async_http_client = async_http_client
        self._sync: openai.OpenAI | None = None
        self._async: openai.AsyncOpenAI | None = None

    def _client_options(self) -> dict[str, Any]:
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else None
        guard_library_logs(key)
        return {
            "api_key": key or LOCAL_PLACEHOLDER_KEY,
            "base_url": self.settings.endpoint,
            "timeout": self.settings.timeout,
            "max_retries": 0,  # transport retries are ours (see transport_retrying)
        }

    def _request(self, messages: list[dict[str, str]], response_model: type[T]) -> dict[str, Any]:
        s = self.settings
        request: dict[str, Any] = {
            "model": s.model,
            "messages": messages,
            "response_model": _schema_model(response_model),
            "max_retries": s.validation_retries,
            "temperature": s.temperature,
        }
        if s.max_tokens is not None:
            request["max_tokens"] = s.max_tokens
        if s.token_budget is not None:
            request["token_budget"] = s.token_budget
        return request

    def complete(self, messages: list[dict[str, str]], response_model: type[T]) -> tuple[T, Usage]:
        """Ask for ``response_model``; returns it with the usage of every completion."""
        import openai

        if self._sync is None:
            self._sync = openai.OpenAI(http_client=self._http_client, **self._client_options())
        client = self._sync
        retrying = transport_retrying(self.settings, asynchronous=False)
        state = CallState(max_attempts=self.settings.validation_retries + 1)

        def send(**kwargs: Any) -> Any:
            return client.post("/chat/completions", **_post_arguments(kwargs))

        def create(**kwargs: Any) -> Any:
            completion: Any = retrying(send, **kwargs)
            return _checked(completion, state)

        patched = _patched_create(create, self.settings.mode)
        started = time.perf_counter()
        with _call_scope(state):
            try:
                result = patched(**self._request(messages, response_model))
            except Exception as exc:
                raise _without_raw_cause(_translate(exc, state), exc) from None
        return result, state.usage + Usage(seconds=time.perf_counter() - started)

    async def acomplete(
        self, messages: list[dict[str, str]], response_model: type[T]
    ) -> tuple[T, Usage]:
        """Async :meth:`complete`."""
        import openai

        if self._async is None:
            self._async = openai.AsyncOpenAI(
                http_client=self._async_http_client, **self._client_options()
            )
        client = self._async
        retrying = transport_retrying(self.settings, asynchronous=True)
        state = CallState(max_attempts=self.settings.validation_retries + 1)

        async def send(**kwargs: Any) -> Any:
            return await client.post("/chat/completions", **_post_arguments(kwargs))

        async def create(**kwargs: Any) -> Any:
            completion: Any = await retrying(send, **kwargs)
            return _checked(completion, state)

        patched = _patched_create(create, self.settings.mode)
        started = time.perf_counter()
        with _call_scope(state):
            try:
                result = await patched(**self._request(messages, response_model))
            except Exception as exc:
                raise _without_raw_cause(_translate(exc, state), exc) from None
        return result, state.usage + Usage(seconds=time.perf_counter() - started)

    def close(self) -> None:
        if self._sync is not None:
            self._sync.close()

    async def aclose(self) -> None:
        if self._async is not None:
            await self._async.close()


# What openai's chat.completions.create() takes beside the JSON body, and the request
# option each one becomes.
_REQUEST_OPTIONS = {
    "extra_headers": "headers",
    "extra_query": "params",
    "extra_body": "extra_json",
    "timeout": "timeout",
}


def _post_arguments(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``client.post`` arguments for one chat completion: ``kwargs`` is the JSON body as is.

    ``chat.completions.create()`` first walks the request against its typed parameters:
    2-3 ms of CPU for our tool schema on every call, a sixth of a call's cost, to change
    nothing in a body that is plain JSON already. The raw ``post`` (openai's documented
    way to call any endpoint) sends the same body with the same authentication.
    """
    from openai.types.chat import ChatCompletion

    body = {name: value for name, value in kwargs.items() if name not in _REQUEST_OPTIONS}
    options: dict[str, Any] = {"security": {"bearer_auth": True}}
    options |= {_REQUEST_OPTIONS[name]: kwargs[name] for name in _REQUEST_OPTIONS.keys() & kwargs}
    return {"cast_to": ChatCompletion, "body": body, "options": options}


def _checked(completion: Any, state: CallState) -> Any:
    """Count the completion, then stop at refusals and truncation before parsing."""
    state.record(completion)
    choices = getattr(completion, "choices", None) or []
    if not choices:
        raise InvalidOutputError("the endpoint answered with no choices")
    choice = choices[0]
    refusal = getattr(choice.message, "refusal", None)
    if refusal:
        raise RefusalError(f"the model refused: {excerpt(refusal)}")
    if choice.finish_reason == "length":
        used = getattr(completion.usage, "completion_tokens", "?") if completion.usage else "?"
        raise TruncatedOutputError(
            f"the model's reply was cut off at its token limit ({used} completion tokens); "
            "raise max_tokens or split the article"
        )
    return completion


def _without_raw_cause(error: LLMExtractError, original: Exception) -> LLMExtractError:
    """The typed error, chained to ``original`` only when that is ours: library exceptions
    quote server bodies (which can echo the key) and whole completions."""
    if original is not error and isinstance(original, LLMExtractError):
        error.__cause__ = original
    return error


def _translate(exc: Exception, state: CallState) -> LLMExtractError:
    """Turn instructor's and openai's exceptions into llmextract's typed errors."""
    import openai
    from instructor.core.exceptions import (
        IncompleteOutputException,
        InstructorRetryException,
        TokenBudgetError,
    )

    if isinstance(exc, TokenBudgetError):
        # Checked before unwrapping: instructor raises it *from* the last validation error.
        return BudgetExceededError(
            f"re-asks used up the token budget after {state.attempts} completions "
            f"({state.usage.prompt_tokens + state.usage.completion_tokens} tokens)"
        )
    root: BaseException = exc
    if isinstance(exc, InstructorRetryException) and exc.__cause__ is not None:
        root = exc.__cause__
    if isinstance(root, LLMExtractError):
        return root
    if isinstance(root, IncompleteOutputException):
        return TruncatedOutputError("the model's reply was cut off at its token limit")
    if isinstance(root, openai.AuthenticationError):
        return TransportError("the endpoint rejected the API key (HTTP 401)")
    if isinstance(root, openai.APIError):
        kind = _describe_api_error(root)
        return TransportError(f"the endpoint kept failing ({kind}) after bounded retries")
    if isinstance(exc, InstructorRetryException):
        # instructor's count: a body that is not JSON is an attempt but not a completion.
        return InvalidOutputError(
            f"the model's output was still invalid after {exc.n_attempts} attempts: "
            f"{excerpt(str(root))}"
        )
    return InvalidOutputError(f"unexpected failure in the model call: {excerpt(repr(root))}")
