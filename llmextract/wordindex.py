"""Find where a large word-list pattern matches without scanning the text with it.

Python's ``re`` tries every alternative of a pattern at every position, so a list of a
hundred weapon words costs far more per kilobyte than splitting the text into words. A
:class:`WordIndex` splits a text into words once; :func:`first_keys` reads from the parsed
pattern the words a match can start with (:func:`keys`, every literal word of the pattern,
when it cannot tell); the pattern is then tried only where a word of the text has one of
those keys. Every match of the pattern starts at such a word, so
the result is the same as ``pattern.finditer`` (``test_wordindex.py`` checks it on real
articles), only faster.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
import re._constants as sre  # type: ignore[import-not-found]
import re._parser as sre_parse  # type: ignore[import-not-found]
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

_PREFIX = 5
# A number is a word too, and every number has this key: "22", "2024", "1,400" (at its 1).
NUMBER_KEY = "0"
# The words of a text are its runs of a-z (in the lower-cased text) and its numbers (runs of
# digits, in any script). re tries a pattern at a hundred-odd instructions a character, so
# the letter runs are found by string methods instead (:func:`_letter_runs`), numbers by re:
# written "\d\d*", not "\d+", because re skips ahead to a character of a pattern's leading
# class without trying the pattern there, but not to that of a leading repeat (half the cost).
_NUMBER = re.compile(r"\d\d*")
# Bytes to bytes: a-z stay, every other byte becomes a space.
_LETTERS_ONLY = bytes(c if ord("a") <= c <= ord("z") else ord(" ") for c in range(256))
# Characters other than A-Z that re.IGNORECASE matches to a Latin letter, with that letter.
# All but the Kelvin sign lower-case to no Latin letter (the dotted capital I to two
# characters, which would shift every offset after it), so they are replaced first.
LATIN_LOOKALIKES = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}


def fold_latin_lookalikes(text: str) -> str:
    """``text`` with each of :data:`LATIN_LOOKALIKES` replaced by its letter, offset for
    offset (``str.replace`` returns the text itself when the character is absent)."""
    for char, letter in LATIN_LOOKALIKES.items():
        text = text.replace(char, letter)
    return text


def ignorecase_lower(text: str) -> str:
    """``text`` lower-cased as re.IGNORECASE compares Latin letters, offset for offset."""
    return fold_latin_lookalikes(text).lower()


def word_key(word: str) -> str:
    """What a word is looked up by: its first five letters, or a four-letter word without
    a plural s, or a shorter word whole ("missiles" and "missile" -> "missi", "jets" and
    "jet" -> "jet", "its" -> "its")."""
    lower = word.lower()
    if len(lower) >= _PREFIX:
        return lower[:_PREFIX]
    return lower.removesuffix("s") if len(lower) == _PREFIX - 1 else lower


# Caches here are keyed by a pattern's source, never by the compiled pattern: hashing a
# compiled pattern hashes all of its compiled code, every time (14 us for the country names).


def first_keys(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The keys of the words a match of ``pattern`` can start with ("began", "started",
    "struck", ... of the hit verbs, not "striking" or "to"), read from the parsed pattern;
    a match that starts with a digit has :data:`NUMBER_KEY`. ``None`` when the pattern is
    beyond this reading (a match may start with ``\\w`` or punctuation, or inside a word:
    no boundary check before its first character)."""
    return _source_first_keys(pattern.pattern, pattern.flags)


class _Unreadable(Exception):
    """The pattern has a construct the first-word reading does not follow."""


# A reading state: the lower-case letters of the first word read so far; whether that word
# is complete (a non-letter, a word boundary or five letters reached: the key is fixed); and
# whether a boundary check comes before it (so a match cannot start inside a word).
_State = tuple[str, bool, bool]
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_MAX_CLASS = 64  # a character class with more members than this is not enumerated
_SPACE_CLASS = [(sre.CATEGORY, sre.CATEGORY_SPACE)]  # \s


