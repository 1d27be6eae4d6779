"""The offline rules backend: strike events from the vocabulary of strike reports.

No model, no network: :func:`extract_quoted` finds strike mentions sentence by sentence
(:mod:`llmextract.rules_mentions`), reads each one's date, place, attacker, weapon and
target (:mod:`llmextract.rules_phrases`, :mod:`llmextract.rules_places`), groups the
mentions of one operation into one event and keeps strikes on other days, at other places
or by other parties apart (ANNOTATION.md "One event"), and collects casualty claims with
their sources (:mod:`llmextract.rules_casualties`). What it returns are *quoted* events:
every value comes with a verbatim quote that supports it, and
:func:`llmextract.extract.ground_events` grounds them exactly as it grounds model output.

:func:`is_relevant` is the cheap pre-filter: whether an article may report a strike.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
from dataclasses import dataclass, field

from llmextract import gazetteer, normalize
from llmextract.lexicon import lexicon
from llmextract.rules_casualties import Claim, claims
from llmextract.rules_mentions import Kind, Mention, MentionFinder, strike_type_of
from llmextract.rules_phrases import (
    ActorPhrase,
    DatePhrase,
    TargetPhrase,
    actor_names,
    actors,
    date_phrases,
    target,
)
from llmextract.rules_places import FACILITY, Place, PlaceFinder
from llmextract.schema import (
    Actor,
    Attribution,
    CasualtyClaim,
    EventDate,
    Location,
    QuotedEvent,
    Role,
    Status,
    StrikeType,
    Target,
    Weapon,
)
from llmextract.textview import Sentence, TextView
from llmextract.wordindex import word_index, word_key

RULES_VERSION = "rules-v1"

# An earlier strike within this many days of the main one is "related", older "background".
RELATED_WITHIN_DAYS = 7
# At most this many evidence quotes per event: the first reports of the operation.
MAX_EVIDENCE = 2


def extract_quoted(text: str, published: dt.date | None) -> list[QuotedEvent]:
    """Strike events found by rules, as quoted events (grounded by extract.ground_events)."""
    return _Article(text, published).events()


# --------------------------------------------------------------------------- one mention


@dataclass(frozen=True)
class _Reading:
    """A mention with what its clause says: date, places, attacker."""

    mention: Mention
    date: DatePhrase | None
    resolved: normalize.ResolvedDate | None
    places: tuple[Place, ...]
    attacker: ActorPhrase | None

    @property
    def position(self) -> int:
        return self.mention.start

    def countries(self) -> frozenset[str]:
        return (
            frozenset().union(*(p.countries for p in self.places)) if self.places else frozenset()
        )


@dataclass
class _Event:
    """The mentions of one strike operation, gathered while reading the article."""

    readings: list[_Reading]
    blamed: ActorPhrase | None = None
    claims: list[Claim] = field(default_factory=list)
    last: int = 0

    @property
    def reports(self) -> list[_Reading]:
        return [r for r in self.readings if r.mention.kind is Kind.REPORT]

    @property
    def first(self) -> _Reading:
        """The first report, else the first reading (asked at every reading the article
        groups: found without listing the reports)."""
        return next((r for r in self.readings if r.mention.kind is Kind.REPORT), self.readings[0])

    @property
    def status(self) -> Status:
        return self.first.mention.status

    def dated(self) -> _Reading | None:
        """The reading whose date is the event's: resolved dates before ones that need a
        publication date, then reports before references; the first of the best."""
        best, best_rank = None, 4
        for r in self.readings:
            if r.date is None:
                continue
            rank = (0 if r.resolved else 2) + (r.mention.kind is not Kind.REPORT)
            if rank < best_rank:
                best, best_rank = r, rank
        return best

    def attacker(self) -> ActorPhrase | None:
        """The attacker of the first report that names one, else of the first reading."""
        named = [r for r in self.readings if r.attacker]
        report = next((r for r in named if r.mention.kind is Kind.REPORT), None)
        return (report or named[0]).attacker if named else None

    def places(self) -> list[Place]:
        return [p for r in self.readings for p in r.places]

    def add(self, reading: _Reading) -> None:
        self.readings.append(reading)
        self.last = reading.position


# --------------------------------------------------------------------------- compatibility


def _same_party(a: ActorPhrase, b: ActorPhrase) -> bool:
    if a.generic or b.generic:
        return True
    if a.countries and b.countries:
        return bool(a.countries & b.countries)
    return gazetteer.place_key(a.name) == gazetteer.place_key(b.name)


def _dates_meet(a: normalize.ResolvedDate, b: normalize.ResolvedDate) -> bool:
    return a.start <= b.end and b.start <= a.end


def _places_clash(mine: list[Place] | tuple[Place, ...], theirs: list[Place]) -> bool:
    """Two sets of places clash when both name towns (or both quarters, bases) and share
    none: "Kirishi" and "Ryazan" are two strikes; "Damascus" and "its Mezzeh district"
    may be one."""
    for level in {p.level for p in mine if p.level >= FACILITY}:
        a = {gazetteer.place_key(p.name) for p in mine if p.level == level}
        b = {gazetteer.place_key(p.name) for p in theirs if p.level == level}
        if a and b and not a & b:
            return True
    return False


def _fits(event: _Event, reading: _Reading) -> bool:
    """Whether ``reading`` can be about the same operation as ``event``: no clash of
    date, party, place, country or intent."""
    if (reading.mention.status is Status.PLANNED) != (event.status is Status.PLANNED):
        return False
    dated = event.dated()
    if (
        reading.resolved
        and dated
        and dated.resolved
        and not _dates_meet(reading.resolved, dated.resolved)
    ):
        return False
    attacker = event.attacker()
    if reading.attacker and attacker and not _same_party(reading.attacker, attacker):
        return False
    if event.blamed and reading.attacker and not _same_party(reading.attacker, event.blamed):
        return False
    places = event.places()
    if _places_clash(reading.places, places):
        return False
    countries = frozenset().union(*(p.countries for p in places)) if places else frozenset()
    mine = reading.countries()
    return not (mine and countries and not mine & countries)


# --------------------------------------------------------------------------- the article


_SENTENCE_DATE = re.compile(r"\s*,")
_OPENING_PLACE = re.compile(r"(?:In|At|Near|Outside|Across|Inside)\s[^,]{2,80}(?=,)")
# The keys of the words every blame pattern below turns on: a sentence without one of them
# at a word start (found in the article's word index, no scan of the text) blames no one.
_BLAME_KEYS = frozenset(word_key(w) for w in ("blamed", "accused", "responsible", "held"))
_BLAME_VERBS = (
    r"\b(?:blamed|blames|accused|accuses|held)\s+(?P<who>.{2,60}?)\s+(?:for|of|responsible)\b"
    r"|\bblamed\s+(?:it\s+|the\s+\w+\s+)?on\s+(?P<on>.{2,60}?)(?:[,.;]|\s+(?:for|and|as|set)\b|$)"
)
_BLAME = re.compile(_BLAME_VERBS + r"|(?P<resp>\S.{1,60}?)\s+(?:was|were)\s+responsible\b")
# The same without its last alternative, for sentences without "responsible", where that
# alternative cannot match but would still try up to 60 lengths at every position.
_BLAME_BY_VERB = re.compile(_BLAME_VERBS)


# Parametrised once here: pydantic resolves ``Actor[str]`` anew on every subscript.
_QuotedActor = Actor[str]
_QuotedTarget = Target[str]
_QuotedWeapon = Weapon[str]
_QuotedLocation = Location[str]
_QuotedDate = EventDate[str]
_QuotedClaim = CasualtyClaim[str]


class _Article:
    def __init__(self, text: str, published: dt.date | None) -> None:
        self.view = TextView(text)
        self.text = self.view.text
        self.published = published
        self.countries = {m.code for m in gazetteer.country_mentions(self.text)}
        self.mentions = MentionFinder(self.text)
        self.places = PlaceFinder(self.text, self.countries, actor_names())
        self._blame_words = word_index(self.text).positions(_BLAME_KEYS)

    # -- reading mentions --------------------------------------------------------------

    def _reading(self, mention: Mention, sentence: Sentence, before: list[_Reading]) -> _Reading:
        start, end = mention.clause_start, mention.evidence[1]
        date = self._date(mention, sentence, before)
        resolved = normalize.resolve_date(date.text, self.published) if date else None
        places = tuple(self.places.places(start, end))
        if not before and not any(p.level >= FACILITY for p in places):
            places += self._opening_places(sentence, mention)
        return _Reading(mention, date, resolved, places, mention.attacker)

    def _opening_places(self, sentence: Sentence, mention: Mention) -> tuple[Place, ...]:
        """Places of an opening adverbial: "In the Kharkiv region, shelling killed ..."."""
        opening = _OPENING_PLACE.match(self.text, sentence.start, mention.start)
        if not opening:
            return ()
        return tuple(self.places.places(sentence.start, opening.end()))

    def _date(
        self, mention: Mention, sentence: Sentence, before: list[_Reading]
    ) -> DatePhrase | None:
        """The date of a mention: one on its noun ("Friday's strike"), else the first after
        its verb in its clause, else the last before it there; else the sentence's opening
        date ("On Monday, ..."), or that of a reference just before it in the sentence
        ("The strikes began on Wednesday, when drones hit ...")."""
        phrases = date_phrases(self.text, mention.clause_start, mention.clause_end)
        inside = [p for p in phrases if mention.start <= p.start < mention.trigger_end]
        after = [p for p in phrases if mention.trigger_end <= p.start < mention.evidence[1]]
        earlier = [p for p in phrases if p.end <= mention.start]
        if inside or after or earlier:
            return (inside or after or earlier[-1:])[0]
        opening = date_phrases(self.text, sentence.start, min(sentence.end, sentence.start + 60))
        if (
            opening
            and opening[0].start == sentence.start
            and _SENTENCE_DATE.match(self.text, opening[0].end)
        ):
            return opening[0]
        if before and before[-1].mention.kind is Kind.REFERENCE:
            return before[-1].date
        return None

    # -- grouping ------------------------------------------------------------------------

    def events(self) -> list[QuotedEvent]:
        events: list[_Event] = []
        pending: list[tuple[_Reading, int]] = []
        owner: dict[int, _Event] = {}  # sentence index -> the event its last mention joined
        sentences = self.view.sentences
        for sentence in sentences:
            readings: list[_Reading] = []
            context = sentences[max(0, sentence.index - 1)].start
            for mention in self.mentions.sentence_mentions(sentence, context):
                reading = self._reading(mention, sentence, readings)
                readings.append(reading)
                event = self._place(reading, events, pending, sentence.index)
                if event is not None:
                    owner[sentence.index] = event
            self._blame(sentence, events, owner)
        self._casualties(owner)
        ordered = sorted((e for e in events if e.reports), key=lambda e: e.first.position)
        return [self._quoted(e, ordered) for e in ordered]

    def _place(
        self,
        reading: _Reading,
        events: list[_Event],
        pending: list[tuple[_Reading, int]],
        sentence: int,
    ) -> _Event | None:
        """Join ``reading`` to the event it belongs to, or start one (reports only)."""
        sequence = reading.date is not None and reading.date.sequence
        fitting = (
            []
            if sequence and reading.mention.kind is Kind.REPORT
            else [e for e in events if _fits(e, reading)]
        )
        chosen = self._best(fitting, reading)
        if chosen is None and reading.mention.kind is Kind.REFERENCE:
            pending.append((reading, sentence))
            return None
        if chosen is None:
            chosen = _Event([])
            events.append(chosen)
            chosen.add(reading)
            for waiting, at in list(pending):
                if sentence - at <= 2 and _fits(chosen, waiting):
                    chosen.add(waiting)
                    pending.remove((waiting, at))
            return chosen
        chosen.add(reading)
        return chosen

    @staticmethod
    def _best(fitting: list[_Event], reading: _Reading) -> _Event | None:
        if not fitting:
            return None
        if reading.resolved:
            same_day = [e for e in fitting if (d := e.dated()) and d.resolved]
            if same_day:
                return max(same_day, key=lambda e: e.last)
        return max(fitting, key=lambda e: e.last)

    def _blame(self, sentence: Sentence, events: list[_Event], owner: dict[int, _Event]) -> None:
        """ "Israel blamed Hamas for the attack": the party blamed for the sentence's strike,
        or for the last one reported."""
        i = bisect.bisect_left(self._blame_words, sentence.start)
        if i == len(self._blame_words) or self._blame_words[i] >= sentence.end:
            return  # no word of blame: most sentences, so this is checked first
        event = owner.get(sentence.index) or (max(events, key=lambda e: e.last) if events else None)
        if event is None or event.blamed is not None:
            return
        said = self.text[sentence.start : sentence.end]
        pattern = _BLAME if "responsible" in said else _BLAME_BY_VERB
        for m in pattern.finditer(self.text, sentence.start, sentence.end):
            group = next(g for g in ("who", "on", "resp") if m.groupdict().get(g))
            named = actors(self.text, m.start(group), m.end(group))
            if named:
                event.blamed = named[0]
                return

    def _casualties(self, owner: dict[int, _Event]) -> None:
        """Claims of a sentence go to its strike; a sentence without one continues the
        strike of the sentence before it (within the next two sentences)."""
        sentences = self.view.sentences
        current: _Event | None = None
        distance = 99
        for sentence in sentences:
            if sentence.index in owner:
                current, distance = owner[sentence.index], 0
            else:
                distance += 1
            if current is None or distance > 2:
                continue
            found = claims(self.text, sentence.start, sentence.end)
            if found and sentence.index not in owner and distance > 1:
                continue
            current.claims.extend(found)

    # -- output ----------------------------------------------------------------------------

    def quote(self, start: int, end: int) -> str:
        return self.view.quote(start, end)

    def _quoted(self, event: _Event, ordered: list[_Event]) -> QuotedEvent:
        reports = event.reports
        evidence = [self.quote(*r.mention.evidence) for r in reports[:MAX_EVIDENCE]]
        first = event.first
        start, end = first.mention.evidence
        strike_type = strike_type_of(self.text, start, end) or next(
            (t for r in event.readings if (t := strike_type_of(self.text, *r.mention.evidence))),
            StrikeType.UNSPECIFIED,
        )
        return QuotedEvent(
            strike_type=strike_type,
            status=event.status,
            role=self._role(event, ordered),
            summary=None,
            evidence=list(dict.fromkeys(evidence)),
            attacker=self._attacker(event),
            targets=self._targets(event),
            location=self._location(event),
            date=self._event_date(event),
            weapon=self._weapon(event),
            casualties=self._claims(event),
        )

    def _role(self, event: _Event, ordered: list[_Event]) -> Role:
        main = ordered[0]
        if event is main:
            return Role.MAIN
        mine, theirs = event.dated(), main.dated()
        if mine and theirs and mine.resolved and theirs.resolved:
            gap = (theirs.resolved.start - mine.resolved.end).days
            precise = mine.resolved.precision.value == "day"
            if gap > RELATED_WITHIN_DAYS or not precise:
                return Role.BACKGROUND
        return Role.RELATED

    def _attacker(self, event: _Event) -> Actor[str] | None:
        actor = event.attacker()
        attribution = Attribution.REPORTED
        if actor is None and event.blamed is not None:
            actor, attribution = event.blamed, Attribution.ACCUSED
        elif actor is not None and event.blamed and _same_party(actor, event.blamed):
            attribution = Attribution.ACCUSED
        elif any(r.mention.claimed_by_speaker for r in event.reports):
            attribution = Attribution.CLAIMED
        if actor is None:
            return None
        return _QuotedActor(
            quote=self.quote(actor.start, actor.end), name=actor.name, attribution=attribution
        )

    def _location(self, event: _Event) -> Location[str] | None:
        places = event.places()
        if not places:
            return None
        best = max(places, key=lambda p: p.level)  # the first of the most precise
        countries = sorted(set().union(*(p.countries for p in places)))
        admin1 = best.admin1 or next((p.admin1 for p in places if p.admin1), None)
        return _QuotedLocation(
            quote=self.quote(best.start, best.end),
            name=best.name,
            admin1=admin1,
            countries=countries,
        )

    def _event_date(self, event: _Event) -> EventDate[str] | None:
        dated = event.dated()
        if dated is None or dated.date is None:
            return None
        return _QuotedDate(quote=self.quote(dated.date.start, dated.date.end))

    def _weapon(self, event: _Event) -> Weapon[str] | None:
        phrases = [r.mention.weapon for r in event.readings if r.mention.weapon]
        phrases = [p for p in phrases if not p.definite] or phrases
        if not phrases:
            return None
        named = [p for p in phrases if _NAMED_WEAPON.search(self.text[p.head_start : p.end])]
        chosen = (named or phrases)[0]
        name = _weapon_name(self.text[chosen.start : chosen.end])
        if not name:
            return None
        return _QuotedWeapon(quote=self.quote(chosen.start, chosen.end), name=name)

    def _targets(self, event: _Event) -> list[Target[str]]:
        found: dict[str, TargetPhrase] = {}
        for r in event.readings:
            m = r.mention
            if m.object_start is None:
                continue
            object_start = m.object_start
            on = _OBJECT_LEAD.match(self.text, object_start, m.evidence[1])
            if on:
                object_start += on.end()
            phrase = target(self.text, object_start, m.evidence[1])
            if phrase and phrase.name.lower() not in found:
                found[phrase.name.lower()] = phrase
        return [
            _QuotedTarget(quote=self.quote(p.start, p.end), name=p.name, kind=p.kind)
            for p in list(found.values())[:3]
        ]

    def _claims(self, event: _Event) -> list[CasualtyClaim[str]]:
        seen: set[tuple[str, int | None, int | None, str | None]] = set()
        out = []
        for c in sorted(event.claims, key=lambda c: c.start):
            key = (c.outcome.value, c.low, c.high, c.source)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                _QuotedClaim(
                    quote=self.quote(c.start, c.end),
                    outcome=c.outcome,
                    low=c.low,
                    high=c.high,
                    victims=c.victims,
                    victim_group=c.victim_group,
                    source=c.source,
                )
            )
        return out


# A model name ("Shahed-136", "Tomahawk"), not just a kind of weapon.
_NAMED_WEAPON = re.compile(r"\b[A-Z][\w-]*\d|\b[A-Z][a-z]+\b(?<!The)")
_OBJECT_LEAD = re.compile(r"\s+(?:on|against|at)\s+")  # "struck on/against/at" the target
_WEAPON_LEAD = re.compile(
    r"^(?:(?:an?|the|its|their|two|three|four|five|six|seven|eight|nine|ten|\d[\d,]*|several|dozens\s+of|"
    r"about|around|more\s+than|at\s+least|all|some)\s+)+",
    re.IGNORECASE,
)


def _weapon_name(phrase: str) -> str:
    """The weapon as named, without article, count or the party's adjective:
    "59 Tomahawk cruise missiles" -> "Tomahawk cruise missiles"."""
    name = _WEAPON_LEAD.sub("", phrase.strip())
    words = name.split()
    while len(words) > 1 and gazetteer.is_demonym(words[0].rstrip("’'s")):
        words = words[1:]
    return " ".join(words)


# --------------------------------------------------------------------------- pre-filter


def is_relevant(text: str) -> tuple[bool, float]:
    """Cheap test for whether an article may report a strike: (verdict, score in [0, 1]).

    Weighs strike vocabulary against the words of sport, labour and trade that borrow it:
    strike nouns, weapons and platforms, interception and shelling verbs count 1 each;
    a bare "strike", "struck", "attack" or a threat 0.75; military context ("forces",
    "killed") a quarter; each borrowed phrase ("strike rate", "workers") takes 1.5 away.
    Recall comes first: an evidence of 2 passes. The score grows with the evidence.
    """
    index = word_index(text)
    lex = lexicon()

    def count(*patterns: re.Pattern[str]) -> int:
        return sum(1 for p in patterns for _ in index.finditer(p))

    strong = count(lex.strike_nouns, lex.any_weapon, lex.intercept_verbs, _SHELLING_VERBS)
    weak = count(lex.bare_strike_nouns, lex.hit_verbs, lex.plan_cues)
    context = count(lex.military_context)
    borrowed = count(lex.non_military)
    evidence = strong + 0.75 * weak + 0.25 * context - 1.5 * borrowed
    score = 1.0 - math.exp(-max(evidence, 0.0) / 4.0)
    return evidence >= 2.0 and strong + context > 0, round(score, 3)


_SHELLING_VERBS = re.compile(r"(?<![\w-])(?:shelled|bombed|bombarded)(?![\w-])", re.IGNORECASE)
