"""Where a strike happened: place phrases in a clause, ranked by how specific they are.

A place is a capitalised name in a position that makes it one: after a preposition ("in
central Kharkiv"), before or after a kind of place ("the town of Galcad", "Homs
province", "Ganja, a city in"), or a country ("across Yemen", "the Syrian capital").
The gazetteer confirms cities and gives their country; the article's own countries pick
between cities of the same name. Places the strike was launched *from* are not its place.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from llmextract import gazetteer
from llmextract.lexicon import Lexicon, feature_country, lexicon
from llmextract.normalize import country_code
from llmextract.wordindex import word_index

# How specific a place is: the event's location is its most specific place.
COUNTRY, REGION, FACILITY, SETTLEMENT, QUARTER = 1, 2, 2.5, 3, 4

_PARTICLE = r"(?:al|el|ash|as|ad|an|ar|at|az|ez|es|ed|bin|ibn|de|del|la|le|ul)"
_CAPITALISED = r"[A-Z\u00c0-\u024f](?:[\w\-]|[’'](?!s\b))*"
_NAME = rf"(?:{_PARTICLE}-)?{_CAPITALISED}(?:[ -](?:{_PARTICLE}[ -])?{_CAPITALISED}){{0,3}}"
_POSSESSIVE = re.compile(r"[’']s?$")
_FROM_BEFORE = re.compile(
    r"\bfrom\s+(?:the\s+)?(?:direction\s+of\s+(?:the\s+)?)?(?:[\w’'-]+\s+){0,3}$"
)
_SETTLEMENT_KINDS = frozenset(
    [
        "town",
        "city",
        "village",
        "port",
        "capital",
        "hamlet",
        "settlement",
        "island",
        "enclave",
        "suburb",
        "suburbs",
        "neighbourhood",
        "neighborhood",
        "outskirts",
        "centre",
        "center",
        "district",
        "area",
    ]
)
_QUARTER_KINDS = frozenset(
    {"district", "area", "refugee camp", "camp", "neighbourhood", "neighborhood", "suburbs"}
)
_FACILITY_KINDS = frozenset({"port", "airport", "refinery"})
_BASE_KINDS = frozenset({"air base", "airbase", "base"})
_FEATURE_KINDS = frozenset({"strait", "mountains", "valley", "heights", "border crossing"})
_LEAD_ADJECTIVES = r"(?:main|densely|populated|crowded|residential|border|capital|coastal)"
_DEMONYM_PLACE_NOUNS = (
    r"(?:capital|city|town|village|soil|territory|kibbutz|port|border town|air base|base|"
    r"airspace|border region|region|province|coast)"
)


@dataclass(frozen=True)
class Place:
    """A place phrase: ``quote`` spans ``text[start:end]``; ``name`` is the place itself."""

    start: int
    end: int
    name: str
    level: float
    countries: frozenset[str] = field(default_factory=frozenset)
    admin1: str | None = None


@dataclass(frozen=True)
class _Patterns:
    after_preposition: re.Pattern[str]
    kind_of: re.Pattern[str]
    kind_after: re.Pattern[str]
    apposition_before: re.Pattern[str]
    apposition_after: re.Pattern[str]
    demonym_place: re.Pattern[str]
    lead: re.Pattern[str]
    kind_after_word: re.Pattern[str]
    """The kind word that ends every ``kind_after`` match."""
    apposition_word: re.Pattern[str]
    """The kind word that ends every ``apposition_after`` match."""
    apposition_tail: re.Pattern[str]
    """What ends every ``apposition_after`` match (", a small town"): where the kind word
    stands without it, the whole pattern need not scan the stretch."""
    possessive_place: re.Pattern[str]
    """After a country: "'s Kurdistan region", "'s capital"."""


@functools.cache
def _patterns() -> _Patterns:
    lex = lexicon()
    name_list = rf"{_NAME}(?:,\s+{_NAME})*(?:,?\s+and\s+(?:(?:{lex.directions})\s+)?{_NAME})?"
    apposition_kinds = r"(?:town|village|city|port|capital|district)\b"
    apposition_tail = r",\s+(?:a|an|the)\s+(?:[\w’'-]+\s+){0,3}?" + apposition_kinds
    return _Patterns(
        after_preposition=re.compile(
            rf"\b(?P<prep>{lex.place_before})\s+(?:the\s+)?"
            rf"(?:(?P<dir>{lex.directions})\s+)?(?P<names>{name_list})"
        ),
        kind_of=re.compile(rf"\b(?P<kind>{lex.place_kind_of})\s+of\s+(?:the\s+)?(?P<name>{_NAME})"),
        kind_after=re.compile(rf"(?P<name>{_NAME})\s+(?P<kind>{lex.place_kind_after})\b"),
        apposition_before=re.compile(
            rf"\b(?:city|town|village|capital|port),\s+(?P<name>{_NAME})(?=[,.;]|\s+and\b)"
        ),
        apposition_after=re.compile(rf"(?P<name>{_NAME})" + apposition_tail),
        demonym_place=re.compile(rf"\s+(?:[\w-]+\s+){{0,2}}?{_DEMONYM_PLACE_NOUNS}\b"),
        lead=re.compile(
            rf"(?<![\w’'-])(?:(?:the|a|an|its|their)\s+)?"
            rf"(?:(?:{lex.directions}|[a-z]+-[\w-]+|[a-z]+ern|{_LEAD_ADJECTIVES})\s+){{0,2}}$"
        ),
        kind_after_word=re.compile(rf"\b(?:{lex.place_kind_after})\b"),
        apposition_word=re.compile(r"\b" + apposition_kinds),
        apposition_tail=re.compile(apposition_tail),
        possessive_place=re.compile(
            r"[’']s\s+(?:[\w-]+\s+){0,2}?(?:[A-Z]|" + _DEMONYM_PLACE_NOUNS + ")"
        ),
    )


def _singular(kind: str) -> str:
    """ "towns" -> "town", "cities" -> "city"; "outskirts" stays."""
    if kind == "cities":
        return "city"
    return kind[:-1] if kind.endswith("s") and kind != "outskirts" else kind


_CONTROL_PREFIX = re.compile(
    r"^[A-Z][\w’']*-(?:occupied|held|controlled|run|backed|led|administered)\s+"
)


def _clean(name: str) -> str:
    """The place's own name: no possessive, final full stop or "Israeli-occupied"."""
    return _CONTROL_PREFIX.sub("", _POSSESSIVE.sub("", name.strip()).rstrip("."))


