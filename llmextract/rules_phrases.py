"""Phrases inside a strike clause: dates, armed parties, weapons and targets.

Each finder works on the decoded article text between two offsets and returns located
phrases; the values they carry are what the phrase itself says, so every one is
supported by its own quote.
"""

from __future__ import annotations

import bisect
import functools
import operator
import re
from collections.abc import Iterator
from typing import NamedTuple

from llmextract import gazetteer
from llmextract.lexicon import Lexicon, lexicon
from llmextract.normalize import has_date_expression
from llmextract.schema import TargetKind
from llmextract.wordindex import word_index

# --------------------------------------------------------------------------- dates

_WEEKDAY = r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = (
    r"(?-i:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
_NUMBER_WORD = r"(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten)"
_RELATIVE_YEAR = r"(?:,?\s+(?:of\s+)?(?:last|this|next)\s+year\b)"  # "July last year"
_DATE_CORE = rf"""(?:
    {_WEEKDAY}(?:[’']s)?(?:\s+(?:morning|afternoon|evening|night))?
  | {_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+(?:19|20)\d\d|{_RELATIVE_YEAR})?
  | \d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b(?:\s+(?:19|20)\d\d|{_RELATIVE_YEAR})?
  | {_MONTH}\b(?:\s+(?:19|20)\d\d|{_RELATIVE_YEAR})?
  | overnight | yesterday | today | tonight | last\s+night | (?:during|in)\s+the\s+night
  | (?:earlier|later)\s+(?:this|last)\s+(?:week|month|year)
  | (?:last|this|next)\s+(?:week|month|year|weekend)
  | {_NUMBER_WORD}\s+(?:days?|weeks?|months?|years?)\s+ago
)"""
_DATE = re.compile(
    rf"""
    \b(?=[A-Za-z0-9])  # fail fast inside words and between them
    (?:
    (?P<lead>(?:
        (?:early|late|earlier|later)\s+
      | shortly\s+(?:after|before)\s+(?:midnight|dawn|noon|\d[\d:.]*\s*[ap]\.m\.)\s+
      | (?:just\s+)?(?:after|before)\s+(?:midnight|dawn)\s+
      | at\s+(?:midday|noon|midnight|dawn|about\s+[\d:.]+\s*[ap]\.m\.)\s+
      | in\s+the\s+early\s+hours\s+of\s+
      | in\s+the\s+(?:morning|afternoon|evening)\s+of\s+
      | on\s+the\s+(?:night|morning|evening)\s+of\s+
    )*)
    (?P<prep>(?:on|in|during|by|this\s+past|last)\s+)?
    (?P<core>{_DATE_CORE})
    | (?:in|since)\s+(?P<year>(?:19|20)\d\d)\b
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)
# A date right after one of these is when something was said, not when the strike was.
_REPORTING_BEFORE = re.compile(
    r"\b(?:said|says|told|announced|confirmed|reported|added|claimed|statement|stated|wrote|"
    r"posted|published|tweeted)(?:\s+in\s+a\s+statement)?\s+$",
    re.IGNORECASE,
)
_SEQUENCE = re.compile(r"^(?:earlier|later)\b", re.IGNORECASE)


class DatePhrase(NamedTuple):
    start: int
    end: int
    text: str
    sequence: bool
    """ "Earlier on Friday", "later on Wednesday": another operation than the one before."""


def date_phrases(text: str, start: int, end: int) -> list[DatePhrase]:
    """Date expressions in ``text[start:end]`` that can date a strike (not "said on
    Monday"), each as the shortest phrase normalisation resolves."""
    found = []
    for m in word_index(text).finditer(_DATE, start, end):
        if _REPORTING_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            continue
        phrase = m.group().strip()
        if not has_date_expression(phrase):
            continue
        s = m.start() + (len(m.group()) - len(m.group().lstrip()))
        found.append(DatePhrase(s, s + len(phrase), phrase, bool(_SEQUENCE.match(phrase))))
    return found


# --------------------------------------------------------------------------- noun phrases

_TOKEN = re.compile(r"[\w’'.\-]+")


class NounPhrase(NamedTuple):
    """A weapon, platform or strike noun with its modifiers: ``text[start:end]``."""

    start: int
    end: int
    head_start: int
    definite: bool
    possessor: str | None = None
    """The possessive word before it ("Friday's", "Iran's"), if any."""


def noun_phrase(text: str, head_start: int, head_end: int, floor: int) -> NounPhrase:
    """The noun phrase ending at a head word: walk left over determiners, numbers,
    demonyms, capitalised names and known modifiers ("two Russian ballistic missiles",
    "an Israeli air strike", "Friday's strike")."""
    lex = lexicon()
    start = head_start
    definite = False
    possessor = None
    for tok_start, tok_end in _tokens_leftward(text, max(floor, head_start - 80), head_start):
        if text[tok_end:start].strip():  # punctuation between: the phrase stops
            break
        word = text[tok_start:tok_end].rstrip(".")
        lower = word.lower()
        if word.endswith(("’s", "'s")):
            possessor = word[:-2]
            definite = True
            start = tok_start
            break
        if lower in lex.definite:
            definite = True
            start = tok_start
            break
        if (
            lower in lex.noun_phrase_words
            or (lower.endswith("est") and len(lower) > 5)  # "the deadliest single strike"
            or word[:1].isupper()
            or word[:1].isdigit()
            or "-" in word
        ):
            start = tok_start
            continue
        break
    return NounPhrase(start, head_end, head_start, definite, possessor)


def _tokens_leftward(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The tokens of ``text[start:end]`` as (start, end) spans, the last first. Read from
    the reversed span, so a walk to the left reads only the few tokens it looks at."""
    for m in _TOKEN.finditer(text[start:end][::-1]):
        yield end - m.end(), end - m.start()


@functools.cache
def _coordination_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What may join a second weapon noun to a first: "and", "or", a comma with a count
    ("..., two anti-ship cruise missiles"); or, for a compound, a model name or modifier
    ("Tomahawk cruise missiles")."""
    weapon = lexicon().any_weapon.pattern
    joined = re.compile(
        r"(?:,\s+|,?\s+and\s+|\s+or\s+)(?:(?:an?|the|\d+|one|two|three|four|five|six|seven|"
        r"eight|nine|ten|several|dozens of)\s+)?(?:[\w’'-]+\s+){0,2}?(?=" + weapon + ")"
    )
    compound = re.compile(
        r"\s+(?:(?:[A-Z0-9][\w-]*|[a-z]+-[\w-]+|cruise|ballistic|hypersonic|guided)\s+)?(?="
        + weapon
        + ")"
    )
    return joined, compound


def extend_coordination(text: str, np_end: int, limit: int, lex: Lexicon) -> int:
    """The end of "missiles and drones", "an anti-ship ballistic missile and three drones":
    weapon nouns joined to the first by "and" or a comma."""
    pattern, compound = _coordination_patterns()
    end = np_end
    while (c := compound.match(text, end, limit)) and (
        weapon := lex.any_weapon.match(text, c.end(), limit)
    ):
        end = weapon.end()  # "Tomahawk cruise missiles", "F-35 warplanes"
    for _ in range(2):
        m = pattern.match(text, end, limit)
        if not m:
            break
        weapon = lex.any_weapon.match(text, m.end(), limit)
        if not weapon:
            break
        end = weapon.end()
    return end


# --------------------------------------------------------------------------- armed parties


_START = operator.attrgetter("start")


class ActorPhrase(NamedTuple):
    """An armed party named in the text: ``name`` for the event, ``countries`` it acts for."""

    start: int
    end: int
    name: str
    countries: frozenset[str]
    generic: bool = False
    """Named only by what it is ("militants", "the army"): it may be any named party."""


@functools.cache
def _actor_head() -> re.Pattern[str]:
    """What makes a country or demonym an armed party: a head ("forces", "military") or a
    platform ("warplanes", "F-35 jets and warships")."""
    lex = lexicon()
    platforms = lex.any_weapon.pattern
    modifier = r"(?:[A-Z0-9][\w-]*|[a-z]+-[\w-]+|cruise|ballistic|fighter|attack|armed|naval)"
    platform = rf"(?:{modifier}\s+){{0,2}}?(?i:{platforms})"
    return re.compile(rf"\s+(?:(?i:{lex.actor_heads})\b|{platform}(?:\s+and\s+{platform})?)")


@functools.cache
def _actor_head_word() -> re.Pattern[str]:
    """A head word that makes a party of a country ("forces", "military")."""
    return re.compile(lexicon().actor_heads, re.IGNORECASE)


_WORD_START = r"(?<![\w-])"  # how every group pattern of the lexicon starts
_POSSESSIVE_S = re.compile(r"[’']s\b")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_AND = re.compile(r"\s+and\s+")


@functools.cache
def actor_names() -> re.Pattern[str]:
    """The names of armed groups that are not places, for telling groups from places."""
    groups = [g.pattern.pattern for g in lexicon().groups if not g.also_place]
    # Each group pattern starts with this same word-start check; repeated once in front of
    # them all, it lets a search skip the positions inside words at once instead of trying
    # every group there (3x faster on target phrases). It changes no match.
    return re.compile(_WORD_START + "(?:" + "|".join(groups) + ")")


def actors(text: str, start: int, end: int) -> list[ActorPhrase]:
    """Armed parties in ``text[start:end]``: known groups ("Hezbollah", "the Saudi-led
    coalition"), countries ("Pakistan", "The United States and Britain") and demonyms with
    a military head ("Russian forces", "Israeli warplanes" -> "Israeli military")."""
    found = _all_actors(text)
    inside = []
    for actor in found[bisect.bisect_left(found, start, key=_START) :]:
        if actor.start >= end:
            break
        if actor.end <= end:
            inside.append(actor)
    return inside


@functools.lru_cache(maxsize=8)
def _all_actors(text: str) -> list[ActorPhrase]:
    """Every armed party of one text, found once however often it is asked about."""
    start, end = 0, len(text)
    lex = lexicon()
    head = _actor_head()
    index = word_index(text)
    found: list[ActorPhrase] = []
    matches = index.matches_of_each([group.pattern for group in lex.groups])
    for group, group_matches in zip(lex.groups, matches, strict=True):
        for m in group_matches:
            countries = frozenset({group.country}) if group.country else frozenset()
            found.append(ActorPhrase(m.start(), m.end(), group.name, countries))
    in_groups = {at for a in found for at in range(a.start, a.end)}  # "Israel Defense Forces"
    for c in gazetteer.country_mentions(text, start, end):
        if c.start in in_groups:
            continue
        word = text[c.start : c.end]
        possessive = _POSSESSIVE_S.match(text, c.end, end)
        h = head.match(text, c.end + (2 if possessive else 0), end)
        if h and _actor_head_word().search(h.group()):
            found.append(
                ActorPhrase(
                    c.start, h.end(), " ".join(text[c.start : h.end()].split()), frozenset({c.code})
                )
            )
        elif h:
            found.append(
                ActorPhrase(
                    c.start, h.end(), f"{word} military" if c.demonym else word, frozenset({c.code})
                )
            )
        elif not c.demonym:
            found.append(ActorPhrase(c.start, c.end, word, frozenset({c.code})))
    for m in index.finditer(lex.generic_actors):
        name = _LEADING_THE.sub("", m.group())
        found.append(ActorPhrase(m.start(), m.end(), name, frozenset(), generic=True))
    return _joined(text, _outermost(found))


def _outermost(found: list[ActorPhrase]) -> list[ActorPhrase]:
    """Overlapping phrases keep the longest ("Israeli military", not "military")."""
    kept: list[ActorPhrase] = []
    for actor in sorted(found, key=lambda a: (a.start, -(a.end - a.start))):
        if kept and actor.start < kept[-1].end:
            continue
        kept.append(actor)
    return kept


def _joined(text: str, found: list[ActorPhrase]) -> list[ActorPhrase]:
    """ "The United States and Britain" as one party acting for both countries."""
    joined: list[ActorPhrase] = []
    for actor in found:
        if joined and _AND.fullmatch(text, joined[-1].end, actor.start):
            first = joined.pop()
            joined.append(
                ActorPhrase(
                    first.start,
                    actor.end,
                    f"{first.name} and {actor.name}",
                    first.countries | actor.countries,
                    first.generic and actor.generic,
                )
            )
        else:
            joined.append(actor)
    return joined


# --------------------------------------------------------------------------- targets

_TARGET_END = re.compile(
    r"\s+(?:in|near|at|on|across|inside|outside|around|with|during|early|late|overnight|as|"
    r"when|where|while|after|before|killing|wounding|injuring|leaving|causing|starting|setting|"
    r"from|for|which|who|that|and\s+said|using|shortly|about|some|in\s+retaliation)\b|"
    r"\s+and\s+\w+ed\b|[,.;:—(“\"]",
)
_PLACE_PHRASE = re.compile(
    r"^(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:city|town|village|port|capital|region|province)\s+of\b",
    re.IGNORECASE,
)
_LEADING_DETERMINER = re.compile(r"^(?:the|a|an|its|their|two|three|several)\s+", re.IGNORECASE)


class TargetPhrase(NamedTuple):
    start: int
    end: int
    name: str
    kind: TargetKind


def target(text: str, start: int, limit: int) -> TargetPhrase | None:
    """The target phrase starting at ``start`` (after "struck", "strike on"): up to the
    next place, time or clause word; kept when it names a kind of target."""
    while start < limit and text[start].isspace():
        start += 1
    stop = _TARGET_END.search(text, start, limit)
    end = stop.start() if stop else limit
    phrase = text[start:end].strip()
    if not phrase or len(phrase.split()) > 9 or _PLACE_PHRASE.match(phrase):
        return None
    lex = lexicon()
    group = actor_names().search(phrase)
    name = _LEADING_DETERMINER.sub("", phrase)
    if group:
        return TargetPhrase(start, start + len(phrase), name, TargetKind.ARMED_GROUP)
    for kind, words in lex.target_kinds:
        if words.search(phrase):
            return TargetPhrase(start, start + len(phrase), name, kind)
    return None
