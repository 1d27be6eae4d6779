"""Find where a large word-list pattern matches without scanning the text with it.

Python's ``re`` tries every alternative of a pattern at every position, so a list of a
hundred weapon words costs far more per kilobyte than splitting the text into words. A
:class:`WordIndex` splits a text into words once; :func:`keys` reduces a pattern to the
literal words its alternatives are made of; the pattern is then tried only where a word
of the text has one of those keys. Every match of the pattern starts at such a word, so
the result is the same as ``pattern.finditer`` (``test_wordindex.py`` checks it on real
articles), only faster.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator

_WORD = re.compile(r"[A-Za-z]+")
_ESCAPE = re.compile(r"\\[A-Za-z]")
_POSSESSIVE_S = re.compile(r"(?:\[[’']+\]|[’'])s\b")
_PREFIX = 5


def word_key(word: str) -> str:
    """What a word is looked up by: its first five letters, or a four-letter word without
    a plural s, or a shorter word whole ("missiles" and "missile" -> "missi", "jets" and
    "jet" -> "jet", "its" -> "its")."""
    lower = word.lower()
    if len(lower) >= _PREFIX:
        return lower[:_PREFIX]
    return lower.removesuffix("s") if len(lower) == _PREFIX - 1 else lower


def keys(pattern: re.Pattern[str]) -> frozenset[str]:
    """The keys of every literal word in ``pattern``'s source (``\\w``, ``\\d`` and other
    escapes are not words). A match always starts with one of them, as long as no
    alternative starts with a character class or digit: the lexicon's lists do not."""
    return _source_keys(pattern.pattern)


# Caches here are keyed by a pattern's source, never by the compiled pattern: hashing a
# compiled pattern hashes all of its compiled code, every time (14 us for the country names).
@functools.cache
def _source_keys(pattern: str) -> frozenset[str]:
    # escapes are no words, nor is the s of a possessive: no match starts there
    source = _POSSESSIVE_S.sub(" ", _ESCAPE.sub(" ", pattern))
    literal = _WORD.findall(source)
    # "Scuds?" is written with its s; the text may say "Scud"
    return frozenset(word_key(w) for w in literal) | frozenset(
        word_key(w[:-1]) for w in literal if w.endswith("s") and len(w) > 1
    )


class WordIndex:
    """The words of one text, by key: where each key's words start."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._where: dict[str, list[int]] = {}
        for m in _WORD.finditer(text.lower()):  # word_key, inlined: this loop is hot
            word = m.group()
            if len(word) >= _PREFIX:
                key = word[:_PREFIX]
            elif len(word) == _PREFIX - 1 and word[-1] == "s":
                key = word[:-1]
            else:
                key = word
            self._where.setdefault(key, []).append(m.start())
        self._candidates: dict[tuple[str, int], list[int]] = {}  # by source and flags

    def positions(self, wanted: frozenset[str]) -> list[int]:
        """Where the words with one of the keys ``wanted`` start, in order."""
        found: list[int] = []
        for key in wanted & self._where.keys():
            found.extend(self._where[key])
        return sorted(found)

    def _starts(self, pattern: re.Pattern[str], first: frozenset[str] | None) -> list[int]:
        key = (pattern.pattern, pattern.flags)
        starts = self._candidates.get(key)
        if starts is None:
            wanted = keys(pattern) if first is None else first
            starts = self._candidates[key] = self.positions(wanted)
        return starts

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
        :func:`keys` (which takes every word of the pattern)."""
        stop = len(self.text) if end is None else end
        starts = self._starts(pattern, first)
        i = bisect.bisect_left(starts, start)
        after = start
        while i < len(starts) and starts[i] < stop:
            at = starts[i]
            i += 1
            if at < after:
                continue
            m = pattern.match(self.text, at, stop)
            if m is not None and m.end() > m.start():
                yield m
                after = m.end()

    def search(
        self, pattern: re.Pattern[str], start: int = 0, end: int | None = None
    ) -> re.Match[str] | None:
        """The first match of ``pattern`` in ``text[start:end]``, if any."""
        return next(self.finditer(pattern, start, end), None)


@functools.lru_cache(maxsize=8)
def word_index(text: str) -> WordIndex:
    """The index of ``text``, built once for all the rules that read it."""
    return WordIndex(text)
