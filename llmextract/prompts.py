"""Load and render the prompt templates in ``prompts/`` (installed with the package).

The article reaches the model byte-for-byte: it is passed to our own templates as a value,
which Jinja never re-renders, and nothing here passes messages to instructor's ``context=``
templating, which would treat ``{{`` or ``{%`` in an article as template syntax.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
from pydantic import ValidationError

from llmextract.errors import ConfigurationError
from llmextract.schema import QuotedEvent

PROMPT_SET = "strike-v1"
_PACKAGE_DIR = Path(__file__).resolve().parent


def prompts_dir() -> Path:
    """``llmextract/prompts`` in an installed wheel, else ``prompts/`` of the source tree."""
    for candidate in (_PACKAGE_DIR / "prompts", _PACKAGE_DIR.parent / "prompts"):
        if (candidate / "system.j2").is_file():
            return candidate
    raise ConfigurationError(f"prompt templates not found next to {_PACKAGE_DIR}")


@dataclass(frozen=True)
class FewShotExample:
    name: str
    published: dt.date
    text: str
    events: tuple[QuotedEvent, ...]

    def answer(self) -> str:
        """The assistant's turn: the events as the model is asked to return them."""
        events = [e.model_dump(mode="json") for e in self.events]
        return json.dumps({"events": events}, ensure_ascii=False)


@dataclass(frozen=True)
class PromptSet:
    system: jinja2.Template
    user: jinja2.Template
    examples: tuple[FewShotExample, ...]
    version: str

    def messages(self, article: str, published: dt.date | None) -> list[dict[str, str]]:
        """System instructions, the few-shot turns, then the article."""
        out = [{"role": "system", "content": self.system.render()}]
        for ex in self.examples:
            out.append({"role": "user", "content": self.render_user(ex.text, ex.published)})
            out.append({"role": "assistant", "content": ex.answer()})
        out.append({"role": "user", "content": self.render_user(article, published)})
        return out

    def render_user(self, article: str, published: dt.date | None) -> str:
        return self.user.render(
            article=article, published=published.isoformat() if published else None
        )


def _load_example(path: Path) -> FewShotExample:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        events = tuple(QuotedEvent.model_validate(e) for e in raw["events"])
        example = FewShotExample(
            name=path.stem,
            published=dt.date.fromisoformat(raw["published"]),
            text=raw["text"],
            events=events,
        )
    except (KeyError, ValueError, ValidationError) as exc:
        raise ConfigurationError(f"few-shot example {path}: {exc}") from exc
    for i, event in enumerate(example.events):
        for field, quote in event.quotes():
            if quote not in example.text:
                raise ConfigurationError(
                    f"few-shot example {path}: events.{i}.{field} quote {quote!r} "
                    "is not in the example's text"
                )
    return example


def _version(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{PROMPT_SET}+{digest.hexdigest()[:10]}"


@lru_cache(maxsize=4)
def load_prompts(directory: Path | None = None) -> PromptSet:
    """The prompt set in ``directory`` (default :func:`prompts_dir`), examples checked."""
    directory = directory or prompts_dir()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
    )
    examples = tuple(_load_example(p) for p in sorted((directory / "examples").glob("*.json")))
    return PromptSet(
        system=env.get_template("system.j2"),
        user=env.get_template("user.j2"),
        examples=examples,
        version=_version(directory),
    )
