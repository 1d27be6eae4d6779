"""A SQLite cache of model results, so that rerunning a folder makes no model calls.

An entry is one document's extraction result, keyed by everything that can change the
model's answer: model, endpoint, mode, prompt version, schema version, publication date
and a hash of the text (plus the llmextract version, so results from older code are not
reused). The document id is not part of the key: the same text under another name hits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from llmextract.errors import ConfigurationError
from llmextract.schema import SCHEMA_VERSION, DocumentResult

CACHE_FILE = "responses.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    created REAL NOT NULL,
    result TEXT NOT NULL
)
"""


def default_cache_dir() -> Path:
    """``LLMEXTRACT_CACHE_DIR``, else ``$XDG_CACHE_HOME/llmextract``, else
    ``~/.cache/llmextract``."""
    if configured := os.environ.get("LLMEXTRACT_CACHE_DIR"):
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "llmextract"


@dataclass(frozen=True)
class CacheKey:
    """What identifies one model answer."""

    model: str
    endpoint: str
    mode: str
    prompt_version: str
    published: dt.date | None
    text_sha256: str
    schema_version: str = SCHEMA_VERSION

    @classmethod
    def for_text(
        cls,
        text: str,
        *,
        model: str,
        endpoint: str,
        mode: str,
        prompt_version: str,
        published: dt.date | None,
    ) -> CacheKey:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        return cls(model, endpoint, mode, prompt_version, published, digest)

    def digest(self) -> str:
        from llmextract import __version__

        parts = [
            self.model,
            self.endpoint,
            self.mode,
            self.prompt_version,
            self.schema_version,
            self.published.isoformat() if self.published else "",
            self.text_sha256,
            __version__,
        ]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


@dataclass(frozen=True)
class CacheInfo:
    path: Path
    entries: int
    size_bytes: int
    by_model: dict[str, int]
    oldest: float | None
    newest: float | None


class ResponseCache:
    """The cache file in ``directory``; safe to share between processes (WAL mode)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or default_cache_dir()
        self.path = self.directory / CACHE_FILE
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigurationError(
                f"cannot use the cache at {self.path}: {exc}; pass --cache-dir elsewhere "
                "or --no-cache"
            ) from exc

    def get(self, key: CacheKey) -> DocumentResult | None:
        row = self._db.execute(
            "SELECT result FROM results WHERE key = ?", (key.digest(),)
        ).fetchone()
        if row is None:
            return None
        try:
            return DocumentResult.model_validate_json(row[0])
        except ValidationError:
            return None  # written by code with another data model: a miss, not a crash

    def put(self, key: CacheKey, result: DocumentResult) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?)",
            (
                key.digest(),
                key.model,
                key.endpoint,
                key.prompt_version,
                time.time(),
                result.model_dump_json(),
            ),
        )

    def info(self) -> CacheInfo:
        rows = self._db.execute(
            "SELECT model, COUNT(*), MIN(created), MAX(created) FROM results GROUP BY model"
        ).fetchall()
        size = sum(p.stat().st_size for p in self.directory.glob(CACHE_FILE + "*") if p.is_file())
        return CacheInfo(
            path=self.path,
            entries=sum(r[1] for r in rows),
            size_bytes=size,
            by_model={r[0]: r[1] for r in rows},
            oldest=min((r[2] for r in rows), default=None),
            newest=max((r[3] for r in rows), default=None),
        )

    def clear(self, model: str | None = None) -> int:
        """Remove every entry (or those of one model); returns how many were removed."""
        if model is None:
            removed = self._db.execute("DELETE FROM results").rowcount
        else:
            removed = self._db.execute("DELETE FROM results WHERE model = ?", (model,)).rowcount
        self._db.execute("VACUUM")
        return removed

    def close(self) -> None:
        self._db.close()
