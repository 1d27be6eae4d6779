"""The rules backend's vocabulary: ``rules_data.toml`` read once and compiled to patterns.

The word lists are data (edit the TOML file); this module only turns each list into one
regular expression and gives the groups of the file typed names.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import tomllib
from dataclasses import dataclass
from typing import Any

from llmextract.schema import StrikeType, TargetKind, VictimGroup

DATA_FILE = "rules_data.toml"


def alternatives(items: list[str]) -> str:
    """One non-capturing group of the fragments ``items``."""
    return "(?:" + "|".join(items) + ")"


_WORD_START = r"(?<![\w-])"
_WORD_END = r"(?![\w-])"


def inner(pattern: re.Pattern[str]) -> str:
    """The alternatives of a :func:`words` pattern without its word-boundary checks, to
    combine several lists under one check (much faster than one check per list)."""
    return pattern.pattern.removeprefix(_WORD_START).removesuffix(_WORD_END)


def words(items: list[str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """The fragments ``items`` as whole words; longer fragments are tried first, so at one
    position the longest phrase wins ("missile boats" over "missile")."""
    ordered = sorted(items, key=len, reverse=True)
    return re.compile(_WORD_START + alternatives(ordered) + _WORD_END, flags)


@dataclass(frozen=True)
class ActorGroup:
    """An armed party the lexicon knows by name, and the country it acts for."""

    name: str
    pattern: re.Pattern[str]
    country: str | None
    also_place: bool = False
    """A capital that speaks for its government ("Moscow said") but is a place too."""


@dataclass(frozen=True)
class Lexicon:
    """Compiled word lists of ``rules_data.toml`` (see the comments there)."""

    strike_types: dict[StrikeType, re.Pattern[str]]
    """Weapon nouns and strike verbs by the strike type they signal."""
    any_weapon: re.Pattern[str]
    """Any weapon or platform noun."""
    strike_nouns: re.Pattern[str]
    bare_strike_nouns: re.Pattern[str]
    hit_verbs: re.Pattern[str]
    damage_verbs: str
    launch_verbs: re.Pattern[str]
    conduct_verbs: re.Pattern[str]
    intercept_verbs: re.Pattern[str]
    plan_cues: re.Pattern[str]
    aggregate_cues: re.Pattern[str]
    generic_cues: re.Pattern[str]
    negation_cues: re.Pattern[str]
    non_military: re.Pattern[str]
    military_context: re.Pattern[str]
    definite: frozenset[str]
    noun_phrase_words: frozenset[str]
    groups: tuple[ActorGroup, ...]
    generic_actors: re.Pattern[str]
    actor_heads: str
    place_kind_of: str
    place_kind_after: str
    admin1_after: re.Pattern[str]
    place_before: str
    directions: str
    features: re.Pattern[str]
    feature_countries: tuple[tuple[re.Pattern[str], str | None], ...]
    not_places: frozenset[str]
    killed_words: str
    injured_words: str
    victim_groups: tuple[tuple[VictimGroup, re.Pattern[str]], ...]
    victim_words: str
    one_person: str
    source_verbs: str
    target_kinds: tuple[tuple[TargetKind, re.Pattern[str]], ...]


def feature_country(lex: Lexicon, name: str) -> str | None:
    """The country a named sea or region (a ``features`` entry) is coded to."""
    for pattern, country in lex.feature_countries:
        if pattern.fullmatch(name):
            return country
    return None


def _read() -> dict[str, Any]:
    text = (importlib.resources.files("llmextract") / DATA_FILE).read_text(encoding="utf-8")
    return tomllib.loads(text)


@functools.cache
def lexicon() -> Lexicon:
    """The lexicon, read and compiled on first use."""
    data = _read()
    weapons = data["weapons"]
    verbs = data["strike_verbs"]
    strike = data["strike"]
    actors = data["actors"]
    places = data["places"]
    casualties = data["casualties"]
    victim_lists = [(VictimGroup(k), casualties[k]) for k in ("civilians", "combatants")]
    return Lexicon(
        strike_types={StrikeType(k): words(v + verbs.get(k, [])) for k, v in weapons.items()},
        any_weapon=words([w for v in weapons.values() for w in v]),
        strike_nouns=words(strike["nouns"]),
        bare_strike_nouns=words(strike["bare_nouns"]),
        hit_verbs=words(strike["hit_verbs"]),
        damage_verbs=alternatives(strike["damage_verbs"]),
        launch_verbs=words(strike["launch_verbs"]),
        conduct_verbs=words(strike["conduct_verbs"]),
        intercept_verbs=words(strike["intercept_verbs"]),
        plan_cues=words(strike["plan_cues"]),
        aggregate_cues=re.compile(alternatives(strike["aggregate_cues"]), re.IGNORECASE),
        generic_cues=re.compile(alternatives(strike["generic_cues"]), re.IGNORECASE),
        negation_cues=re.compile(alternatives(strike["negation_cues"]), re.IGNORECASE),
        non_military=words(strike["non_military"]),
        military_context=words(strike["military_context"]),
        definite=frozenset(data["phrases"]["definite"]),
        noun_phrase_words=frozenset(data["phrases"]["noun_phrase_words"]),
        groups=tuple(
            ActorGroup(
                g["name"],
                re.compile(r"(?<![\w-])(?:" + g["pattern"] + r")(?![\w-])"),
                g["country"] or None,
                g.get("place", False),
            )
            for g in actors["groups"]
        ),
        generic_actors=words(actors["generic"]),
        actor_heads=alternatives(actors["heads"]),
        place_kind_of=alternatives(places["kind_of"]),
        place_kind_after=alternatives(places["kind_after"]),
        admin1_after=words(places["admin1_after"]),
        place_before=alternatives(places["before"]),
        directions=alternatives(places["directions"]),
        features=words([f["pattern"] for f in places["features"]], 0),
        feature_countries=tuple(
            (re.compile(f["pattern"]), f["country"] or None) for f in places["features"]
        ),
        not_places=frozenset(places["not_places"]),
        killed_words=alternatives(casualties["killed_words"]),
        injured_words=alternatives(casualties["injured_words"]),
        victim_groups=tuple((group, words(items)) for group, items in victim_lists),
        victim_words=alternatives(
            casualties["civilians"] + casualties["combatants"] + casualties["people"]
        ),
        one_person=alternatives(casualties["one_person"]),
        source_verbs=alternatives(data["sources"]["verbs"]),
        target_kinds=tuple((TargetKind(k), words(v)) for k, v in data["targets"].items()),
    )