@functools.cache
def _source_first_keys(source: str, flags: int) -> frozenset[str] | None:
    try:
        states = _read(sre_parse.parse(source, flags), {("", False, False)})
    except _Unreadable:
        return None
    if any(not done for _, done, _ in states):
        return None  # a match may be empty, or its first word may run on past the pattern
    return frozenset(word_key(word) for word, _, _ in states)


def _read(items: Iterable[tuple[Any, Any]], states: set[_State]) -> set[_State]:
    """The states after reading the pattern items ``items`` from each of ``states``."""
    for op, av in items:
        if all(done for _, done, _ in states):
            return states
        if op is sre.LITERAL:
            states = _step(states, [chr(av)])
        elif op is sre.IN:
            states = _step(states, _members(av))
        elif op is sre.BRANCH:
            states = set().union(*(_read(alt, states) for alt in av[1]))
        elif op is sre.SUBPATTERN:
            states = _read(av[3], states)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            states = _repeat(av, states)
        elif op is sre.AT or (op is sre.ASSERT_NOT and _is_word_class(av[1])):
            if op is sre.AT and av not in (sre.AT_BOUNDARY, sre.AT_BEGINNING):
                raise _Unreadable(op)
            # a boundary after letters ends the word; before them it anchors it
            states = {(w, done or bool(w), anchored or not w) for w, done, anchored in states}
        elif op is sre.ASSERT and av[0] < 0 and list(av[1]) == [(sre.IN, _SPACE_CLASS)]:
            # "(?<=\s)": a space before, so a word starts here (never inside one)
            if any(w and not done for w, done, _ in states):
                raise _Unreadable(op)
            states = {(w, done, anchored or not w) for w, done, anchored in states}
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            if av[0] > 0 and any(w and not done for w, done, _ in states):
                raise _Unreadable(op)  # a lookahead inside a word
        else:
            raise _Unreadable(op)
    return states


def _step(states: set[_State], chars: list[str]) -> set[_State]:
    """The states after one character that is one of ``chars``."""
    after: set[_State] = set()
    for word, done, anchored in states:
        if done:
            after.add((word, done, anchored))
            continue
        for char in chars:
            lower = ignorecase_lower(char)
            if not word and anchored and char.isdecimal():
                after.add((NUMBER_KEY, True, anchored))
                continue
            if not word and not (lower in _LETTERS and anchored):
                raise _Unreadable(char)  # a match may start where the index has no word
            if lower in _LETTERS:
                after.add((word + lower, len(word) + 1 == _PREFIX, anchored))
            else:
                after.add((word, True, anchored))
    return after


def _repeat(av: tuple[int, int, Any], states: set[_State]) -> set[_State]:
    low, high, item = av
    for _ in range(low):
        states = _read(item, states)
    seen = set(states)
    current = states
    for _ in range(high - low):
        current = _read(item, current) - seen
        if not current:
            break  # no new states: more repeats read nothing new
        seen |= current
    return seen


