"""Strike mentions: the clauses of an article that report a strike, or refer back to one.

A *report* introduces a strike ("Russian forces fired a missile into ...", "an Israeli air
strike on ...", "air defences shot down 34 Ukrainian drones"); a *reference* points back
to one already reported ("the strike", "Friday's attack", "The missiles struck ...") and
adds details to it. Five frames find them, each a shape strike reports are written in:

- a weapon as subject: "Two Russian ballistic missiles slammed into ...";
- an armed party as subject: "Pakistan carried out retaliatory strikes ...";
- a strike noun: "An air strike by the Saudi-led coalition hit ...";
- a passive: "it was hit by a missile fired by ...";
- an interception: "shot down all 18 missiles that Russia fired at Kyiv";
- a threat: "the army would strike Hezbollah weapons".

Clauses that are habitual, aggregate or hypothetical ("has come under frequent drone
attacks", "can carry missiles"), negated ("denied its forces had fired") or about
something else that uses the words (a labour strike, a striker's goal) are skipped.
"""

from __future__ import annotations

import bisect
import enum
import functools
import re
from typing import NamedTuple

from llmextract import gazetteer
from llmextract.lexicon import Lexicon, lexicon
from llmextract.rules_phrases import (
    ActorPhrase,
    NounPhrase,
    actors,
    extend_coordination,
    noun_phrase,
)
from llmextract.schema import Status, StrikeType
from llmextract.textview import Sentence
from llmextract.wordindex import WordIndex, word_index


class Kind(enum.Enum):
    REPORT = "report"
    REFERENCE = "reference"


class Mention(NamedTuple):
    """One strike mention: where it is, what kind, and what its frame saw."""

    sentence: Sentence
    clause_start: int
    clause_end: int
    start: int
    """Where the evidence starts: the subject or noun phrase of the strike."""
    trigger_end: int
    kind: Kind
    status: Status
    weapon: NounPhrase | None = None
    attacker: ActorPhrase | None = None
    claimed_by_speaker: bool = False
    """The attacker is the one who says so ("The military said its jets struck")."""
    object_start: int | None = None
    """Where the thing hit is named (after "struck", "strike on")."""

    end: int = -1
    """Where the evidence ends (the clause end, or before "in retaliation for", "after")."""

    @property
    def evidence(self) -> tuple[int, int]:
        return self.start, self.end if self.end >= 0 else self.clause_end


