"""A requests-per-minute limit on every HTTP request a run makes, retries and re-asks
included: a hook on the openai client's HTTP client waits for a slot before each one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from llmextract.errors import ConfigurationError


class RateLimiter:
    """Spaces request starts evenly: at most ``rpm`` a minute, no bursts."""

    def __init__(self, rpm: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rpm <= 0:
            raise ConfigurationError(f"requests per minute must be positive, not {rpm}")
        self.interval = 60.0 / rpm
        self._clock = clock
        self._next = 0.0

    def reserve(self) -> float:
        """Take the next free slot: the seconds to wait until it starts (0 when free now).
        Slots are ``interval`` apart; time left idle earns no burst later."""
        now = self._clock()
        slot = max(now, self._next)
        self._next = slot + self.interval
        return slot - now

    async def acquire(self) -> None:
        wait = self.reserve()
        if wait > 0:
            await asyncio.sleep(wait)

    async def before_request(self, request: Any) -> None:
        """An httpx request hook: waits for a slot before every HTTP request."""
        await self.acquire()


def rate_limited_http_client(limiter: RateLimiter) -> Any:
    """The openai client's default async HTTP client, waiting on ``limiter`` per request."""
    import openai

    return openai.DefaultAsyncHttpxClient(event_hooks={"request": [limiter.before_request]})