def _members(charset: list[tuple[Any, Any]]) -> list[str]:
    """The characters of a class; digit and space classes stand for one non-letter."""
    chars: list[str] = []
    for op, av in charset:
        if op is sre.LITERAL:
            chars.append(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < _MAX_CLASS:
            chars.extend(chr(c) for c in range(av[0], av[1] + 1))
        elif op is sre.CATEGORY and av in (sre.CATEGORY_DIGIT, sre.CATEGORY_SPACE):
            chars.append("0" if av is sre.CATEGORY_DIGIT else " ")
        else:
            raise _Unreadable(op)
    return chars


def _is_word_class(item: Any) -> bool:
    """Whether a lookaround's content is a class holding ``\\w``: ``(?![\\w-])``. Not a
    negated one: ``(?<![^\\w])`` asks for a word character before, inside a word."""
    if len(item) != 1 or item[0][0] is not sre.IN:
        return False
    members = item[0][1]
    return (sre.CATEGORY, sre.CATEGORY_WORD) in members and (sre.NEGATE, None) not in members


class WordIndex:
    """The words of one text, by key: where each key's words start."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lowered = ignorecase_lower(text)
        """The text lower-cased offset for offset as re.IGNORECASE reads it."""
        where: dict[str, list[int]] = {}
        words, starts = _letter_runs(self.lowered)
        for word, at in zip(words, starts, strict=True):
            key = word[:_PREFIX]  # word_key, but for four-letter plurals: rekeyed below
            if key in where:
                where[key].append(at)
            else:
                where[key] = [at]
        for plural in [key for key in where if len(key) == _PREFIX - 1 and key[-1] == "s"]:
            singular = plural[:-1]  # word_key: "jets" is found under "jet"
            where[singular] = sorted(where.get(singular, []) + where.pop(plural))
        numbers = [m.start() for m in _NUMBER.finditer(self.lowered)]
        if numbers:
            where[NUMBER_KEY] = numbers
        self._where = where
        # Where each pattern may start, by the pattern's id(): the entry holds the pattern,
        # so no other pattern can take that id while the index lives (and an id is cheaper
        # to hash than the source, which every call would look up).
        self._candidates: dict[int, tuple[re.Pattern[str], list[int] | None]] = {}

    def _cut_word(self, end: int) -> int | None:
        """Where the word that ``end`` cuts in two starts ("Mayor" cut after "May"): in
        ``text[:end]`` that word is shorter and may have another key."""
        lowered = self.lowered
        if not (
            0 < end < len(lowered) and lowered[end - 1] in _LETTERS and lowered[end] in _LETTERS
        ):
            return None
        at = end - 1
        while at > 0 and lowered[at - 1] in _LETTERS:
            at -= 1
        return at

    def positions(self, wanted: frozenset[str]) -> list[int]:
        """Where the words with one of the keys ``wanted`` start, in order."""
        found: list[int] = []
        for key in wanted & self._where.keys():
            found.extend(self._where[key])
        return sorted(found)

    def _starts(self, pattern: re.Pattern[str], first: frozenset[str] | None) -> list[int] | None:
        """Where a match of ``pattern`` may start; ``None`` when the index cannot tell."""
        entry = self._candidates.get(id(pattern))
        if entry is None:
            wanted = first or first_keys(pattern)
            entry = (pattern, None if wanted is None else self.positions(wanted))
            self._candidates[id(pattern)] = entry
        return entry[1]

    def _tries(self, starts: list[int], start: int, stop: int, end: int | None) -> list[int]:
        """The ``starts`` in ``[start, stop)``, and the start of the word a given ``end``
        cuts in two (tried whatever its key)."""
        low = bisect.bisect_left(starts, start)
        tries = starts[low : bisect.bisect_left(starts, stop, low)]
        if end is not None and stop < len(self.text) and self.lowered[stop] in _LETTERS:
            cut = self._cut_word(stop)  # a letter follows: ``end`` may cut a word in two
            if cut is not None and cut >= start and (not tries or tries[-1] < cut):
                tries.append(cut)
        return tries

    def finditer(
        self,
        pattern: re.Pattern[str],
        start: int = 0,
        end: int | None = None,
        first: frozenset[str] | None = None,
    ) -> Iterator[re.Match[str]]:
        """The non-overlapping matches of ``pattern`` starting in ``text[start:end]``, as
        ``pattern.finditer(text, start, end)`` finds them. ``first`` may give the keys of
        the words a match can start with, when the caller knows them better than
        :func:`first_keys`; when neither can tell, the pattern scans the text itself."""
        stop = len(self.text) if end is None else end
        starts = self._starts(pattern, first)
        if starts is None:
            return pattern.finditer(self.text, start, stop)
        found: list[re.Match[str]] = []
        after = start
        for at in self._tries(starts, start, stop, end):
            if at < after:
                continue
            m = pattern.match(self.text, at, stop)
            if m is not None and m.end() > at:
                found.append(m)
                after = m.end()
        return iter(found)

    def finditer_by_key(self, patterns: Mapping[str, re.Pattern[str]]) -> Iterator[re.Match[str]]:
        """The non-overlapping matches in the whole text of one pattern split by the key
        of the word its matches start with: at a word the part for its key is tried."""
        key_at = {
            at: key for key in patterns.keys() & self._where.keys() for at in self._where[key]
        }
        after = 0
        for at in sorted(key_at):
            if at < after:
                continue
            m = patterns[key_at[at]].match(self.text, at)
            if m is not None and m.end() > at:
                yield m
                after = m.end()

    def matches_of_each(self, patterns: Sequence[re.Pattern[str]]) -> list[list[re.Match[str]]]:
        """For each of ``patterns``, its matches in the whole text as :meth:`finditer`
        finds them. The keys of the whole list are read once (per list), and each pattern
        is tried only at its own words: for many small patterns (the armed groups) much
        cheaper than a :meth:`finditer` of each."""
        found: list[list[re.Match[str]]] = [[] for _ in patterns]
        by_key, unreadable = _numbers_by_key(tuple((p.pattern, p.flags) for p in patterns))
        for number in unreadable:
            found[number] = list(patterns[number].finditer(self.text))
        tries: dict[int, list[int]] = {}  # by pattern number: where it may match
        for key in by_key.keys() & self._where.keys():
            for number in by_key[key]:
                tries.setdefault(number, []).extend(self._where[key])
        for number, places in tries.items():
            pattern = patterns[number]
            after = 0
            for at in sorted(places):
                if at < after:
                    continue
                m = pattern.match(self.text, at)
                if m is not None and m.end() > at:
                    found[number].append(m)
                    after = m.end()
        return found

    def search(
        self, pattern: re.Pattern[str], start: int = 0, end: int | None = None
    ) -> re.Match[str] | None:
        """The first match of ``pattern`` in ``text[start:end]``, if any, as
        ``pattern.search`` finds it; tried only where a match may start."""
        stop = len(self.text) if end is None else end
        starts = self._starts(pattern, None)
        if starts is None:
            return pattern.search(self.text, start, stop)
        for at in self._tries(starts, start, stop, end):
            m = pattern.match(self.text, at, stop)
            if m is not None and m.end() > at:
                return m
        return None


def _letter_runs(lowered: str) -> tuple[list[str], Iterator[int]]:
    """The runs of a-z in ``lowered`` and where each starts, read without re: every other
    character becomes a space (one byte for each character, so offsets hold), and the
    pieces between single spaces are the runs (empty ones between adjacent spaces)."""
    letters = lowered.encode("ascii", "replace").translate(_LETTERS_ONLY).decode("ascii")
    pieces = letters.split(" ")
    # Each piece starts after the ones before it and their one-space separators.
    piece_starts = itertools.accumulate(
        map(operator.add, map(len, pieces), itertools.repeat(1)), initial=0
    )
    return list(filter(None, pieces)), itertools.compress(piece_starts, pieces)


@functools.lru_cache(maxsize=16)
def _numbers_by_key(
    sources: tuple[tuple[str, int], ...],
) -> tuple[dict[str, list[int]], list[int]]:
    """For patterns given by source and flags: the numbers of those whose matches can start
    with a word of each key, and the numbers of those :func:`first_keys` cannot read."""
    by_key: dict[str, list[int]] = {}
    unreadable: list[int] = []
    for number, (source, flags) in enumerate(sources):
        wanted = _source_first_keys(source, flags)
        if wanted is None:
            unreadable.append(number)
            continue
        for key in wanted:
            by_key.setdefault(key, []).append(number)
    return by_key, unreadable


@functools.lru_cache(maxsize=8)
def word_index(text: str) -> WordIndex:
    """The index of ``text``, built once for all the rules that read it."""
    return WordIndex(text)
