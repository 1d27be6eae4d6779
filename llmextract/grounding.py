"""Quote -> Span location (exact, then normalized, then fuzzy) and value-support checks.

The model returns verbatim quotes; code, never the model, finds their offsets, and every
span it returns satisfies ``source[span.start:span.end] == span.text``. A value must also
be *supported by* its quote (a number appears in it, a name shares a content word with
it, a date quote holds a date expression); :func:`unsupported_values` lists the values
that are not.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from llmextract.aliases import COUNTRY_ALIASES, NAME_ALIASES
from llmextract.normalize import fold_accents, has_date_expression, stated_numbers
from llmextract.schema import Event, MatchKind, Span
from llmextract.wordindex import fold_latin_lookalikes

__all__ = [
    "Grounder",
    "SupportProblem",
    "has_date_expression",
    "locate",
    "support_counts",
    "supports_name",
    "supports_number",
    "unsupported_values",
]

# --------------------------------------------------------------------------- normalised view

_QUOTE_MARKS = {
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "′": "'",
    "`": "'",
    "´": "'",
    "ʼ": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "″": '"',
    "«": '"',
    "»": '"',
}
_DASHES = frozenset("‐‑‒–—―−﹘﹣－")
_GAP = "\x00"  # marks a character the normalised view drops
# Soft hyphen, zero-width characters, BOM, and bidirectional controls (marks, embeddings,
# overrides, isolates): they change how text looks or flows, never what it says.
_INVISIBLE = frozenset(
    "\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u061c"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" + _GAP
)
# Runs to rewrite: any run holding a dropped character, or several spaces.
_RUN = re.compile("[ \x00]*\x00[ \x00]*| {2,}")


@functools.cache
def _fold_char(char: str) -> str:
    """One character of the normalised view, never longer than one so offsets map back:
    casefolding that would lengthen ("ß" -> "ss") keeps the lower-case letter instead."""
    if char in _INVISIBLE:
        return _GAP
    if char.isspace():
        return " "
    if char in _QUOTE_MARKS:
        return _QUOTE_MARKS[char]
    if char in _DASHES:
        return "-"
    folded = char.casefold()
    if len(folded) == 1:
        return folded
    lowered = char.lower()
    return lowered if len(lowered) == 1 else folded[0]  # "İ" -> "i"


@dataclass(frozen=True)
class _View:
    """A normalised text and, per piece of it, where that piece starts in the original.

    Inside a piece, offsets advance together; a new piece starts at each rewritten run.
    """

    text: str
    starts: list[int]  # offsets in ``text``
    original_starts: list[int]  # the same pieces' offsets in the original

    def to_original(self, index: int) -> int:
        piece = bisect.bisect_right(self.starts, index) - 1
        return self.original_starts[piece] + index - self.starts[piece]

    def to_normalized(self, original: int) -> int:
        piece = max(bisect.bisect_right(self.original_starts, original) - 1, 0)
        return min(self.starts[piece] + original - self.original_starts[piece], len(self.text))

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the normalised ``text[start:end]`` (``end > start``)."""
        return self.to_original(start), self.to_original(end - 1) + 1


def _normalized_view(text: str) -> _View:
    """Whitespace runs (NBSP and newlines too) collapsed to one space, invisible characters
    dropped, curly quotes straightened, dashes unified, case folded."""
    table = {ord(c): folded for c in set(text) if (folded := _fold_char(c)) != c}
    folded_text = text.translate(table)
    pieces: list[str] = []
    starts, original_starts = [0], [0]
    length = done = 0
    for run in _RUN.finditer(folded_text):
        pieces.append(folded_text[done : run.start()])
        length += run.start() - done
        space = run.group().find(" ")
        if space >= 0:
            starts.append(length)
            original_starts.append(run.start() + space)
            pieces.append(" ")
            length += 1
        starts.append(length)
        original_starts.append(run.end())
        done = run.end()
    pieces.append(folded_text[done:])
    return _View("".join(pieces), starts, original_starts)


def normalize_quote(quote: str) -> str:
    """``quote`` as the normalised view of a source would hold it."""
    return _normalized_view(quote).text.strip(" ")


# --------------------------------------------------------------------------- locating


