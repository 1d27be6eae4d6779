"""Typed errors: each names the document it concerns and never carries raw completions."""

from __future__ import annotations

_EXCERPT = 200


def excerpt(text: str, limit: int = _EXCERPT) -> str:
    """A short, single-line excerpt for error messages (never whole completions or bodies)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class LLMExtractError(Exception):
    """Base of every error llmextract raises on purpose."""

    def __init__(self, message: str, *, doc_id: str | None = None) -> None:
        self.doc_id = doc_id
        self.detail = message
        super().__init__(message)

    def __str__(self) -> str:
        where = f"document {self.doc_id!r}: " if self.doc_id else ""
        return f"{where}{self.detail}"

    def for_document(self, doc_id: str | None) -> LLMExtractError:
        """Name the document this error happened in (keeps the original type)."""
        if doc_id is not None and self.doc_id is None:
            self.doc_id = doc_id
        return self


class ConfigurationError(LLMExtractError):
    """Settings that cannot work: unknown backend or mode, a model without an endpoint..."""


class TransportError(LLMExtractError):
    """The endpoint could not be reached or kept failing after bounded retries."""


class TruncatedOutputError(LLMExtractError):
    """The model stopped at its token limit (``finish_reason == "length"``)."""


class RefusalError(LLMExtractError):
    """The model refused to answer."""


class InvalidOutputError(LLMExtractError):
    """The model's output stayed invalid after every validation re-ask."""


class BudgetExceededError(LLMExtractError):
    """Re-asks used up the per-document token budget."""


class InputError(LLMExtractError):
    """The input document cannot be processed (empty, binary, too large...)."""