# The first word of what a clause goes on to after its strike (the spaces before it are cut
# too); it follows a space, so the word index finds it.
_EVIDENCE_END = re.compile(
    r"(?<=\s)(?:in\s+(?:response|retaliation|reprisal|revenge)\s+(?:to|for)|"
    r"(?<!shortly\s)(?<!just\s)(?<!soon\s)after(?!\s+(?:midnight|dawn|noon|\d))|as|amid|"
    r"following|while|(?:a|one|two|three|several)\s+(?:days?|weeks?|hours?)\s+after|"
    r"in\s+what|which|who|saying|calling|in\s+the\s+(?:deadliest|latest|biggest|largest))\b",
    re.IGNORECASE,
)
_STRIKE_OBJECT = re.compile(
    r"\s+(?:an?\s+|the\s+)?(?:[\w“”\"-]+\s+){0,3}?(?:strikes?|attacks?|raids?)\b[”\"]?",
    re.IGNORECASE,
)
# "by the paramilitary Rapid Support Forces": articles and lower-case adjectives before a party.
_BY_LEAD = re.compile(r"(?:(?:the|a|an)\s+)?(?:[a-z][\w-]*\s+){0,2}?(?=[A-Z])")
# Where a subject starts: after "that", "said (on Sunday) (that)", "after", "when", ...
_SUBJECT_BOUNDARY = re.compile(
    r"\b(?:(?:said|says|added|announced)(?:\s+on\s+\w+)?(?:\s+that)?|that|after|when|and|as|"
    r"while|but)\s+"
)
_OWN = re.compile(r"(?:its|their)\s", re.IGNORECASE)
_SAID_BEFORE = re.compile(r"\s(?:said|says|claimed|announced)(?:\s+on\s+\w+)?(?:\s+that)?\s+$")
_PASSIVE_BEFORE = re.compile(
    r"\b(?:was|were|had\s+been|have\s+been|has\s+been|being|been)\s+(?:\w+ly\s+)?$"
)
_WORD_CHAR = re.compile(r"[\w-]")
_TARGET_PREPOSITION = re.compile(r"\s+(?:at|into|on|onto|toward|towards|against)\s+")
# Clause breaks: ; : ( ) a comma (not in "1,400") or a spaced dash; spaces around are trimmed.
# One character class first and the conditions after it: re then skips to the next of those
# characters instead of trying each alternative at every position (4x faster).
_CLAUSE_BREAK = re.compile(r"[;:(),—–-](?:(?<=[;:()])|(?<=,)(?!\d{3})|(?<=\s[—–-])(?=\s))")
# Before a subject: nothing but "the"/"also" in its clause, or one of these words.
_SUBJECT_OPENER = r"(?:(?:the|The|also|then|later|earlier)\s+)?"
_CLAUSE_OPENING = re.compile(_SUBJECT_OPENER)
_AFTER_SUBJECT_WORD = re.compile(
    r"\b(?:that|after|when|as|and|while|because|but|before|where|which|said|says|then|since|"
    r"once|until|whereas|although|though)\s+" + _SUBJECT_OPENER + "$"
)
_AUXILIARIES = (
    r"(?:\s+(?:had|has|have|also|reportedly|then|later|again|allegedly|all|both|twice|once|"
    r"apparently|first|just|would|will|could)\b)*"
)
_PASSIVE = r"\b(?:was|were|had\s+been|has\s+been|have\s+been|being|been|is|are)\s+"
_RELATIVE_SKIP = (
    r"(?:\s+(?:fired|launched|flying|carrying|dropped|sent|made|loaded)\s+[^,;]{0,60}?)?"
)
# What follows a strike noun that reports one ("strikes on ...", "an attack that killed"),
# and what governs one before it ("killed in an air strike").
_STRIKE_DETAIL = re.compile(
    r"\s+(?:on|against|in|near|by|at|that|which|carried\s+out|launched|"
    r"fired|hit|struck|killed|destroyed|targeting)\b|\s*$",
    re.IGNORECASE,
)
_GOVERNED = re.compile(r"\b(?:in|by|after|following|from|during|for)\s+$")
_ON_AGAINST = re.compile(r"\s+(?:on|against)\s+", re.IGNORECASE)
_WOULD = re.compile(r"\b(?:would|will)\b", re.IGNORECASE)
_DEFINITE_OBJECT = re.compile(
    r"^\s*(?:(?:some|most|all|many|several|none|part|\d[\d,]*|one|two|three|four|five|six|"
    r"seven|eight|nine|ten)\s+of\s+)?(?:the|them|those|these|its|their|it)\b",
    re.IGNORECASE,
)