def _at_word_edges(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` neither begins nor ends inside a word."""
    cuts_left = start > 0 and text[start - 1].isalnum() and text[start].isalnum()
    cuts_right = end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    return not (cuts_left or cuts_right)


Near = int | tuple[int, int]
"""Where a quote is expected: an offset, or a span (start, end) such as an event's evidence."""


def _interval(near: Near) -> tuple[int, int]:
    return (near, near) if isinstance(near, int) else near


def _distance(start: int, end: int, near: tuple[int, int]) -> int:
    """Characters between ``start:end`` and the ``near`` interval (0 when they touch)."""
    return max(start - near[1], near[0] - end, 0)


@dataclass(frozen=True)
class _Found:
    start: int  # original offsets
    end: int
    whole_words: bool


def _occurrence(
    haystack: str, needle: str, near: tuple[int, int] | None, view: _View | None = None
) -> _Found | None:
    """The best occurrence of ``needle``: whole-word ones first, then the one closest to
    ``near`` (an interval of original offsets), else the first. ``view`` maps a normalised haystack
    back to original offsets."""
    best: _Found | None = None
    best_key: tuple[bool, int] | None = None
    at = haystack.find(needle)
    while at >= 0:
        end = at + len(needle)
        start, stop = view.original_span(at, end) if view else (at, end)
        whole_words = _at_word_edges(haystack, at, end)
        distance = 0 if near is None else _distance(start, stop, near)
        key = (not whole_words, distance)
        if best_key is None or key < best_key:
            best, best_key = _Found(start, stop, whole_words), key
        if whole_words and (near is None or distance == 0 or start >= near[0]):
            break  # a later occurrence starts further on: it cannot be closer to ``near``
        at = haystack.find(needle, at + 1)
    return best


@dataclass(frozen=True)
class _Alignment:
    start: int  # normalised offsets
    end: int
    similarity: float


def _word_starts(text: str, index: int) -> set[int]:
    """Starts of the word holding ``index`` and of the next word, each also without
    leading punctuation."""
    if index == 0 or text[index - 1] == " ":
        starts = {index}
    else:
        starts = {text.rfind(" ", 0, index) + 1, text.find(" ", index) + 1 or len(text)}
    return starts | {_skip_punctuation(text, s, 1) for s in starts}


def _word_ends(text: str, index: int) -> set[int]:
    """Ends of the word holding ``index - 1`` and of the previous word, each also without
    trailing punctuation ("fighters," -> "fighters")."""
    if index == len(text) or text[index] == " ":
        ends = {index}
    else:
        after = text.find(" ", index)
        ends = {max(text.rfind(" ", 0, index), 0), len(text) if after < 0 else after}
    return ends | {_skip_punctuation(text, e, -1) for e in ends}


def _skip_punctuation(text: str, index: int, step: int) -> int:
    """``index`` moved forwards (step 1, a start) or backwards (step -1, an end) past
    characters that are neither letters, digits nor spaces."""
    inside = index if step == 1 else index - 1
    while 0 <= inside < len(text) and not (text[inside].isalnum() or text[inside] == " "):
        inside += step
    return inside if step == 1 else inside + 1


class Grounder:
    """Locates quotes in one source text; the normalised view is computed once, lazily.

    The cascade: ``exact`` substring, then ``normalized`` (whitespace, quote marks,
    dashes, case), then ``fuzzy`` (rapidfuzz alignment on the normalised texts). Fuzzy
    thresholds, all on normalised text:

    - ``min_similarity`` (default 90): ``fuzz.ratio`` (0-100) between the quote and the
      source span, whose ends are snapped to word boundaries;
    - ``min_coverage`` (default 0.85): the span's length over the quote's must lie in
      ``[min_coverage, 1 / min_coverage]``, so a quote cannot match a fragment;
    - ``min_fuzzy_length`` (default 12): shorter quotes are never fuzzy-matched, where one
      slip is a different word.
    """

    def __init__(
        self,
        source: str,
        *,
        min_similarity: float = 90.0,
        min_coverage: float = 0.85,
        min_fuzzy_length: int = 12,
    ) -> None:
        self.source = source
        self.min_similarity = min_similarity
        self.min_coverage = min_coverage
        self.min_fuzzy_length = min_fuzzy_length

    @functools.cached_property
    def _view(self) -> _View:
        return _normalized_view(self.source)

    @functools.cached_property
    def instruction_ranges(self) -> list[tuple[int, int]]:
        """Sentences of the source that address a language model instead of reporting news
        (see :func:`addressed_to_model`); no value may be grounded in them."""
        return addressed_to_model(self.source)

    def in_instructions(self, span: Span) -> bool:
        """Whether ``span`` overlaps a sentence that addresses a model."""
        ranges = self.instruction_ranges  # most articles have none
        return bool(ranges) and any(span.start < end and start < span.end for start, end in ranges)

    def locate(self, quote: str, *, near: Near | None = None) -> Span | None:
        """Where ``quote`` stands in the source; ``None`` when it is not there (or blank).

        ``near`` (an offset, or a span such as the event's evidence) picks among several
        occurrences the one closest to it; without it, the first. Whole-word occurrences
        win over ones that cut a word, exact over normalised.
        """
        near = None if near is None else _interval(near)
        stripped = quote.strip()
        if not stripped:
            return None
        exact = _occurrence(self.source, stripped, near)
        if exact and exact.whole_words:
            return self._span(exact.start, exact.end, MatchKind.EXACT)
        normalized_quote = normalize_quote(stripped)
        if not normalized_quote:
            return None
        normalized = _occurrence(self._view.text, normalized_quote, near, self._view)
        if normalized and (normalized.whole_words or not exact):
            return self._span(normalized.start, normalized.end, MatchKind.NORMALIZED)
        if exact:
            return self._span(exact.start, exact.end, MatchKind.EXACT)
        return self._fuzzy(normalized_quote, near)

    def _span(self, start: int, end: int, match: MatchKind) -> Span:
        return Span(text=self.source[start:end], start=start, end=end, match=match)

    def _fuzzy(self, quote: str, near: tuple[int, int] | None) -> Span | None:
        if len(quote) < self.min_fuzzy_length:
            return None
        text = self._view.text
        best = self._align(quote, 0, len(text))
        if near is not None and best is not None:
            best = self._nearest_as_good(quote, near, best)
        if best is None:
            return None
        start, end = self._view.original_span(best.start, best.end)
        return self._span(start, end, MatchKind.FUZZY)

    def _nearest_as_good(self, quote: str, near: tuple[int, int], best: _Alignment) -> _Alignment:
        """An alignment as similar as ``best`` but closer to ``near``, searched in windows
        around it that grow fourfold until one holds such a match."""
        text = self._view.text
        centre = self._view.to_normalized((near[0] + near[1]) // 2)
        reach = len(quote)
        while True:
            lo, hi = max(centre - reach, 0), min(centre + reach, len(text))
            local = self._align(quote, lo, hi)
            if local is not None and local.similarity >= best.similarity:
                return local
            if (lo, hi) == (0, len(text)):
                return best
            reach *= 4

    def _align(self, quote: str, lo: int, hi: int) -> _Alignment | None:
        """The best acceptable alignment of ``quote`` inside ``text[lo:hi]``."""
        text = self._view.text
        window = text if (lo, hi) == (0, len(text)) else text[lo:hi]
        rough = fuzz.partial_ratio_alignment(quote, window)
        if rough is None:
            return None
        candidates = [
            _Alignment(start, end, fuzz.ratio(quote, text[start:end]))
            for start in _word_starts(text, lo + rough.dest_start)
            for end in _word_ends(text, lo + rough.dest_end)
            if end > start
        ]
        acceptable = [
            c
            for c in candidates
            if c.similarity >= self.min_similarity
            and self.min_coverage <= (c.end - c.start) / len(quote) <= 1 / self.min_coverage
        ]
        if not acceptable:
            return None
        return max(acceptable, key=lambda c: (c.similarity, -abs(c.end - c.start - len(quote))))


# Phrases by which text addresses a language model. A news report has no reason to use
# them; an article that does is trying to steer the extraction (prompt injection).
_TO_MODEL = re.compile(
    # fail fast: skip positions where no alternative can start (most of them)
    r"(?:\b(?=[adefilnosy])|(?=[<\[])|^)(?:"
    r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+)*"
    r"(?:previous|prior|above|earlier|preceding|system|original)\s+"
    r"(?:instructions?|prompts?|rules|messages|directions)"
    r"|\bsystem\s+prompt\b|\bnew\s+instructions?\s*:|\bas\s+an?\s+(?:AI|language\s+model)\b"
    r"|\byou\s+are\s+now\b|\b(?:assistant|AI|LLM|language\s+model|extractor)\s*[,:]\s*"
    r"(?:you\s+must|report|output|return|extract|add|include)\b"
    r"|<\|im_start\|>|\[/?INST\]|^\s*#{2,}\s*instructions?\b)",
    re.IGNORECASE | re.MULTILINE,
)
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n")


# Every phrase of _TO_MODEL holds, lower-cased, a word of each tuple of one of these groups,
# or "AI" as _AI_ADDRESSED finds it. Looking for them is a few scans in C where the pattern
# itself costs a tenth of a millisecond a kilobyte, and most articles hold none of them.
_TO_MODEL_WORDS: tuple[tuple[tuple[str, ...], ...], ...] = (
    (
        ("ignore", "disregard", "forget", "override"),
        ("previous", "prior", "above", "earlier", "preceding", "system", "original"),
        ("instruction", "prompt", "rules", "messages", "directions"),
    ),
    (("system",), ("prompt",)),
    (("instruction",),),
    (("you",), ("are",), ("now",)),
    (("language",),),
    (("llm",),),
    (("assistant",),),
    (("extractor",),),
    (("<|im_start|>",),),
    (("inst]",),),
)
# Searched in _ascii_lower's bytes, where "?" may stand for a Unicode space.
_AI_ADDRESSED = re.compile(rb"ai[\s?]*[,:]|as[\s?]+an?[\s?]+ai")
_TO_MODEL_BYTES = tuple(
    tuple(tuple(word.encode("ascii") for word in words) for words in group)
    for group in _TO_MODEL_WORDS
)


def _ascii_lower(text: str) -> bytes:
    """``text`` lower-cased as re.IGNORECASE compares Latin letters, offset for offset, with
    "?" for every other character beyond ASCII: what the words of _TO_MODEL_WORDS can be
    found in, at a sixth of the cost of ``str.lower`` on a text that is not all ASCII."""
    return fold_latin_lookalikes(text).encode("ascii", "replace").lower()


def _may_address_model(text: str) -> bool:
    """False only when no phrase of _TO_MODEL can be in ``text``."""
    lower = _ascii_lower(text)
    return any(
        all(any(word in lower for word in words) for words in group) for group in _TO_MODEL_BYTES
    ) or bool(_AI_ADDRESSED.search(lower))


def addressed_to_model(text: str) -> list[tuple[int, int]]:
    """Character ranges of the sentences in ``text`` that address a language model."""
    ranges: list[tuple[int, int]] = []
    if not _may_address_model(text):
        return ranges
    for match in _TO_MODEL.finditer(text):
        start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, match.start())), default=0)
        following = _SENTENCE_END.search(text, match.end())
        end = following.end() if following else len(text)
        if ranges and start <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(end, ranges[-1][1]))
        else:
            ranges.append((start, end))
    return ranges


def locate(quote: str, source: str, *, near: Near | None = None) -> Span | None:
    """One-off :meth:`Grounder.locate`."""
    return Grounder(source).locate(quote, near=near)


# --------------------------------------------------------------------------- value support


@dataclass(frozen=True)
class SupportProblem:
    field: str  # dotted path, e.g. "casualties.0.low"
    value: str
    quote: str
    reason: str


def supports_number(quote: str, n: int) -> bool:
    """Whether ``quote`` states the count ``n``: as digits ("22", "1,200", "1 200"), in
    words ("twenty-two", "a dozen", "hundred"), 1 for a single person ("a child", "one"),
    0 for "no one"."""
    return n in stated_numbers(quote)


_STOPWORDS = frozenset(
    {
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "at",
        "for",
        "to",
        "and",
        "or",
        "by",
        "from",
        "near",
        "with",
        "into",
        "over",
        "its",
        "their",
        "his",
        "her",
        "this",
        "that",
        "these",
        "those",
    }
)
_TITLES = frozenset(
    {
        "president",
        "prime",
        "minister",
        "gen",
        "general",
        "lt",
        "col",
        "colonel",
        "maj",
        "major",
        "capt",
        "captain",
        "commander",
        "cmdr",
        "adm",
        "admiral",
        "sgt",
        "sergeant",
        "secretary",
        "defense",
        "defence",
        "foreign",
        "king",
        "queen",
        "prince",
        "crown",
        "sheikh",
        "emir",
        "ayatollah",
        "mr",
        "mrs",
        "ms",
        "dr",
        "sir",
        "lord",
        "chief",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "leader",
        "head",
    }
)
# Words that name a kind of thing, not which one: never enough on their own to support
# a name that also has a specific word ("Wagner Group" is not supported by "the group").
_GENERIC = frozenset(
    {
        "military",
        "army",
        "armed",
        "forces",
        "force",
        "troops",
        "air",
        "navy",
        "naval",
        "group",
        "groups",
        "militia",
        "militias",
        "militants",
        "government",
        "ministry",
        "regime",
        "administration",
        "coalition",
        "city",
        "town",
        "village",
        "province",
        "region",
        "district",
        "area",
        "border",
        "base",
        "airbase",
        "camp",
        "site",
        "missile",
        "missiles",
        "rocket",
        "rockets",
        "drone",
        "drones",
        "jet",
        "jets",
        "aircraft",
        "warplane",
        "warplanes",
        "plane",
        "planes",
        "fighter",
        "fighters",
        "bomb",
        "bombs",
        "strike",
        "strikes",
        "shell",
        "shells",
        "artillery",
    }
)
_NAME_SIMILARITY = 80.0  # rapidfuzz ratio for transliterations: "Kharkiv" ~ "Kharkov"


def _is_acronym(name: str) -> bool:
    letters = name.replace(".", "")
    return letters.isupper() and len(letters) <= 3


@functools.cache
def _name_tokenizer() -> tuple[re.Pattern[str], dict[str, str]]:
    """A pattern that finds alias phrases (as one token) and words, and the alias key of
    each casefolded phrase."""
    groups = [*COUNTRY_ALIASES.items(), *((names[0], names) for names in NAME_ALIASES)]
    keys: dict[str, str] = {}
    for key, names in groups:
        for name in names:
            keys[fold_accents(name).casefold()] = key
    phrases = sorted({fold_accents(n) for _, names in groups for n in names}, key=len, reverse=True)
    alternatives = "|".join(
        f"(?-i:{re.escape(p)})" if _is_acronym(p) else re.escape(p) for p in phrases
    )
    pattern = re.compile(
        rf"(?<!\w)(?P<alias>{alternatives})(?!\w)|(?P<word>\w+(?:['-]\w+)*)", re.IGNORECASE
    )
    return pattern, keys


# Names and quotes recur (every event of an article names its attacker, often in the same
# words as its quote), and the alias alternation is costly to run over them.
@functools.lru_cache(maxsize=4096)
def _name_tokens(text: str) -> tuple[str, ...]:
    """Words of ``text`` for comparing names: casefolded, without diacritics or a
    possessive 's; an alias phrase is one token ``@KEY``; a hyphenated word counts whole
    and by its alphabetic parts of three letters or more ("al-Qaeda" -> "qaeda")."""
    pattern, keys = _name_tokenizer()
    tokens = []
    for m in pattern.finditer(fold_accents(text)):
        if m["alias"]:
            tokens.append("@" + keys[m["alias"].casefold()])
            continue
        word = m["word"].casefold().removesuffix("'s")
        tokens.append(word)
        if "-" in word:
            tokens.extend(p for p in word.split("-") if p.isalpha() and len(p) >= 3)
    return tuple(tokens)


def _content_words(tokens: tuple[str, ...]) -> list[str]:
    words = [t for t in tokens if len(t) > 1 and t not in _STOPWORDS]
    specific = [t for t in words if t not in _TITLES and t not in _GENERIC]
    return specific or words


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    if not (a.isalpha() and b.isalpha()):  # aliases, codes ("f-15e") match only exactly
        return False
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= 4 and longer.startswith(shorter) and len(longer) - len(shorter) <= 3:
        return True  # inflections and regular demonyms: Houthi(s), Syria(n), Israel(i)
    return len(shorter) >= 5 and fuzz.ratio(a, b) >= _NAME_SIMILARITY


def _initials(text: str) -> str:
    return "".join(
        w[0] for w in re.findall(r"\w+", fold_accents(text).casefold()) if w not in _STOPWORDS
    )


def _acronym_matches(name: str, quote: str) -> bool:
    """ "IRGC" ~ "Islamic Revolutionary Guard Corps", either way round."""
    name_initials = _initials(name)
    if len(name_initials) >= 3 and name_initials in _name_tokens(quote):
        return True
    compact = fold_accents(name).replace(".", "").strip()
    return (
        len(compact) >= 3
        and compact.isalpha()
        and compact.isupper()
        and compact.casefold() in _initials(quote)
    )


def supports_name(quote: str, name: str) -> bool:
    """Whether ``quote`` supports the actor, place, target or weapon ``name``.

    Lenient on purpose, to catch values the quote does not mention rather than to judge
    wording: true when one content word of ``name`` (casefolded; stopwords, titles and,
    when something more specific is left, generic words such as "forces" dropped) is in
    the quote. Words match across aliases and demonyms ("US" ~ "American" ~ "United
    States", "Britain" ~ "British", see :mod:`llmextract.aliases`), inflections
    ("Israel" ~ "Israeli"), diacritics and transliteration ("Şırnak" ~ "Sirnak",
    "Kharkiv" ~ "Kharkov", rapidfuzz ratio >= 80), and acronyms ("IRGC").
    """
    name_words = _content_words(_name_tokens(name))
    quote_words = _name_tokens(quote)
    if any(_same_word(a, b) for a in name_words for b in quote_words):
        return True
    return _acronym_matches(name, quote)


def _quote_text(quote: Any) -> str:
    return quote if isinstance(quote, str) else str(quote.text)


def _checks(event: Event[Any]) -> Iterator[tuple[SupportProblem, bool]]:
    """Every checkable value of ``event`` with whether its quote supports it."""
    named: list[tuple[str, Any]] = [
        ("attacker", event.attacker),
        ("authorized_by", event.authorized_by),
    ]
    named += [(f"targets.{i}", target) for i, target in enumerate(event.targets)]
    named.append(("location", event.location))
    for path, item in named:
        if item is not None:
            quote = _quote_text(item.quote)
            yield (
                SupportProblem(
                    f"{path}.name",
                    item.name,
                    quote,
                    "the name shares no content word with its quote",
                ),
                supports_name(quote, item.name),
            )
    if event.date is not None:
        quote = _quote_text(event.date.quote)
        bounds = dict.fromkeys(str(d) for d in (event.date.start, event.date.end) if d)
        value = "..".join(bounds)
        yield (
            SupportProblem("date", value, quote, "the quote holds no date expression"),
            has_date_expression(quote),
        )
    if event.weapon is not None:
        quote = _quote_text(event.weapon.quote)
        yield (
            SupportProblem(
                "weapon.name",
                event.weapon.name,
                quote,
                "the name shares no content word with its quote",
            ),
            supports_name(quote, event.weapon.name),
        )
    for i, claim in enumerate(event.casualties):
        quote = _quote_text(claim.quote)
        for bound in ("low", "high"):
            n = getattr(claim, bound)
            if n is not None:
                yield (
                    SupportProblem(
                        f"casualties.{i}.{bound}",
                        str(n),
                        quote,
                        "the number is not stated in its quote",
                    ),
                    supports_number(quote, n),
                )


def unsupported_values(event: Event[Any]) -> list[SupportProblem]:
    """Values of ``event`` (either shape) that their own quote does not support."""
    return [problem for problem, supported in _checks(event) if not supported]


def support_counts(event: Event[Any]) -> tuple[int, int]:
    """``(supported, checked)`` values of ``event``: for the evaluation's share of values
    supported by their quote."""
    results = [supported for _, supported in _checks(event)]
    return sum(results), len(results)
