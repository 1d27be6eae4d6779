"""Token prices of well-known hosted models, for cost estimates and running totals.

Prices are USD per million tokens (input, output) from OpenAI's public price list as of
2025. Models not listed here (local servers, fine-tunes, other providers) have no price:
their cost is shown as unknown rather than guessed.
"""

from __future__ import annotations

PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
}
# Characters per token for English news text, used where no tokenizer is at hand.
CHARS_PER_TOKEN = 4.0


def price(model: str | None) -> tuple[float, float] | None:
    """(input, output) USD per million tokens; dated snapshots (``gpt-4.1-2025-04-14``)
    take their family's price."""
    if not model:
        return None
    name = model.rsplit("/", 1)[-1].lower()
    family = max(
        (k for k in PRICES_PER_MILLION if name == k or name.startswith(k + "-2")),
        key=len,
        default=None,
    )
    return PRICES_PER_MILLION[family] if family else None


def cost(model: str | None, prompt_tokens: int, completion_tokens: int) -> float | None:
    """USD for these tokens, or ``None`` when the model's price is unknown."""
    rates = price(model)
    if rates is None:
        return None
    return (prompt_tokens * rates[0] + completion_tokens * rates[1]) / 1_000_000


def estimate_tokens(text: str) -> int:
    """A rough token count (about four characters a token), for dry-run estimates."""
    return max(1, round(len(text) / CHARS_PER_TOKEN))
