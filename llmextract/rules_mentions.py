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

import dataclasses
import enum
import functools
import re
from dataclasses import dataclass

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


class Kind(enum.Enum):
    REPORT = "report"
    REFERENCE = "reference"


@dataclass(frozen=True)
class Mention:
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


_EVIDENCE_END = re.compile(
    r"\s+(?:in\s+(?:response|retaliation|reprisal|revenge)\s+(?:to|for)|"
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
_TARGET_PREPOSITION = re.compile(r"\s+(?:at|into|on|onto|toward|towards|against)\s+")
_CLAUSE_BREAK = re.compile(r"\s*(?:[;:]|,(?!\d{3})|\s[—–-]\s|\(|\))\s*")
_SUBJECT_LEAD = re.compile(
    r"(?:^|\b(?:that|after|when|as|and|while|because|but|before|where|which|said|says|"
    r"then|since|once|until|whereas|although|though)\s+)(?:(?:the|The|also|then|later|"
    r"earlier)\s+)?$"
)
_AUXILIARIES = (
    r"(?:\s+(?:had|has|have|also|reportedly|then|later|again|allegedly|all|both|twice|once|"
    r"apparently|first|just|would|will|could)\b)*"
)
_PASSIVE = r"\b(?:was|were|had\s+been|has\s+been|have\s+been|being|been|is|are)\s+"
_RELATIVE_SKIP = (
    r"(?:\s+(?:fired|launched|flying|carrying|dropped|sent|made|loaded)\s+[^,;]{0,60}?)?"
)
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
            r"(?:\s+on\s+\w+)?(?:\s+that)?\s+(?:it|they|its\s+[\w-]+(?:\s+[\w-]+)?))?"
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


class MentionFinder:
    """Finds strike mentions sentence by sentence in one decoded article text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lex: Lexicon = lexicon()
        self._context_start = 0

    def sentence_mentions(
        self, sentence: Sentence, context_start: int | None = None
    ) -> list[Mention]:
        """The mentions of one sentence, in order, at most one per clause. Military context
        for a bare "strike" is looked for from ``context_start`` (the sentence before, say)."""
        if sentence.headline:
            return []
        self._context_start = sentence.start if context_start is None else context_start
        found: list[Mention] = []
        for cs, ce in self._clauses(sentence):
            found.extend(self._clause_mentions(sentence, cs, ce))
        return [self._with_end(m) for m in _deduplicated(found)]

    def _with_end(self, m: Mention) -> Mention:
        """The mention with its evidence cut before what the clause goes on to ("in
        retaliation for ...", "as residents gathered ...")."""
        cut = _EVIDENCE_END.search(self.text, m.trigger_end, m.clause_end)
        end = cut.start() if cut else m.clause_end
        while end > m.start and self.text[end - 1] in " .\"”’'":
            end -= 1
        return dataclasses.replace(m, end=end)

    # -- clauses ---------------------------------------------------------------------

    def _clauses(self, sentence: Sentence) -> list[tuple[int, int]]:
        spans = []
        start = sentence.start
        for m in _CLAUSE_BREAK.finditer(self.text, sentence.start, sentence.end):
            if m.start() > start:
                spans.append((start, m.start()))
            start = m.end()
        if sentence.end > start:
            spans.append((start, sentence.end))
        return [(s, e) for s, e in spans if self.text[s:e].strip()]

    def _skipped(self, sentence: Sentence, cs: int, ce: int, at: int) -> bool:
        """Whether the clause is habitual, aggregate, hypothetical or negated before ``at``."""
        clause = self.text[cs:ce]
        if self.lex.generic_cues.search(clause):
            return True
        if self.lex.aggregate_cues.search(self.text, sentence.start, ce):
            return True  # "Over the past week, Russia launched ...": up to the clause's end
        return bool(self.lex.negation_cues.search(self.text, cs, max(cs, at)))

    def _military(self, sentence: Sentence) -> bool:
        """Whether a bare "strike" in this sentence is a military one: military words here
        or in the context before it, and no sport, labour or trade words here."""
        context = self.text[min(self._context_start, sentence.start) : sentence.end]
        here = self.text[sentence.start : sentence.end]
        return bool(self.lex.military_context.search(context)) and not self.lex.non_military.search(
            here
        )

    # -- frames ----------------------------------------------------------------------

    def _clause_mentions(self, sentence: Sentence, cs: int, ce: int) -> list[Mention]:
        found: list[Mention] = []
        found += self._interceptions(sentence, cs, ce)
        found += self._actor_subjects(sentence, cs, ce)
        found += self._weapon_subjects(sentence, cs, ce)
        found += self._passives(sentence, cs, ce)
        found += self._strike_nouns(sentence, cs, ce)
        return [m for m in found if not self._skipped(sentence, cs, ce, m.trigger_end)]

    def _weapon_subjects(self, sentence: Sentence, cs: int, ce: int) -> list[Mention]:
        found = []
        for w in self.lex.any_weapon.finditer(self.text, cs, ce):
            np = noun_phrase(self.text, w.start(), w.end(), cs)
            if not _SUBJECT_LEAD.search(self.text[cs : np.start]):
                continue
            end = extend_coordination(self.text, np.end, ce, self.lex)
            verb = _frames()["weapon_verb"].match(self.text, end, ce)
            if not verb or re.match(r"\s+(?:by|from)\b", self.text[verb.end() : ce]):
                continue  # "missiles fired by ...": a participle, not the clause's verb
            kind = Kind.REFERENCE if np.definite else Kind.REPORT
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
                    attacker=self._attacker_near(np.start, end, ce),
                    object_start=verb.end(),
                )
            )
        return found

    def _actor_subjects(self, sentence: Sentence, cs: int, ce: int) -> list[Mention]:
        found = []
        for actor in actors(self.text, cs, ce):
            if not _SUBJECT_LEAD.search(self.text[cs : actor.start]):
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
                    )
                )
                continue
            verb = m["verb"].lower()
            rest = self.text[m.end() : min(ce, m.end() + 80)]
            weapon = self.lex.any_weapon.search(rest)
            strike = self.lex.strike_nouns.search(rest) or self.lex.bare_strike_nouns.search(rest)
            if strike and strike.group().lower().startswith("attack"):
                # a bare "attack" is a strike when aircraft or drones carry it out
                strike = (
                    strike
                    if self.lex.any_weapon.search(self.text, actor.start, actor.end)
                    else None
                )
            if self.lex.launch_verbs.fullmatch(verb) and not (weapon or strike):
                continue
            conducted = self.lex.conduct_verbs.fullmatch(verb) and not self.lex.hit_verbs.fullmatch(
                verb
            )
            if conducted and not strike and not (weapon and verb.startswith("launch")):
                continue
            weapon_np = None
            if weapon and self.lex.launch_verbs.fullmatch(verb):
                ws, we = m.end() + weapon.start(), m.end() + weapon.end()
                np = noun_phrase(self.text, ws, we, m.end())
                end = extend_coordination(self.text, np.end, ce, self.lex)
                weapon_np = NounPhrase(np.start, end, np.head_start, np.definite, np.possessor)
            object_start = self._object_start(m.end(), weapon_np.end if weapon_np else None, ce)
            platform = self.lex.any_weapon.search(self.text, actor.start, actor.end)
            if weapon_np is None and platform:  # "Russian jets struck": the jets
                weapon_np = NounPhrase(actor.start, actor.end, platform.start(), False)
            status = (
                Status.PLANNED
                if re.search(r"\b(?:would|will)\b", m.group(), re.IGNORECASE)
                else Status.OCCURRED
            )
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
                )
            )
        return found

    def _strike_nouns(self, sentence: Sentence, cs: int, ce: int) -> list[Mention]:
        found = []
        nouns = list(self.lex.strike_nouns.finditer(self.text, cs, ce))
        if self._military(sentence):
            nouns += list(self.lex.bare_strike_nouns.finditer(self.text, cs, ce))
        for n in nouns:
            if self.lex.non_military.match(self.text, n.start()):
                continue  # "air raid alerts"
            np = noun_phrase(self.text, n.start(), n.end(), cs)
            plural = n.group().lower().endswith("s") and not n.group().lower().endswith("ss")
            after = self.text[n.end() : ce]
            detail = re.match(
                r"\s+(?:on|against|in|near|by|at|that|which|carried\s+out|launched|"
                r"fired|hit|struck|killed|destroyed|targeting)\b|\s*$",
                after,
                re.IGNORECASE,
            )
            before = self.text[max(cs, np.start - 20) : np.start]
            governed = re.search(r"\b(?:in|by|after|following|from|during|for)\s+$", before)
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
            on = re.match(r"\s+(?:on|against)\s+", after, re.IGNORECASE)
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
        for m in _frames()["passive"].finditer(self.text, cs, ce):
            w = self.lex.any_weapon.search(self.text, m.end(), min(ce, m.end() + 60))
            strike = self.lex.strike_nouns.search(self.text, m.end(), min(ce, m.end() + 60))
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
                )
            )
        return found

    def _interceptions(self, sentence: Sentence, cs: int, ce: int) -> list[Mention]:
        found = []
        for v in self.lex.intercept_verbs.finditer(self.text, cs, ce):
            after = self.text[v.end() : min(ce, v.end() + 70)]
            w = self.lex.any_weapon.search(after)
            if w is None or self.lex.strike_nouns.match(after, w.start()):
                continue
            between = after[: w.start()]
            if len(between.split()) > 5 or re.search(r"\b(?:in|at|on|near|over)\b", between):
                continue
            ws, we = v.end() + w.start(), v.end() + w.end()
            np = noun_phrase(self.text, ws, we, v.end())
            end = extend_coordination(self.text, np.end, sentence.end, self.lex)
            ce = max(ce, _clause_end_after(self.text, end, sentence.end))
            definite = np.definite or bool(_DEFINITE_OBJECT.match(between))
            passive_subject = re.search(_PASSIVE + r"$", self.text[cs : v.start()] + " ")
            if passive_subject:
                continue
            subject = self._subject_start(cs, v.start())
            kind = Kind.REFERENCE if definite else Kind.REPORT
            weapon = NounPhrase(np.start, end, np.head_start, definite, np.possessor)
            attacker = self._attacker_in(np.start, end) or self._attacker_after(end, ce)
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
                )
            )
        return found

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
    best: tuple[int, int, StrikeType] | None = None
    for kind, pattern in lex.strike_types.items():
        m = pattern.search(text, start, end)
        if m and (best is None or (m.start(), -m.end()) < (best[0], -best[1])):
            best = (m.start(), m.end(), kind)
    return best[2] if best else None