@functools.cache
def _frames() -> dict[str, re.Pattern[str]]:
    lex = lexicon()
    hit = lex.hit_verbs.pattern
    return {
        "weapon_verb": re.compile(
            _RELATIVE_SKIP
            + _AUXILIARIES
            + rf"\s+(?:{hit}|{lex.launch_verbs.pattern}|{lex.damage_verbs}\b)",
            re.IGNORECASE,
        ),
        "actor_verb": re.compile(
            r"(?:[’']s\s+(?:[\w-]+\s+){0,2}?(?:leader|chief|commander|spokesman|spokesperson|head|"
            r"forces|military|army|navy|armed\s+wing))?"
            r"(?:\s+(?P<speech>said|warned|threatened|vowed|announced|added|confirmed|claimed|stated)"
            r"(?:\s+on\s+\w+)?(?:\s+that)?\s+(?:it|they|(?P<own>its\s+[\w-]+(?:\s+[\w-]+)?)))?"
            + _AUXILIARIES
            + rf"\s+(?:(?P<planned>{lex.plan_cues.pattern})|(?P<verb>"
            + "|".join([lex.hit_verbs.pattern, lex.launch_verbs.pattern, lex.conduct_verbs.pattern])
            + "))",
            re.IGNORECASE,
        ),
        "passive": re.compile(
            _PASSIVE + rf"(?:{hit}|{lex.damage_verbs})\s+(?:by|in)\s+", re.IGNORECASE
        ),
        "by_actor": re.compile(
            r"\s*(?:,\s*)?(?:(?:fired|launched|carried\s+out|sent|flown|operated|conducted)\s+)?by\s+",
            re.IGNORECASE,
        ),
        "that_actor": re.compile(r"\s+(?:that|which)\s+", re.IGNORECASE),
    }


# The word lists a frame starts from; launch and conduct verbs need a weapon or strike word
# in their clause as well, so they are not among them.
_TRIGGER_LISTS = (
    "any_weapon",
    "strike_nouns",
    "bare_strike_nouns",
    "hit_verbs",
    "intercept_verbs",
    "plan_cues",
)