def _split_names(names: str) -> Iterator[tuple[int, str]]:
    """The names of "Jermuk, Goris, Vardenis and Kapan" with their offsets in the list."""
    for m in _places_patterns_extra()[0].finditer(names):
        yield m.start(), m.group()


class PlaceFinder:
    """Finds places in stretches of one article; ``countries`` are those the article names
    (they decide between cities of the same name)."""

    def __init__(self, text: str, countries: set[str], actor_names: re.Pattern[str]) -> None:
        self.text = text
        self.countries = countries
        self.actor_names = actor_names
        self.lex: Lexicon = lexicon()

    def places(self, start: int, end: int) -> list[Place]:
        """Every place phrase in ``text[start:end]``, in order of position."""
        found: dict[tuple[int, int], Place] = {}
        for place in self._all(start, end):
            before = max(start, place.start - 60)
            if self.text.find("from", before, place.start) >= 0 and _FROM_BEFORE.search(
                self.text, before, place.start
            ):
                continue  # where the strike came from, not where it hit
            key = (place.start, place.end)
            if key not in found or found[key].level < place.level:
                found[key] = place
        return sorted(found.values(), key=lambda p: (p.start, -p.level))

    def _all(self, start: int, end: int) -> Iterator[Place]:
        p = _patterns()
        # Patterns that start with a word are tried where it stands; the two that start
        # with any capitalised name only when the kind word they end with is there.
        index = word_index(self.text)
        for m in index.finditer(p.after_preposition, start, end):
            yield from self._after_preposition(m)
        for m in index.finditer(p.kind_of, start, end):
            yield from self._kind_of(m, start)
        if index.search(p.kind_after_word, start, end):
            for m in p.kind_after.finditer(self.text, start, end):
                yield from self._kind_after(m, start)
        for m in index.finditer(p.apposition_before, start, end):
            yield from self._named(m.start("name"), m.end("name"), m.start(), SETTLEMENT)
        if index.search(p.apposition_word, start, end) and p.apposition_tail.search(
            self.text, start, end
        ):
            for m in p.apposition_after.finditer(self.text, start, end):
                yield from self._named(m.start("name"), m.end("name"), m.start(), SETTLEMENT)
        for m in index.finditer(self.lex.features, start, end):
            yield self._feature(m.start(), m.end(), m.start())
        yield from self._countries(start, end)

    def _lead_start(self, at: int, floor: int) -> int:
        """``at`` moved back over "the" and up to two adjectives ("the western ")."""
        m = _patterns().lead.search(self.text, max(floor, at - 40), at)
        return m.start() if m and m.group().strip() else at

    def _after_preposition(self, m: re.Match[str]) -> Iterator[Place]:
        prep = m["prep"].lower()
        direction = m["dir"]
        for offset, raw in _split_names(m["names"]):
            name_start = m.start("names") + offset
            start = m.start() if offset == 0 else name_start
            for place in self._named(name_start, name_start + len(raw), start, None, prep):
                named_with_direction = place.name.startswith(direction or "\0")
                if direction and offset == 0 and place.level <= REGION and not named_with_direction:
                    place = Place(
                        place.start,
                        place.end,
                        f"{direction} {place.name}",
                        place.level,
                        place.countries,
                        place.admin1,
                    )
                yield place

    def _named(
        self,
        name_start: int,
        name_end: int,
        quote_start: int,
        level: float | None,
        prep: str | None = None,
    ) -> Iterator[Place]:
        raw = self.text[name_start:name_end]
        direction = _places_patterns_extra()[1].match(raw)
        if direction:
            raw, name_start = raw[direction.end() :], name_start + direction.end()
        name = _clean(raw)
        if not name or name in self.lex.not_places or self.actor_names.fullmatch(name):
            return
        name_start += raw.find(name)
        end = name_start + len(name)
        if level is None and _KIND_AFTER_NAME().match(self.text, end):
            return  # "in Homs province", "near the KINEF refinery": the kind rule places it
        if gazetteer.is_demonym(name):
            return  # "in the Syrian capital": the country comes from the country rule
        code = country_code(name) if name[0].isupper() else None
        if code is not None:
            yield Place(quote_start, end, name, COUNTRY, frozenset({code}))
            return
        if self.lex.features.fullmatch(name):
            yield self._feature(name_start, end, quote_start)
            return
        city = gazetteer.best_city(name, self.countries)
        if city is not None:
            yield Place(quote_start, end, name, level or SETTLEMENT, frozenset({city.country}))
            return
        region = gazetteer.subdivision_country(name)
        if region is not None:
            yield Place(quote_start, end, name, REGION, frozenset({region}), admin1=name)
            return
        if level is not None or prep in ("in", "near", "at", "outside"):
            yield Place(quote_start, end, name, level or SETTLEMENT)

    def _kind_of(self, m: re.Match[str], floor: int) -> Iterator[Place]:
        kind = _singular(m["kind"].lower())
        if _KIND_AFTER_NAME().match(self.text, m.end()):
            return  # "the Zakho district of Duhok province": the kind rule places it
        start = self._lead_start(m.start(), floor)
        countries = self._demonym_countries(start, m.start())
        region = kind in ("region", "province", "governorate", "oblast")
        level = REGION if region else SETTLEMENT
        for place in self._named(m.start("name"), m.end("name"), start, level):
            admin1 = place.name if region else place.admin1
            yield Place(
                place.start, place.end, place.name, level, place.countries | countries, admin1
            )

    def _kind_after(self, m: re.Match[str], floor: int) -> Iterator[Place]:
        kind = m["kind"].lower()
        start = self._lead_start(m.start(), floor)
        name = _clean(m["name"])
        if name in self.lex.not_places or self.actor_names.fullmatch(name):
            return
        if _OF.match(self.text, m.end()) or gazetteer.is_demonym(name):
            return  # "the Druze town of Majdal Shams": the kind-of rule places it
        countries = self._demonym_countries(start, m.start())
        known = gazetteer.best_city(name, self.countries)
        if known is not None:
            countries |= {known.country}
        code = country_code(name)
        if code is not None:
            countries |= {code}
        if self.lex.admin1_after.fullmatch(kind):
            countries |= {c for c in [gazetteer.subdivision_country(name)] if c}
            yield Place(start, m.end(), name, REGION, frozenset(countries), admin1=name)
        elif kind in _QUARTER_KINDS:
            yield Place(start, m.end(), name, QUARTER, frozenset(countries))
        elif kind in _BASE_KINDS:
            yield Place(start, m.end(), f"{name} {kind}", FACILITY, frozenset(countries))
        elif kind in _FACILITY_KINDS:
            yield Place(start, m.end(), name, FACILITY, frozenset(countries))
        elif kind in ("village", "town"):
            yield Place(start, m.end(), name, SETTLEMENT, frozenset(countries))
        elif kind in _FEATURE_KINDS:
            yield Place(start, m.end(), f"{name} {kind}", REGION, frozenset(countries))

    def _feature(self, start: int, end: int, quote_start: int) -> Place:
        """A named sea or region, with the compass word before it ("the southern Red Sea")."""
        name = self.text[start:end]
        country = feature_country(self.lex, name)
        direction = _places_patterns_extra()[2].search(self.text, max(0, start - 30), start)
        if direction:
            name = direction.group().strip() + " " + name
        lead = self._lead_start(start, start - 30)
        return Place(
            min(lead, quote_start),
            end,
            name,
            REGION,
            frozenset({country}) if country else frozenset(),
        )

    def _demonym_countries(self, start: int, end: int) -> frozenset[str]:
        """Countries named inside a place phrase's lead ("the Russian city of")."""
        return frozenset(m.code for m in gazetteer.country_mentions(self.text, start, end))

    def _countries(self, start: int, end: int) -> Iterator[Place]:
        """Countries in place positions: "the Syrian capital", "Iraq's Kurdistan region",
        "on Pakistani soil" (names after a preposition come from the preposition rule)."""
        for m in gazetteer.country_mentions(self.text, start, end):
            after = self.text[m.end : min(end, m.end + 40)]
            possessive = _patterns().possessive_place.match(after)
            placed = _patterns().demonym_place.match(after) if m.demonym else None
            if possessive or placed:
                name = _country_name(m.code)
                quote_end = m.end + (placed.end() if placed else 0)
                yield Place(m.start, quote_end, name, COUNTRY, frozenset({m.code}))


_OF = re.compile(r"\s+of\b")


@functools.cache
def _places_patterns_extra() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A name with its compass word; a compass word at the start; one at the end."""
    directions = lexicon().directions
    return (
        re.compile(rf"(?:(?:{directions})\s+)?{_NAME}"),
        re.compile(rf"(?:{directions})\s+"),
        re.compile(rf"(?:{directions})\s+$"),
    )


@functools.cache
def _KIND_AFTER_NAME() -> re.Pattern[str]:
    lex = lexicon()
    return re.compile(rf"\s+(?:(?:{lex.place_kind_after})\b|(?:{lex.place_kind_of})\s+of\b)")


@functools.cache
def _country_name(code: str) -> str:
    from llmextract.aliases import COUNTRY_ALIASES

    if code in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[code][0]
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    return str(getattr(country, "common_name", None) or country.name) if country else code
