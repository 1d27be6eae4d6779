"""Casualty claims in a sentence and who makes them.

"killing at least 10 people", "40 people were killed", "nine civilians, including four
children, were killed", "wounding 35 others", "the bodies of 29 children", "a woman was
injured": one claim per figure and outcome, its bounds read by
:func:`llmextract.normalize.casualty_bounds` from the quote itself. The source is the
party the sentence attributes it to ("..., the ministry said", "according to X"); none
when the article says it in its own voice.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from llmextract.lexicon import lexicon
from llmextract.normalize import casualty_bounds
from llmextract.schema import Outcome, VictimGroup
from llmextract.wordindex import word_index

_QUANTIFIER = (
    r"(?:(?:at\s+least|more\s+than|over|up\s+to|as\s+many\s+as|nearly|almost|about|around|"
    r"some|an\s+estimated|roughly|approximately|fewer\s+than|less\s+than|another)\s+)?"
)
_UNIT = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen)"
)
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_NUMBER = (
    rf"(?:\d[\d,]*(?:\s+(?:hundred|thousand))?|{_TENS}(?:-{_UNIT})?|{_UNIT}|an?\s+dozen|"
    r"dozens|scores|hundreds|several|a\s+number)"
)
_BE = r"(?:(?:were|was|had\s+been|are|is|being|been)\s+)"
_NOT_AFTER = re.compile(r"\b(?:has|have|had)\s+$", re.IGNORECASE)
# "April 3 killed five": the 3 is a day of the month, not a count.
_MONTH_BEFORE = re.compile(
    r"\b(?-i:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+$"
)


# The sentence gate below runs over most of an article, so it searches the word index's lower-cased
# text case-sensitively: re then skips to the first letters of the words (4x faster than
# an IGNORECASE search of the text).
_CASUALTY_WORD = re.compile(r"kill|dead|died|death|wound|injur|hurt|bodies|lives")


@dataclass(frozen=True)
class Claim:
    """One casualty figure: ``text[start:end]`` is its quote."""

    start: int
    end: int
    outcome: Outcome
    low: int | None
    high: int | None
    victims: str | None
    victim_group: VictimGroup
    source: str | None


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    lex = lexicon()
    victims = (
        rf"(?P<victims>(?:(?:of\s+(?:its|their|the)\s+)|(?:[\w’'-]+\s+){{0,3}}?)"
        rf"(?:{lex.victim_words}))\b"
    )
    killed, injured = lex.killed_words, lex.injured_words
    number = rf"(?P<num>{_QUANTIFIER}{_NUMBER})\b"
    return {
        "verb_first": re.compile(
            rf"\b(?P<verb>killing|killed|kills|wounding|wounded|injuring|injured|injures)\s+"
            rf"(?:{number}(?:\s+{victims})?|(?P<one>an?\s+(?:[\w-]+\s+){{0,2}}?(?:{lex.one_person}))\b)",
            re.IGNORECASE,
        ),
        "number_first": re.compile(
            rf"(?<![\w,.-])(?<!\bno\s){number}(?:\s+{victims})?(?:,[^,]{{1,60}},)?\s+"
            rf"(?:{_BE}|also\s+)*(?P<verb>{killed}|{injured})\b",
            re.IGNORECASE,
        ),
        "one_person": re.compile(
            rf"(?<!\bno\s)\b(?P<one>(?:an?|one)\s+(?:[\w-]+\s+){{0,2}}?(?:{lex.one_person}))\s+{_BE}"
            rf"(?:also\s+)?(?P<verb>killed|injured|wounded|hurt)\b",
            re.IGNORECASE,
        ),
        "bodies_of": re.compile(
            rf"\b(?:the\s+)?bodies\s+of\s+{number}(?:\s+{victims})?", re.IGNORECASE
        ),
        "bodies": re.compile(rf"(?<![\w,.-]){number}\s+bodies\b", re.IGNORECASE),
        "source_end": re.compile(
            rf",\s+(?P<source>[^,]{{3,90}}?)\s+(?:{lex.source_verbs})(?:\s+on\s+\w+)?[.\"”]*$"
        ),
        "source_start": re.compile(
            rf"^(?P<source>[^,]{{3,90}}?)(?:,[^,]{{1,80}},)?\s+(?:{lex.source_verbs})\b"
        ),
        "according": re.compile(r"\baccording\s+to\s+(?P<source>[^,.;]{3,90})", re.IGNORECASE),
        # What "source_end" and "source_start" both need: a cheap test before them.
        "source_verb": re.compile(rf"\s(?:{lex.source_verbs})\b"),
    }


_PRONOUNS = re.compile(r"^(?:he|she|it|they|we|i|officials|sources)$", re.IGNORECASE)
_LEADING_THE = re.compile(r"^(?:the|The)\s+")


def _clean_source(source: str | None) -> str | None:
    if source is None:
        return None
    cleaned = _LEADING_THE.sub("", source.strip().strip('“”"'))
    if not cleaned or _PRONOUNS.match(cleaned) or len(cleaned.split()) > 10:
        return None
    return cleaned


def sentence_source(text: str, start: int, end: int) -> str | None:
    """Who the sentence ``text[start:end]`` is attributed to, if anyone."""
    sentence = text[start:end]
    p = _patterns()
    if word_index(text).lowered.find("according", start, end) >= 0:
        m = p["according"].search(sentence)
        if m:
            return _clean_source(m["source"])
    if not p["source_verb"].search(sentence):
        return None  # "X said": the other two patterns need a verb of saying
    for name in ("source_end", "source_start"):
        m = p[name].search(sentence)
        if m:
            return _clean_source(m["source"])
    return None


@functools.lru_cache(maxsize=256)
def _outcome(verb: str) -> Outcome:
    lex = lexicon()
    return (
        Outcome.INJURED if re.fullmatch(lex.injured_words, verb, re.IGNORECASE) else Outcome.KILLED
    )


def _group(victims: str | None) -> VictimGroup:
    if not victims:
        return VictimGroup.UNKNOWN
    for group, pattern in lexicon().victim_groups:
        if pattern.search(victims):
            return group
    return VictimGroup.UNKNOWN


def claims(text: str, start: int, end: int) -> list[Claim]:
    """Every casualty claim in the sentence ``text[start:end]``, in order."""
    index = word_index(text)  # most of the patterns start with a word: tried only there
    if not _CASUALTY_WORD.search(index.lowered, start, end):
        return []
    found: list[Claim] = []
    source: str | None = None  # whose claims they are: read with the first one
    p = _patterns()
    bodies = index.lowered.find("bodies", start, end) >= 0
    for name in ("verb_first", "number_first", "one_person", "bodies_of", "bodies"):
        if name.startswith("bodies") and not bodies:
            continue
        for m in index.finditer(p[name], start, end):
            if _NOT_AFTER.search(text, max(start, m.start() - 12), m.start()):
                continue  # "has killed thousands": a running total, not a claim
            if name == "number_first" and re.search(r"\bha(?:s|ve)\s+been\b", m.group()):
                continue
            if _MONTH_BEFORE.search(text, max(start, m.start() - 12), m.start()):
                continue
            quote = m.group().strip()
            bounds = casualty_bounds(quote)
            if bounds is None:
                continue
            verb = m.groupdict().get("verb") or "killed"
            victims = m.groupdict().get("victims") or m.groupdict().get("one")
            if victims:
                victims = re.sub(r"^of\s+(?:its|their|the)?\s*", "", victims.strip())
            if not found:
                source = sentence_source(text, start, end)
            found.append(
                Claim(
                    m.start(),
                    m.start() + len(quote),
                    _outcome(verb),
                    bounds[0],
                    bounds[1],
                    victims.strip() if victims else None,
                    _group(victims),
                    source,
                )
            )
    return _without_overlaps(found)


def _without_overlaps(found: list[Claim]) -> list[Claim]:
    kept: list[Claim] = []
    for claim in sorted(found, key=lambda c: (c.start, -(c.end - c.start))):
        if any(claim.start < k.end and k.start < claim.end for k in kept):
            continue
        kept.append(claim)
    return kept
