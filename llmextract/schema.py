"""StrikeEvent v1: the data model, in its two shapes, and its JSON Schema export.

Every sub-object that states a fact carries the quote that supports it. The same models
come in two shapes, parametrised by the type of that quote:

- *quoted* (``str``): what the model is asked to return and what ``gold.jsonl`` holds;
- *grounded* (:class:`Span`): what llmextract outputs, each quote located in the source.

Field names and enum values are a contract: labelled sets and evaluation depend on them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator
from pydantic.json_schema import GenerateJsonSchema

SCHEMA_VERSION = "v1"


class StrikeType(StrEnum):
    AIR_STRIKE = "air_strike"
    DRONE_STRIKE = "drone_strike"
    MISSILE_STRIKE = "missile_strike"
    ROCKET_ATTACK = "rocket_attack"
    ARTILLERY_SHELLING = "artillery_shelling"
    UNSPECIFIED = "unspecified"


class Status(StrEnum):
    OCCURRED = "occurred"
    INTERCEPTED = "intercepted"
    PLANNED = "planned"


class Role(StrEnum):
    MAIN = "main"
    RELATED = "related"
    BACKGROUND = "background"


class Attribution(StrEnum):
    REPORTED = "reported"
    CLAIMED = "claimed"
    ACCUSED = "accused"
    SUSPECTED = "suspected"


class TargetKind(StrEnum):
    ARMED_GROUP = "armed_group"
    MILITARY_SITE = "military_site"
    CIVILIANS = "civilians"
    INFRASTRUCTURE = "infrastructure"
    GOVERNMENT = "government"
    OTHER = "other"


class DatePrecision(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class Outcome(StrEnum):
    KILLED = "killed"
    INJURED = "injured"


class VictimGroup(StrEnum):
    COMBATANTS = "combatants"
    CIVILIANS = "civilians"
    MIXED = "mixed"
    UNKNOWN = "unknown"


class MatchKind(StrEnum):
    EXACT = "exact"
    NORMALIZED = "normalized"
    FUZZY = "fuzzy"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(_Model):
    """A verbatim piece of the source: ``text == source[start:end]`` (0-based, end exclusive)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    match: MatchKind = MatchKind.EXACT

    @model_validator(mode="after")
    def _offsets_fit_text(self) -> Span:
        if self.end - self.start != len(self.text):
            raise ValueError(
                f"span offsets {self.start}:{self.end} do not fit a text of {len(self.text)} chars"
            )
        return self


Q = TypeVar("Q", Span, str)


class _Quoted(_Model, Generic[Q]):
    """A fact together with the quote that supports it.

    ``quote`` comes first on purpose: a model that writes the quote before the value
    commits to the source before it states anything.
    """

    quote: Q

    @classmethod
    def model_parametrized_name(cls, params: tuple[Any, ...]) -> str:
        return cls.__name__ if params[0] is Span else f"Quoted{cls.__name__}"


class Actor(_Quoted[Q], Generic[Q]):
    name: str = Field(min_length=1)
    attribution: Attribution | None = Field(
        default=None, description="How the article knows; only for attackers."
    )


class Target(_Quoted[Q], Generic[Q]):
    name: str = Field(min_length=1)
    kind: TargetKind


class Location(_Quoted[Q], Generic[Q]):
    name: str = Field(min_length=1, description="The most specific place named for the strike.")
    admin1: str | None = Field(default=None, description="Province or governorate, if named.")
    countries: list[str] = Field(
        default_factory=list, description="ISO 3166-1 alpha-3 codes, e.g. SYR, UKR."
    )

    @model_validator(mode="after")
    def _countries_are_alpha3(self) -> Location[Q]:
        bad = [c for c in self.countries if not (len(c) == 3 and c.isalpha() and c.isupper())]
        if bad:
            raise ValueError(f"countries must be ISO 3166-1 alpha-3 codes, got {bad}")
        return self


class EventDate(_Quoted[Q], Generic[Q]):
    start: dt.date | None = None
    end: dt.date | None = None
    precision: DatePrecision | None = None

    @model_validator(mode="after")
    def _start_not_after_end(self) -> EventDate[Q]:
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"date start {self.start} is after end {self.end}")
        return self


class Weapon(_Quoted[Q], Generic[Q]):
    name: str = Field(min_length=1, description="The munition or platform as named.")


class CasualtyClaim(_Quoted[Q], Generic[Q]):
    outcome: Outcome
    low: int | None = Field(default=None, ge=0, description='"at least 22" -> 22')
    high: int | None = Field(default=None, ge=0, description='"up to 30" -> 30')
    victims: str | None = Field(default=None, description="Who, in the article's words.")
    victim_group: VictimGroup = VictimGroup.UNKNOWN
    source: str | None = Field(
        default=None, description="Who makes the claim; null when the article says it itself."
    )

    @model_validator(mode="after")
    def _low_not_above_high(self) -> CasualtyClaim[Q]:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"casualty low {self.low} is above high {self.high}")
        return self