class MentionFinder:
    """Finds strike mentions sentence by sentence in one decoded article text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lex: Lexicon = lexicon()
        self._context_start = 0
        self._military_here: bool | None = None
        self.index = word_index(text)
        self._matches = {
            name: list(self.index.finditer(getattr(self.lex, name))) for name in _TRIGGER_LISTS
        }
        self._by_list = {
            name: [m.start() for m in matches] for name, matches in self._matches.items()
        }
        self._triggers = sorted({at for starts in self._by_list.values() for at in starts})

    def sentence_mentions(
        self, sentence: Sentence, context_start: int | None = None
    ) -> list[Mention]:
        """The mentions of one sentence, in order, at most one per clause. Military context
        for a bare "strike" is looked for from ``context_start`` (the sentence before, say)."""
        if sentence.headline:
            return []
        if not self._has_trigger(sentence.start, sentence.end):
            return []  # no strike word at all: most sentences of most articles
        self._context_start = sentence.start if context_start is None else context_start
        self._military_here = None
        found: list[Mention] = []
        for cs, ce in self._trigger_clauses(sentence):
            found.extend(self._clause_mentions(sentence, cs, ce))
        return _deduplicated(found)

    def _find(self, pattern: re.Pattern[str], start: int, end: int) -> re.Match[str] | None:
        return self.index.search(pattern, start, end)

    def _has_trigger(self, start: int, end: int, *lists: str) -> bool:
        """Whether a word of the trigger lists (or of ``lists`` only) starts in the span."""
        for starts in [self._by_list[n] for n in lists] if lists else [self._triggers]:
            i = bisect.bisect_left(starts, start)
            if i < len(starts) and starts[i] < end:
                return True
        return False

    def _clause_matches(self, name: str, cs: int, ce: int) -> list[re.Match[str]]:
        """The matches of trigger list ``name`` in ``text[cs:ce]``, as the word index finds
        them there, taken from the article's matches found once: they are the same unless a
        match runs over either end or a word runs on past ``ce`` (a lexicon word list looks
        past its last letter only for such a word), and then they are found again."""
        matches, starts = self._matches[name], self._by_list[name]
        first = bisect.bisect_left(starts, cs)
        stop = bisect.bisect_left(starts, ce, first)
        if (
            (first and matches[first - 1].end() > cs)
            or (stop > first and matches[stop - 1].end() > ce)
            or _WORD_CHAR.match(self.text, ce)
        ):
            return list(self.index.finditer(getattr(self.lex, name), cs, ce))
        return matches[first:stop]

    def _evidence_end(self, start: int, trigger_end: int, clause_end: int) -> int:
        """Where a mention's evidence ends: before what the clause goes on to ("in
        retaliation for ...", "as residents gathered ..."), else at the clause end. Given
        to each mention as it is made (copying it afterwards costs more than this)."""
        cut = _evidence_cut(self.index, trigger_end, clause_end)
        end = clause_end if cut is None else cut
        while end > start and self.text[end - 1] in " .\"”’'":
            end -= 1
        return end

    # -- clauses ---------------------------------------------------------------------

    def _trigger_clauses(self, sentence: Sentence) -> list[tuple[int, int]]:
        """The clauses of the sentence that hold a trigger word, trimmed of spaces. A word
        never starts in spaces, so the untrimmed clause tells, and only these are trimmed."""
        spans = []
        start = sentence.start
        for m in _CLAUSE_BREAK.finditer(self.text, sentence.start, sentence.end):
            spans.append((start, m.start()))
            start = m.end()
        spans.append((start, sentence.end))
        return [_trimmed(self.text, s, e) for s, e in spans if self._has_trigger(s, e)]

    def _subject_position(self, cs: int, at: int) -> bool:
        """Whether a phrase at ``at`` can be the clause's subject: only "the"/"also" before
        it in the clause, or it follows "that", "after", "said", ..."""
        if _CLAUSE_OPENING.fullmatch(self.text, cs, at):
            return True
        return bool(_AFTER_SUBJECT_WORD.search(self.text, max(cs, at - 40), at))

    def _habitual(self, sentence: Sentence, cs: int, ce: int) -> bool:
        """Whether the clause is habitual, aggregate or hypothetical."""
        if self.index.search(self.lex.generic_cues, cs, ce):
            return True
        # "Over the past week, Russia launched ...": cues up to the clause's end count
        return bool(self.index.search(self.lex.aggregate_cues, sentence.start, ce))

    def _negated(self, cs: int, at: int) -> bool:
        """Whether the clause is negated before ``at`` ("denied its forces had fired")."""
        return self._find(self.lex.negation_cues, cs, max(cs, at)) is not None

    def _military(self, sentence: Sentence) -> bool:
        """Whether a bare "strike" in this sentence is a military one: military words here
        or in the context before it, and no sport, labour or trade words here."""
        if self._military_here is None:
            context = min(self._context_start, sentence.start)
            self._military_here = (
                self._find(self.lex.military_context, context, sentence.end) is not None
                and self._find(self.lex.non_military, sentence.start, sentence.end) is None
            )
        return self._military_here

    # -- frames ----------------------------------------------------------------------

    def _clause_mentions(self, sentence: Sentence, cs: int, ce: int) -> list[Mention]:
        """The frames that can apply to the clause (each needs its own kind of word)."""
        weapon = self._has_trigger(cs, ce, "any_weapon")
        strike = self._has_trigger(cs, ce, "strike_nouns", "bare_strike_nouns")
        found: list[Mention] = []
        if self._has_trigger(cs, ce, "intercept_verbs"):
            found += self._interceptions(sentence, cs, ce)
        found += self._actor_subjects(sentence, cs, ce)
        if weapon:
            found += self._weapon_subjects(sentence, cs, ce)
        if weapon or strike:
            found += self._passives(sentence, cs, ce)
        if strike:
            found += self._strike_nouns(sentence, cs, ce)
        if not found or self._habitual(sentence, cs, ce):
            return []
        return [m for m in found if not self._negated(cs, m.trigger_end)]

    def _weapon_subjects(self, sentence: Sentence, cs: int, ce: int) -> list[Mention]:
        found = []
        for w in self._clause_matches("any_weapon", cs, ce):
            np = noun_phrase(self.text, w.start(), w.end(), cs)
            if not self._subject_position(cs, np.start):
                continue
            end = extend_coordination(self.text, np.end, ce, self.lex)
            verb = _frames()["weapon_verb"].match(self.text, end, ce)
            if not verb or re.match(r"\s+(?:by|from)\b", self.text[verb.end() : ce]):
                continue  # "missiles fired by ...": a participle, not the clause's verb
            attacker = self._attacker_near(np.start, end, ce)
            kind = Kind.REFERENCE if np.definite else Kind.REPORT
            speaker = self._speaker(cs, np.start) if _OWN.match(self.text, np.start) else None
            if speaker is not None:  # "the agency said its drones hit ...": its own report
                kind, attacker = Kind.REPORT, speaker
            weapon = NounPhrase(np.start, end, np.head_start, np.definite, np.possessor)
            found.append(
                Mention(
                    sentence,
                    cs,
                    ce,
                    np.start,
                    verb.end(),
                    kind,
                    Status.OCCURRED,
                    weapon=weapon,
                    attacker=attacker,
                    claimed_by_speaker=speaker is not None,
                    object_start=verb.end(),
                    end=self._evidence_end(np.start, verb.end(), ce),
                )
            )
        return found

    def _actor_subjects(self, sentence: Sentence, cs: int, ce: int) -> list[Mention]:
        found = []
        for actor in actors(self.text, cs, ce):
            if not self._subject_position(cs, actor.start):
                continue
            m = _frames()["actor_verb"].match(self.text, actor.end, ce)
            if not m:
                continue
            claimed = m["speech"] is not None
            if m["planned"]:
                found.append(
                    Mention(
                        sentence,
                        cs,
                        ce,
                        actor.start,
                        m.end(),
                        Kind.REPORT,
                        Status.PLANNED,
                        attacker=actor,
                        claimed_by_speaker=claimed,
                        object_start=m.end(),
                        end=self._evidence_end(actor.start, m.end(), ce),
                    )
                )
                continue
            verb = m["verb"].lower()
            limit = min(ce, m.end() + 80)
            weapon = self._find(self.lex.any_weapon, m.end(), limit)
            strike = self._find(self.lex.strike_nouns, m.end(), limit) or self._find(
                self.lex.bare_strike_nouns, m.end(), limit
            )
            if strike and strike.group().lower().startswith("attack"):
                # a bare "attack" is a strike when aircraft or drones carry it out
                strike = strike if self._find(self.lex.any_weapon, actor.start, actor.end) else None
            if self.lex.launch_verbs.fullmatch(verb) and not (weapon or strike):
                continue
            conducted = self.lex.conduct_verbs.fullmatch(verb) and not self.lex.hit_verbs.fullmatch(
                verb
            )
            if conducted and not strike and not (weapon and verb.startswith("launch")):
                continue
            weapon_np = None
            if weapon and self.lex.launch_verbs.fullmatch(verb):
                np = noun_phrase(self.text, weapon.start(), weapon.end(), m.end())
                end = extend_coordination(self.text, np.end, ce, self.lex)
                weapon_np = NounPhrase(np.start, end, np.head_start, np.definite, np.possessor)
            object_start = self._object_start(m.end(), weapon_np.end if weapon_np else None, ce)
            own = m["own"] and self._find(self.lex.any_weapon, m.start("own"), m.end("own"))
            if weapon_np is None and own:  # "said its drones hit": the drones
                weapon_np = NounPhrase(m.start("own"), own.end(), own.start(), False)
            platform = self._find(self.lex.any_weapon, actor.start, actor.end)
            if weapon_np is None and platform:  # "Russian jets struck": the jets
                weapon_np = NounPhrase(actor.start, actor.end, platform.start(), False)
            status = Status.PLANNED if _WOULD.search(m.group()) else Status.OCCURRED
            found.append(
                Mention(
                    sentence,
                    cs,
                    ce,
                    actor.start,
                    m.end(),
                    Kind.REPORT,
                    status,
                    weapon=weapon_np,
                    attacker=actor,
                    claimed_by_speaker=claimed,
                    object_start=object_start,
                    end=self._evidence_end(actor.start, m.end(), ce),
                )
            )
        return found

    def _strike_nouns(self, sentence: Sentence, cs: int, ce: int) -> list[Mention]:
        found = []
        nouns = self._clause_matches("strike_nouns", cs, ce)
        if self._military(sentence):
            nouns = nouns + self._clause_matches("bare_strike_nouns", cs, ce)
        for n in nouns:
            if self.lex.non_military.match(self.text, n.start()):
                continue  # "air raid alerts"
            np = noun_phrase(self.text, n.start(), n.end(), cs)
            plural = n.group().lower().endswith("s") and not n.group().lower().endswith("ss")
            after = self.text[n.end() : ce]
            detail = _STRIKE_DETAIL.match(after)
            before = self.text[max(cs, np.start - 20) : np.start]
            governed = _GOVERNED.search(before)
            bare_attack = n.group().lower().startswith("attack")
            if np.definite and np.possessor is None:
                kind = Kind.REFERENCE
            elif bare_attack and np.possessor is None and not np.definite:
                continue  # "a large attack on an army base": not necessarily from the air
            elif np.possessor is not None and re.match(r"[A-Z][a-z]+day$", np.possessor):
                kind = Kind.REFERENCE  # "Friday's strike"
            elif np.possessor is not None:
                kind = Kind.REFERENCE  # "Iran's attack of Oct. 1": names the party, points back
            elif plural and not self._plural_reports(np, n.end(), ce):
                continue
            elif detail or governed:
                kind = Kind.REPORT
            else:
                continue
            attacker = self._attacker_in(np.start, n.end()) or self._attacker_by(n.end(), ce)
            if attacker is None and np.possessor:
                attacker = next(iter(actors(self.text, np.start, n.end())), None)
            on = _ON_AGAINST.match(after)
            found.append(
                Mention(
                    sentence,
                    cs,
                    ce,
                    np.start,
                    n.end(),
                    kind,
                    Status.OCCURRED,
                    attacker=attacker,
                    object_start=n.end() + on.end() if on else None,
                    end=self._evidence_end(np.start, n.end(), ce),
                )
            )
        return found

    def _plural_reports(self, np: NounPhrase, end: int, ce: int) -> bool:
        """ "Israeli strikes killed ...": a bare plural reports only with its party named
        and a verb of its own."""
        named = bool(actors(self.text, np.start, np.head_start))
        verb = _frames()["weapon_verb"].match(self.text, end, ce)
        return named and verb is not None

    def _passives(self, sentence: Sentence, cs: int, ce: int) -> list[Mention]:
        found = []
        for m in self.index.finditer(_frames()["passive"], cs, ce):
            w = self._find(self.lex.any_weapon, m.end(), min(ce, m.end() + 60))
            strike = self._find(self.lex.strike_nouns, m.end(), min(ce, m.end() + 60))
            head = w or strike
            if head is None:
                continue
            np = noun_phrase(self.text, head.start(), head.end(), m.end())
            if np.start != m.end() and self.text[m.end() : np.start].strip():
                continue
            if m.group().rstrip().lower().endswith(" in"):
                start = np.start  # "killed in an Israeli air strike on ...": the strike itself
            else:
                start = self._subject_start(cs, m.start())
            weapon = None
            if w is not None:
                end = extend_coordination(self.text, np.end, ce, self.lex)
                weapon = NounPhrase(np.start, end, np.head_start, np.definite, np.possessor)
            kind = Kind.REFERENCE if np.definite else Kind.REPORT
            found.append(
                Mention(
                    sentence,
                    cs,
                    ce,
                    start,
                    head.end(),
                    kind,
                    Status.OCCURRED,
                    weapon=weapon,
                    attacker=self._attacker_near(np.start, head.end(), ce),
                    end=self._evidence_end(start, head.end(), ce),
                )
            )
        return found

    def _interceptions(self, sentence: Sentence, cs: int, ce: int) -> list[Mention]:
        found = []
        for v in self._clause_matches("intercept_verbs", cs, ce):
            if _PASSIVE_BEFORE.search(self.text, max(cs, v.start() - 30), v.start()):
                found += self._passive_interception(sentence, cs, ce, v)
                continue
            w = self._find(self.lex.any_weapon, v.end(), min(ce, v.end() + 70))
            if w is None or self.lex.strike_nouns.match(self.text, w.start()):
                continue
            between = self.text[v.end() : w.start()]
            if len(between.split()) > 5 or re.search(r"\b(?:in|at|on|near|over)\b", between):
                continue
            np = noun_phrase(self.text, w.start(), w.end(), v.end())
            end = extend_coordination(self.text, np.end, sentence.end, self.lex)
            ce = max(ce, _clause_end_after(self.text, end, sentence.end))
            definite = np.definite or bool(_DEFINITE_OBJECT.match(between))
            kind = Kind.REFERENCE if definite else Kind.REPORT
            weapon = NounPhrase(np.start, end, np.head_start, definite, np.possessor)
            attacker = self._attacker_in(np.start, end) or self._attacker_after(end, ce)
            subject = self._subject_start(cs, v.start())
            found.append(
                Mention(
                    sentence,
                    cs,
                    ce,
                    subject,
                    end,
                    kind,
                    Status.INTERCEPTED,
                    weapon=weapon,
                    attacker=attacker,
                    end=self._evidence_end(subject, end, ce),
                )
            )
        return found

    def _passive_interception(
        self, sentence: Sentence, cs: int, ce: int, verb: re.Match[str]
    ) -> list[Mention]:
        """ "A Russian missile was intercepted over Kyiv": the weapon is the subject."""
        passive = _PASSIVE_BEFORE.search(self.text, max(cs, verb.start() - 30), verb.start())
        assert passive is not None
        weapons = list(self.index.finditer(self.lex.any_weapon, cs, passive.start()))
        if not weapons or self.text[weapons[-1].end() : passive.start()].strip():
            return []  # "most of them were shot down": no weapon named as the subject
        w = weapons[-1]
        np = noun_phrase(self.text, w.start(), w.end(), cs)
        if not self._subject_position(cs, np.start):
            return []
        kind = Kind.REFERENCE if np.definite else Kind.REPORT
        attacker = self._attacker_in(np.start, w.end()) or self._attacker_after(verb.end(), ce)
        return [
            Mention(
                sentence,
                cs,
                ce,
                np.start,
                verb.end(),
                kind,
                Status.INTERCEPTED,
                weapon=NounPhrase(np.start, w.end(), np.head_start, np.definite, np.possessor),
                attacker=attacker,
                end=self._evidence_end(np.start, verb.end(), ce),
            )
        ]

    def _object_start(self, verb_end: int, weapon_end: int | None, limit: int) -> int | None:
        """Where the thing hit is named: right after a verb of hitting ("struck a
        market"), or after "at"/"into"/"on" past a fired weapon ("fired a missile into
        the building") or a strike noun ("carried out strikes on ...")."""
        after = weapon_end
        if after is None:
            strike = _STRIKE_OBJECT.match(self.text, verb_end, limit)
            if strike is None:
                return verb_end
            after = strike.end()
        at = _TARGET_PREPOSITION.match(self.text, after, limit)
        return at.end() if at else None

    # -- attackers -------------------------------------------------------------------

    def _speaker(self, cs: int, at: int) -> ActorPhrase | None:
        """The armed party that says what follows: "Ukraine's military said (that) ..."."""
        said = _SAID_BEFORE.search(self.text, cs, at)
        if said is None:
            return None
        found = actors(self.text, cs, said.start())
        return found[0] if found else None

    def _subject_start(self, cs: int, verb_start: int) -> int:
        """Where the subject before a verb starts: after the last "that"/"said" or the
        clause start."""
        lead = self.text[cs:verb_start]
        boundaries = list(_SUBJECT_BOUNDARY.finditer(lead))
        start = cs + (boundaries[-1].end() if boundaries else 0)
        while start < verb_start and self.text[start].isspace():
            start += 1
        return start

    def _attacker_in(self, start: int, end: int) -> ActorPhrase | None:
        """A party named inside a noun phrase: "Russian" in "two Russian missiles"."""
        inside = actors(self.text, start, end)
        if inside:
            return inside[0]
        for m in gazetteer.country_mentions(self.text, start, end):
            word = self.text[m.start : m.end]
            name = f"{word} military" if m.demonym else word
            return ActorPhrase(m.start, m.end, name, frozenset({m.code}))
        return None

    def _attacker_by(self, end: int, limit: int) -> ActorPhrase | None:
        """ "... by the Saudi-led coalition", "... fired by the Houthis"."""
        m = _frames()["by_actor"].match(self.text, end, limit)
        if not m:
            return None
        lead = _BY_LEAD.match(self.text, m.end(), limit)
        at = lead.end() if lead else m.end()
        found = [a for a in actors(self.text, m.end(), min(limit, at + 60)) if a.start == at]
        return found[0] if found else self._attacker_in(at, min(limit, at + 30))

    def _attacker_after(self, end: int, limit: int) -> ActorPhrase | None:
        """ "missiles that Russia fired", "a drone fired by the Houthis", "launched by"."""
        by = self._attacker_by(end, limit)
        if by is not None:
            return by
        m = re.match(r"[^,;]{0,40}?\b(?:fired|launched|sent)\s+by\s+", self.text[end:limit])
        if m:
            return self._attacker_by(end + m.end() - len("by "), limit)
        rel = _frames()["that_actor"].match(self.text, end, limit)
        if rel:
            candidates = actors(self.text, rel.end(), min(limit, rel.end() + 50))
            if candidates and candidates[0].start - rel.end() <= 4:
                return candidates[0]
        return None

    def _attacker_near(self, np_start: int, np_end: int, limit: int) -> ActorPhrase | None:
        return self._attacker_in(np_start, np_end) or self._attacker_after(np_end, limit)


def _evidence_cut(index: WordIndex, start: int, end: int) -> int | None:
    """Where, in ``text[start:end]``, the spaces before the first word of _EVIDENCE_END
    begin (not before ``start``): what ``\\s+`` and that word would match first."""
    word = index.search(_EVIDENCE_END, start + 1, end)
    if word is None:
        return None
    cut = word.start()
    while cut > start and index.text[cut - 1].isspace():
        cut -= 1
    return cut


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _clause_end_after(text: str, at: int, limit: int) -> int:
    m = _CLAUSE_BREAK.search(text, at, limit)
    return m.start() if m else limit


def _deduplicated(found: list[Mention]) -> list[Mention]:
    """One mention per clause: the report, then the one with an attacker, then the
    earliest."""
    ranked = sorted(found, key=lambda m: (m.kind is not Kind.REPORT, m.attacker is None, m.start))
    kept: list[Mention] = []
    for m in ranked:
        if any(_overlap(m, k) for k in kept):
            continue
        kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def _overlap(a: Mention, b: Mention) -> bool:
    return a.clause_start == b.clause_start


def strike_type_of(
    text: str, start: int, end: int, lex: Lexicon | None = None
) -> StrikeType | None:
    """The strike type of the first weapon or strike word in ``text[start:end]``."""
    lex = lex or lexicon()
    index = word_index(text)
    best: tuple[int, int, StrikeType] | None = None
    for kind, pattern in lex.strike_types.items():
        m = index.search(pattern, start, end)
        if m and (best is None or (m.start(), -m.end()) < (best[0], -best[1])):
            best = (m.start(), m.end(), kind)
    return best[2] if best else None
