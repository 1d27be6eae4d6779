"""An article as the rules read it: HTML entities decoded, split into sentences, every
offset mappable back to the source.

Scraped articles keep entities such as ``&#8217;`` and ``&quot;``; the rules match words on
the decoded text, but every quote they emit must be verbatim source text, so
:meth:`TextView.quote` maps a decoded stretch back to the original characters.
"""

from __future__ import annotations

import bisect
import functools
import html
import html.entities
import re
from dataclasses import dataclass

_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*")
# A sentence ends at . ! ? (and any closing quote) before a space and a capital, digit or
# opening quote; the abbreviations below do not end one.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
_NO_BREAK_BEFORE = re.compile(
    r"(?:\b(?:U\.S|U\.K|U\.N|U\.S\.A|E\.U|Gen|Lt|Col|Maj|Capt|Sgt|Adm|Cmdr|Dr|Mr|Mrs|Ms|St|No|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|a\.m|p\.m|Inc|Corp|Ltd|Co|vs|approx)"
    r"|\b[A-Z])\.$"
)
# "KHARKIV, Ukraine (Wire) — ", "WASHINGTON/BEIRUT - ", "MOSCOW  — ": where a wire story was filed.
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z'’.\-]+(?:[ /][A-Z][A-Z'’.\-]+)*)"
    r"(?:,\s*(?P<region>[A-Z][\w'’.\-]+(?: [A-Z][\w'’.\-]+){0,3}))?"
    r"(?:,?\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"  # "SANAA, Jan 12 (Wire) -"
    r"\s*(?:\([^)\n]{1,40}\))?\s*[—–-]\s*"
)


# C0 controls other than tab, newline and carriage return, and DEL: scraped text carries
# stray ones (NUL included). The rules read them as spaces; one character for one keeps
# every offset valid. (A pattern, not str.translate: a table lookup per character took
# 0.2 ms of a 3 KB article, the pattern's scan a tenth of that.)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Sentence:
    """One sentence of the decoded text: ``text[start:end]``."""

    start: int
    end: int
    paragraph: int
    index: int
    headline: bool = False


class TextView:
    """``source`` with HTML entities decoded; offsets of the decoded text map back."""

    def __init__(self, source: str) -> None:
        self.source = source
        pieces: list[str] = []
        origin: list[int] = []  # decoded offset -> source offset
        done = 0
        for m in _ENTITY.finditer(source):
            decoded = _decode(m.group())
            if decoded is None:
                continue
            pieces.append(source[done : m.start()])
            origin.extend(range(done, m.start()))
            pieces.append(decoded)
            origin.extend([m.start()] * len(decoded))
            done = m.end()
        pieces.append(source[done:])
        self.text = _CONTROLS.sub(" ", "".join(pieces))
        # Without entities every offset is its own: no table (most texts have none).
        self._origin: list[int] | None = None
        if done:
            origin.extend(range(done, len(source)))
            origin.append(len(source))
            self._origin = origin

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source offsets of the decoded ``text[start:end]``: a stretch that ends inside an
        entity's expansion ends after the whole entity."""
        if self._origin is None:
            return start, end
        return self._origin[start], self._origin[end]

    def quote(self, start: int, end: int) -> str:
        """The verbatim source text behind the decoded ``text[start:end]``."""
        s, e = self.source_span(start, end)
        return self.source[s:e]

    @functools.cached_property
    def sentences(self) -> list[Sentence]:
        """The sentences, paragraph by paragraph; a short first line that does not end
        like a sentence is the headline. A wire dateline is left out of its sentence."""
        found: list[Sentence] = []
        paragraphs = _paragraph_spans(self.text)
        for number, (p_start, p_end) in enumerate(paragraphs):
            first_line = self.text[p_start:p_end]
            if number == 0 and len(paragraphs) > 1 and _looks_like_headline(first_line):
                found.append(Sentence(p_start, p_end, number, len(found), headline=True))
                continue
            start = p_start
            if number <= 1:
                dateline = _DATELINE.match(self.text, p_start, p_end)
                if dateline and dateline.end() < p_end:
                    start = dateline.end()
            for s, e in _sentence_spans(self.text, start, p_end):
                found.append(Sentence(s, e, number, len(found)))
        return found

    @functools.cached_property
    def dateline(self) -> tuple[int, int] | None:
        """Where the dateline place stands ("KHARKIV, Ukraine"), if the story has one."""
        for p_start, p_end in _paragraph_spans(self.text)[:2]:
            m = _DATELINE.match(self.text, p_start, p_end)
            if m and m.end() < p_end:
                return m.start(), m.end("region") if m["region"] else m.end("place")
        return None


def _decode(entity: str) -> str | None:
    """The text of one entity ("&#8217;", "&amp;"); ``None`` when it is no entity."""
    if entity.startswith("&#"):
        decoded = html.unescape(entity)
        return None if decoded == entity else decoded
    return html.entities.html5.get(entity[1:])


def _looks_like_headline(line: str) -> bool:
    stripped = line.strip()
    return "\n" not in stripped and len(stripped) <= 200 and not stripped.endswith((".", ":"))


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in (_strip(text, s, e) for s, e in spans) if e > s]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    begin = start
    for m in _SENTENCE_END.finditer(text, start, end):
        if _NO_BREAK_BEFORE.search(text, max(begin, m.start() - 12), m.start() + 1):
            continue
        stop = m.end() - len(m.group()) + len(m.group().rstrip())
        spans.append(_strip(text, begin, stop))
        begin = m.end()
    spans.append(_strip(text, begin, end))
    return [(s, e) for s, e in spans if e > s]


class Occurrences:
    """Where a pattern matches in a text, found in one pass and asked about by range:
    cheaper than searching each sentence and clause again."""

    def __init__(self, pattern: re.Pattern[str], text: str) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for m in pattern.finditer(text):
            self._starts.append(m.start())
            self._ends.append(m.end())

    def within(self, start: int, end: int) -> bool:
        """Whether a match lies wholly inside ``[start, end)``."""
        i = bisect.bisect_left(self._starts, start)
        return i < len(self._starts) and self._starts[i] < end and self._ends[i] <= end