class Event(_Model, Generic[Q]):
    """One strike operation as the article reports it (see ANNOTATION.md)."""

    strike_type: StrikeType
    status: Status
    role: Role
    summary: str | None = Field(default=None, description="One sentence; not grounded.")
    evidence: list[Q] = Field(min_length=1, description="Span(s) reporting the strike itself.")
    attacker: Actor[Q] | None = None
    authorized_by: Actor[Q] | None = None
    targets: list[Target[Q]] = Field(default_factory=list)
    location: Location[Q] | None = None
    date: EventDate[Q] | None = None
    weapon: Weapon[Q] | None = None
    casualties: list[CasualtyClaim[Q]] = Field(default_factory=list)

    @classmethod
    def model_parametrized_name(cls, params: tuple[Any, ...]) -> str:
        return "StrikeEventBase" if params[0] is Span else "QuotedEvent"

    def quotes(self) -> Iterator[tuple[str, Q]]:
        """Every quote with its dotted field path: evidence first, then each sub-object's."""
        for i, q in enumerate(self.evidence):
            yield f"evidence.{i}", q
        for name in ("attacker", "authorized_by", "location", "date", "weapon"):
            item = getattr(self, name)
            if item is not None:
                yield f"{name}.quote", item.quote
        for i, t in enumerate(self.targets):
            yield f"targets.{i}.quote", t.quote
        for i, c in enumerate(self.casualties):
            yield f"casualties.{i}.quote", c.quote


class Fatalities(_Model):
    """Killed figures over an event's claims: ``min`` is the most conservative (ACLED's
    rule), ``max`` the highest stated."""

    min: int | None
    max: int | None


def fatality_range(claims: Sequence[CasualtyClaim[Any]]) -> Fatalities | None:
    """Summarise the killed claims of one event; ``None`` when there are none with figures."""
    killed = [c for c in claims if c.outcome is Outcome.KILLED]
    conservative = [c.low if c.low is not None else c.high for c in killed]
    highest = [c.high if c.high is not None else c.low for c in killed]
    lows = [n for n in conservative if n is not None]
    highs = [n for n in highest if n is not None]
    if not lows and not highs:
        return None
    return Fatalities(min=min(lows) if lows else None, max=max(highs) if highs else None)


QuotedEvent = Event[str]


class StrikeEvent(Event[Span]):
    """A strike event whose every quote is a located :class:`Span` of the source."""

    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data: Any) -> Any:
        # Output files carry `fatalities`; it is recomputed, never read back.
        if isinstance(data, dict) and "fatalities" in data:
            data = {k: v for k, v in data.items() if k != "fatalities"}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def fatalities(self) -> Fatalities | None:
        return fatality_range(self.casualties)

    def spans(self) -> list[Span]:
        """Every span this event holds, in :meth:`Event.quotes` order."""
        return [span for _, span in self.quotes()]


class Diagnostic(_Model):
    """Something the pipeline noticed or did to the output: nothing is dropped silently."""

    code: str = Field(description="e.g. quote_not_found, value_unsupported, event_dropped")
    message: str
    event: int | None = Field(default=None, description="Index of the event concerned.")
    field: str | None = Field(default=None, description="Dotted path of the field concerned.")
    quote: str | None = None


class Usage(_Model):
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            calls=self.calls + other.calls,
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            seconds=self.seconds + other.seconds,
        )


class DocumentResult(_Model):
    """Everything one extraction produced for one document: one line of ``extract`` output."""

    doc_id: str | None = None
    published: dt.date | None = None
    events: list[StrikeEvent] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    backend: str
    model: str | None = None
    prompt_version: str | None = None
    schema_version: str = SCHEMA_VERSION


class GoldDocument(_Model):
    """One line of a labelled set's ``gold.jsonl``: every article, also those with no events."""

    doc_id: str = Field(min_length=1)
    published: dt.date
    events: list[QuotedEvent] = Field(default_factory=list)


class _ReadableNames(GenerateJsonSchema):
    """Name parametrised models as people do: ``Actor[Span]`` is Actor, ``Actor[str]``
    is QuotedActor."""

    def normalize_name(self, name: str) -> str:
        base, _, param = name.partition("[")
        if param == "Span]":
            name = base
        elif param == "str]":
            name = "QuotedEvent" if base == "Event" else f"Quoted{base}"
        return super().normalize_name(name)


def json_schemas() -> dict[str, dict[str, Any]]:
    """The checked-in JSON Schemas, by file name."""
    return {
        f"strike_event.{SCHEMA_VERSION}.json": StrikeEvent.model_json_schema(
            mode="serialization", schema_generator=_ReadableNames
        ),
        f"gold_line.{SCHEMA_VERSION}.json": GoldDocument.model_json_schema(
            schema_generator=_ReadableNames
        ),
    }


def write_json_schemas(directory: Path) -> list[Path]:
    """Write :func:`json_schemas` into ``directory``; used to regenerate ``schemas/``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in json_schemas().items():
        path = directory / name
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # python -m llmextract.schema [DIR]
    import sys

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / "schemas"
    for p in write_json_schemas(target):
        print(p)
