"""Dates relative to publication, country codes and number words.

Everything here turns words as an article writes them into values the schema holds:
"on Thursday" into an ISO date (against the publication date), "Syrian" into ``SYR``,
"at least twenty-two" into ``(22, None)``.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import pycountry
from rapidfuzz import fuzz, process

from llmextract.aliases import COUNTRY_ALIASES, EXTRA_COUNTRY_CODES
from llmextract.schema import DatePrecision

# --------------------------------------------------------------------------- text folding

_UNDECOMPOSABLE = str.maketrans(
    {
        "ı": "i",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "ʻ": "'",
        "`": "'",
        "´": "'",
    }
)


def fold_accents(text: str) -> str:
    """``text`` without diacritics and with one apostrophe; case is kept.

    "Şırnak" -> "Sirnak", "Kharkív" -> "Kharkiv", "Biden’s" -> "Biden's". Lengths may
    change, so this is for comparing names, never for offsets.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --------------------------------------------------------------------------- numbers

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"thousand": 1_000, "million": 1_000_000}
_MULTIPLIERS = {"hundred": 100, "dozen": 12}  # multiply what precedes, within a group
_WORD = r"\b(?:" + "|".join(sorted([*_UNITS, *_SCALES, *_MULTIPLIERS], key=len, reverse=True))
_WORD += r")\b"
_DIGITS = r"\d{1,3}(?:[,\u00a0\u202f\u2009 ]\d{3})+(?!\d|[,.]\d)|\d+(?:\.\d+)?(?!\d|[,.]\d)"

_NUMBER = re.compile(
    rf"""
    (?<![\w.,])(?<![A-Za-z]-)                 # not part of a word or a code ("MQ-9")
    (?<!\bno\s)                               # "no one" is none
    (?:
        (?P<digits>{_DIGITS})(?:\s+(?P<scale>hundred|thousand|million)\b)?
      | (?P<words>
            half\s+a\s+dozen\b
          | (?:\ban?\s+(?=(?:hundred|thousand|million|dozen)\b))?
            {_WORD}
            (?:(?:\s*-\s*|\s+|(?<=hundred)\s+and\s+|(?<=thousand)\s+and\s+)
               {_WORD})*
        )
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)
# "a 22-year-old man" states an age, not a count; "40%" a share.
_NOT_A_COUNT_AFTER = re.compile(r"[\s-]*(?:(?:years?|months?)[\s-]*old\b|%|per\s*cent\b)", re.I)

_ONE_PERSON = re.compile(
    r"\b(?:a|an)\s+(?:[\w'-]+\s+){0,2}?"
    r"(?:child|man|woman|boy|girl|baby|infant|toddler|teenager|person|civilian|soldier|"
    r"fighter|militant|commander|officer|policeman|policewoman|guard|resident|journalist|"
    r"doctor|nurse|paramedic|medic|worker|farmer|shepherd|student|driver|pilot|member)\b",
    re.IGNORECASE,
)
_NO_ONE = re.compile(r"\b(?:no\s+one|nobody|none|no\s+(?:casualties|deaths|injuries))\b", re.I)
_VAGUE = re.compile(
    r"\b(?:dozens|scores|hundreds|thousands|millions|several|many(?!\s+as\b)|numerous|multiple|"
    r"a\s+few|a\s+handful|a\s+number|a\s+group|an?\s+(?:unknown|unspecified)\s+number)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NumberMention:
    """A number stated in a text, as digits or words, with where it stands."""

    value: int
    start: int
    end: int


def _words_value(words: str) -> int:
    tokens = re.findall(r"[a-z]+", words.lower())
    if tokens[:3] == ["half", "a", "dozen"]:
        return 6
    total = group = 0
    for token in tokens:
        if token in ("a", "an"):
            group = 1
        elif token in _MULTIPLIERS:
            group = max(group, 1) * _MULTIPLIERS[token]
        elif token in _SCALES:
            total += max(group, 1) * _SCALES[token]
            group = 0
        elif token in _UNITS:
            group += _UNITS[token]
    return total + group


def _digits_value(digits: str, scale: str | None) -> int | None:
    factor = {**_SCALES, **_MULTIPLIERS}.get((scale or "").lower(), 1)
    value = float(re.sub(r"[,\s]", "", digits)) * factor
    return int(value) if value.is_integer() else None


def number_mentions(text: str) -> list[NumberMention]:
    """Every count ``text`` states: "22", "1,200", "1 200", "twenty-two", "a dozen",
    "two hundred and fifty", "1.5 million". Ages ("a 22-year-old"), shares ("40%"),
    decimals and codes ("MQ-9") are not counts; vague words ("dozens") are not numbers."""
    return list(_number_mentions(text))


# The rules read a casualty quote's figure, then grounding checks the figure against the
# same quote: each is read once.
@functools.lru_cache(maxsize=1024)
def _number_mentions(text: str) -> tuple[NumberMention, ...]:
    mentions = []
    for m in _NUMBER.finditer(text):
        if _NOT_A_COUNT_AFTER.match(text, m.end()):
            continue
        if m.group("digits"):
            value = _digits_value(m.group("digits"), m.group("scale"))
        else:
            value = _words_value(m.group("words"))
        if value is not None:
            mentions.append(NumberMention(value, m.start(), m.end()))
    return tuple(mentions)


def parse_number(text: str) -> int | None:
    """The number ``text`` consists of ("22", "1,200", "twenty-two", "a dozen");
    ``None`` for anything else, including vague amounts ("hundreds") and longer text."""
    stripped = text.strip()
    mentions = number_mentions(stripped)
    if len(mentions) == 1 and (mentions[0].start, mentions[0].end) == (0, len(stripped)):
        return mentions[0].value
    return None


@functools.lru_cache(maxsize=1024)  # a claim's low and high are checked against one quote
def stated_numbers(text: str) -> frozenset[int]:
    """Every count ``text`` supports: its numbers, 1 for a single person ("a child",
    "an elderly man"), 0 for "no one"/"nobody"/"no casualties"."""
    numbers = {m.value for m in _number_mentions(text)}
    if _ONE_PERSON.search(text):
        numbers.add(1)
    if _NO_ONE.search(text):
        numbers.add(0)
    return frozenset(numbers)


_LOWER_BOUND_BEFORE = re.compile(
    r"(?:at\s+least|more\s+than|over|upwards\s+of|in\s+excess\s+of|a\s+minimum\s+of|"
    r"no\s+(?:fewer|less)\s+than|not\s+(?:fewer|less)\s+than)\s*$",
    re.IGNORECASE,
)
_UPPER_BOUND_BEFORE = re.compile(
    r"(?:up\s+to|as\s+many\s+as|nearly|almost|fewer\s+than|less\s+than|under|at\s+most|"
    r"a\s+maximum\s+of|no\s+more\s+than|not\s+more\s+than)\s*$",
    re.IGNORECASE,
)
_LOWER_BOUND_AFTER = re.compile(r"\s*(?:\w+\s+)?or\s+more\b", re.IGNORECASE)
_UPPER_BOUND_AFTER = re.compile(r"\s*(?:\w+\s+)?or\s+(?:fewer|less)\b", re.IGNORECASE)
_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to|or)\s*$", re.IGNORECASE)
_RANGE_OPEN = re.compile(r"\bbetween\s*$", re.IGNORECASE)


def _figure_bounds(
    quote: str, mentions: tuple[NumberMention, ...]
) -> tuple[int | None, int | None]:
    first = mentions[0]
    if len(mentions) > 1:
        second = mentions[1]
        joint = quote[first.end : second.start]
        is_range = _RANGE_JOIN.fullmatch(joint) or (
            joint.strip().lower() == "and" and _RANGE_OPEN.search(quote[: first.start])
        )
        if is_range and first.value < second.value:
            return first.value, second.value
    before, after = quote[: first.start], quote[first.end :]
    if _LOWER_BOUND_BEFORE.search(before) or _LOWER_BOUND_AFTER.match(after):
        return first.value, None
    if _UPPER_BOUND_BEFORE.search(before) or _UPPER_BOUND_AFTER.match(after):
        return None, first.value
    return first.value, first.value


def casualty_bounds(quote: str) -> tuple[int | None, int | None] | None:
    """``(low, high)`` of the casualty figure in ``quote``; ``None`` when it states none.

    Follows ANNOTATION.md: "at least 22" -> (22, None); "up to 30" -> (None, 30); "five"
    -> (5, 5); "a child" -> (1, 1); "no one" -> (0, 0); "between 10 and 15", "10-15",
    "two or three" -> the range; vague amounts ("dozens", "scores", "several") ->
    (None, None). Choices: "more than 20" / "over 20" keep the stated 20 as low (not 21),
    "fewer than 30" keeps 30 as high; approximations ("about 20", "some 20") are the
    stated figure (20, 20). When the quote holds several figures, the first one stated (by
    position) is the claim.
    """
    mentions = _number_mentions(quote)
    vague = _VAGUE.search(quote)
    person = _ONE_PERSON.search(quote)
    no_one = _NO_ONE.search(quote)
    positions = {
        "figure": mentions[0].start if mentions else None,
        "vague": vague.start() if vague else None,
        "person": person.start() if person else None,
        "none": no_one.start() if no_one else None,
    }
    found = {kind: pos for kind, pos in positions.items() if pos is not None}
    if not found:
        return None
    first = min(found, key=lambda kind: found[kind])
    if first == "figure":
        return _figure_bounds(quote, mentions)
    if first == "vague":
        return None, None
    return (1, 1) if first == "person" else (0, 0)


# --------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class ResolvedDate:
    start: dt.date
    end: dt.date
    precision: DatePrecision
    relative: bool


_Period = tuple[dt.date, dt.date, DatePrecision]
_Resolver = Callable[[re.Match[str], dt.date | None], _Period | None]

_MONTHS = {
    "January": 1,
    "February": 2,
    "March": 3,
    "April": 4,
    "May": 5,
    "June": 6,
    "July": 7,
    "August": 8,
    "September": 9,
    "October": 10,
    "November": 11,
    "December": 12,
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sept": 9,
    "Sep": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Month names only when capitalised: "march" and "may" are also verbs.
_MONTH = r"\b(?P<month>(?-i:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r"))\b\.?"
_DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?P<year>(?:19|20)\d{2})\b"
_WEEKDAY = r"\b(?P<weekday>" + "|".join(_WEEKDAYS) + r")\b"
_COUNT = r"(?P<count>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten)"


def _one_day(day: dt.date) -> _Period:
    return day, day, DatePrecision.DAY


def _whole_month(year: int, month: int) -> _Period:
    start = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return start, following - dt.timedelta(days=1), DatePrecision.MONTH


def _whole_year(year: int) -> _Period:
    return dt.date(year, 1, 1), dt.date(year, 12, 31), DatePrecision.YEAR


def _week_of(day: dt.date) -> _Period:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6), DatePrecision.WEEK


def _months_before(year: int, month: int, count: int) -> tuple[int, int]:
    index = year * 12 + month - 1 - count
    return index // 12, index % 12 + 1


def _latest(month: int, day: int, published: dt.date) -> dt.date:
    """The last ``month``/``day`` not after ``published`` (a year is not stated)."""
    candidate = dt.date(published.year, month, day)
    return candidate if candidate <= published else dt.date(published.year - 1, month, day)


def _iso_day(m: re.Match[str], published: dt.date | None) -> _Period:
    return _one_day(dt.date(int(m["year"]), int(m["mnum"]), int(m["day"])))


def _named_day(m: re.Match[str], published: dt.date | None) -> _Period:
    return _one_day(dt.date(int(m["year"]), _MONTHS[m["month"]], int(m["day"])))


def _month_of_year(m: re.Match[str], published: dt.date | None) -> _Period:
    return _whole_month(int(m["year"]), _MONTHS[m["month"]])


def _month_of_relative_year(m: re.Match[str], published: dt.date | None) -> _Period:
    """ "July last year", "in March of this year": that month of the year the modifier
    names, whether or not it is before publication."""
    assert published is not None
    return _whole_month(published.year + _OFFSETS[m["mod"].lower()], _MONTHS[m["month"]])


def _year(m: re.Match[str], published: dt.date | None) -> _Period:
    return _whole_year(int(m["year"]))


def _day_without_year(m: re.Match[str], published: dt.date | None) -> _Period:
    assert published is not None
    return _one_day(_latest(_MONTHS[m["month"]], int(m["day"]), published))


def _month_without_year(m: re.Match[str], published: dt.date | None) -> _Period:
    assert published is not None
    month = _MONTHS[m["month"]]
    year = published.year if month <= published.month else published.year - 1
    return _whole_month(year, month)


def _weekday(m: re.Match[str], published: dt.date | None) -> _Period:
    """Without a modifier, the most recent such weekday on or before publication (an
    article published on a Friday that says "on Friday" means that day); "last Friday"
    is strictly before publication, "next Friday" strictly after."""
    assert published is not None
    wanted = _WEEKDAYS.index(m["weekday"].lower())
    modifier = (m["mod"] or "").lower()
    if modifier in ("next", "coming", "this coming"):
        return _one_day(published + dt.timedelta(days=(wanted - published.weekday()) % 7 or 7))
    back = (published.weekday() - wanted) % 7
    if modifier and back == 0:
        back = 7
    return _one_day(published - dt.timedelta(days=back))


def _days_back(days: int) -> _Resolver:
    def resolve(m: re.Match[str], published: dt.date | None) -> _Period:
        assert published is not None
        return _one_day(published - dt.timedelta(days=days))

    return resolve


def _ago(m: re.Match[str], published: dt.date | None) -> _Period | None:
    assert published is not None
    stated = parse_number(m["count"])
    count = 1 if stated is None else stated  # "a day ago"
    unit = m["unit"].lower()
    if unit == "day":
        return _one_day(published - dt.timedelta(days=count))
    if unit == "week":
        return _week_of(published - dt.timedelta(weeks=count))
    if unit == "month":
        return _whole_month(*_months_before(published.year, published.month, count))
    return _whole_year(published.year - count)


_OFFSETS = {"last": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}


def _calendar_period(m: re.Match[str], published: dt.date | None) -> _Period:
    """ "last week" is Monday to Sunday of the previous week, "last month" / "last year"
    the whole previous one. "this week" and "earlier this week" run from the period's
    first day to publication, "later this week" from publication to its last day."""
    assert published is not None
    offset = _OFFSETS[m["mod"].lower()]
    unit = m["unit"].lower()
    if unit == "week":
        start, end, precision = _week_of(published + dt.timedelta(weeks=offset))
    elif unit == "month":
        start, end, precision = _whole_month(
            *_months_before(published.year, published.month, -offset)
        )
    else:
        start, end, precision = _whole_year(published.year + offset)
    if offset == 0:
        if (m["part"] or "").lower() == "later":
            start = published
        else:
            end = published
    return start, end, precision


def _weekend(m: re.Match[str], published: dt.date | None) -> _Period:
    """The most recent Saturday-Sunday that began on or before publication, cut at the
    publication date; "next weekend" is the first one after it. Precision week."""
    assert published is not None
    sunday = dt.timedelta(days=1)
    if m["mod"].lower() == "next":
        saturday = published + dt.timedelta(days=(5 - published.weekday()) % 7 or 7)
        return saturday, saturday + sunday, DatePrecision.WEEK
    saturday = published - dt.timedelta(days=(published.weekday() - 5) % 7)
    return saturday, min(saturday + sunday, published), DatePrecision.WEEK


def _dateparser_resolver(m: re.Match[str], published: dt.date | None) -> _Period | None:
    """Forms the other rules do not cover (numeric dates, whose day/month order dateparser
    knows; "a fortnight ago"), through dateparser, imported here because it is slow to
    import. Only the matched words are passed: dateparser fails on whole sentences."""
    dateparser_date = importlib.import_module("dateparser.date")
    base = published or dt.date.today()  # absolute numeric dates do not depend on it
    parser = dateparser_date.DateDataParser(
        languages=["en"],
        settings={
            "RELATIVE_BASE": dt.datetime.combine(base, dt.time()),
            "PREFER_DATES_FROM": "past",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    data = parser.get_date_data(m.group(0))
    if data.date_obj is None:
        return None
    day = data.date_obj.date()
    period = data.period or "day"
    if period == "week":
        return _week_of(day)
    if period == "month":
        return _whole_month(day.year, day.month)
    if period == "year":
        return _whole_year(day.year)
    return _one_day(day)


def _day_of_month(m: re.Match[str], published: dt.date | None) -> _Period:
    """ "on the 5th": this month's 5th if not after publication, else last month's."""
    assert published is not None
    day = int(m["day"])
    year, month = published.year, published.month
    if day > published.day:
        year, month = _months_before(year, month, 1)
    return _one_day(dt.date(year, month, day))


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    relative: bool
    resolve: _Resolver


def _rule(pattern: str, relative: bool, resolve: _Resolver) -> _Rule:
    return _Rule(re.compile(pattern, re.IGNORECASE), relative, resolve)


# The first rule that matches decides: the most specific forms come first.
_RULES = (
    _rule(r"\b(?P<year>\d{4})-(?P<mnum>\d{1,2})-(?P<day>\d{1,2})\b", False, _iso_day),
    _rule(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH},?\s+{_YEAR}", False, _named_day),
    _rule(rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}", False, _named_day),
    _rule(r"\b\d{1,2}[/.]\d{1,2}[/.](?:19|20)\d{2}\b", False, _dateparser_resolver),
    _rule(rf"{_MONTH},?\s+(?:of\s+)?{_YEAR}", False, _month_of_year),
    # before the day-and-month rules: "on 5 March last year" and "March 5 last year" are
    # March of last year, not the latest 5 March (less precise than the day, never the
    # wrong year)
    _rule(
        rf"{_MONTH}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?,?\s+(?:of\s+)?"
        r"(?P<mod>last|previous|this|next)\s+year\b",
        True,
        _month_of_relative_year,
    ),
    _rule(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH}", True, _day_without_year),
    _rule(rf"{_MONTH}\s+{_DAY}\b", True, _day_without_year),
    _rule(
        rf"\b(?:(?P<mod>last|this\s+past|past|next|this\s+coming|coming)\s+)?{_WEEKDAY}",
        True,
        _weekday,
    ),
    _rule(r"\bday\s+before\s+yesterday\b", True, _days_back(2)),
    _rule(r"\b(?:yesterday|last\s+night)\b", True, _days_back(1)),
    # A wire story's "overnight" is the night that ended on its publication day; the labelled
    # sets follow this convention (ANNOTATION.md leaves it open).
    _rule(
        r"\b(?:today|tonight|overnight|(?:during|in)\s+the\s+night|"
        r"this\s+(?:morning|afternoon|evening))\b",
        True,
        _days_back(0),
    ),
    _rule(rf"\b{_COUNT}\s+(?P<unit>day|week|month|year)s?\s+ago\b", True, _ago),
    _rule(
        r"\b(?:(?P<part>earlier|later)\s+)?(?P<mod>last|previous|this|next|coming)\s+"
        r"(?P<unit>week|month|year)\b",
        True,
        _calendar_period,
    ),
    _rule(r"\b(?P<mod>last|this|next|the)\s+weekend\b", True, _weekend),
    _rule(r"\b(?:an?|one|two|three)\s+fortnights?\s+ago\b", True, _dateparser_resolver),
    _rule(_MONTH, True, _month_without_year),
    _rule(rf"\b{_YEAR}", False, _year),
    _rule(r"\bthe\s+(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)\b", True, _day_of_month),
)


# Date phrases recur ("on Monday", "overnight"), and up to twenty rules may be tried on each.
@functools.lru_cache(maxsize=4096)
def _first_rule(quote: str) -> tuple[_Rule, re.Match[str]] | None:
    for rule in _RULES:
        m = rule.pattern.search(quote)
        if m:
            return rule, m
    return None


def has_date_expression(quote: str) -> bool:
    """Whether ``quote`` names a day, period or year: weekdays, months, "yesterday",
    "overnight", "last week", "earlier this month", "3 days ago", "on the 5th", ISO and
    numeric dates, years."""
    return _first_rule(quote) is not None


def is_relative_date(quote: str) -> bool:
    """Whether resolving ``quote`` needs the publication date ("on Thursday", "in March",
    "March 3": no year is stated); ``False`` for absolute dates and for text that holds
    no date expression."""
    found = _first_rule(quote)
    return found is not None and found[0].relative


def resolve_date(quote: str, published: dt.date | None) -> ResolvedDate | None:
    """The dates ``quote`` refers to, relative expressions resolved against ``published``.

    ``None`` when there is no date expression, it is relative and ``published`` is None,
    or it names an impossible day ("31 April"). The first matching rule decides, most
    specific forms first (see the resolvers' docstrings for the conventions); numeric
    dates ("03/02/2021") and rarer forms go to dateparser with ``PREFER_DATES_FROM="past"``.
    """
    found = _first_rule(quote)
    if found is None:
        return None
    rule, m = found
    if rule.relative and published is None:
        return None
    try:
        period = rule.resolve(m, published)
    except ValueError:
        return None
    if period is None:
        return None
    start, end, precision = period
    return ResolvedDate(start, end, precision, rule.relative)


# --------------------------------------------------------------------------- countries


def _country_key(name: str) -> str:
    folded = fold_accents(name).casefold().replace(".", "")
    return " ".join(re.findall(r"\w+", folded))


@functools.cache
def _alias_codes() -> dict[str, str]:
    return {_country_key(alias): code for code, names in COUNTRY_ALIASES.items() for alias in names}


@functools.cache
def _pycountry_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names.setdefault(_country_key(value), country.alpha_3)
    return names


def _sorted_words(key: str) -> str:
    """``key`` with its words in order, as ``fuzz.token_sort_ratio`` compares them."""
    return " ".join(sorted(key.split()))


@functools.cache
def _sorted_country_names() -> tuple[list[str], list[str]]:
    """The keys of :func:`_pycountry_names` with sorted words, and their codes in the same
    order: sorted once, so the fuzzy match does not sort 400 names on every lookup."""
    names = _pycountry_names()
    return [_sorted_words(key) for key in names], list(names.values())


@functools.lru_cache(maxsize=4096)
def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-3 code of a country name, short name, demonym or code.

    Order: the alias table (short names and demonyms pycountry lacks, e.g. "Syrian",
    "Turkey", "Gaza" -> PSE, "Kosovo" -> XKX), pycountry's exact lookup (names, official
    names, codes; codes only when written in capitals, so "in" is not India), then a fuzzy
    match against country names only (rapidfuzz token-sort similarity >= 90, which also
    catches regular demonyms such as "Bolivian"). pycountry's own ``search_fuzzy`` is not
    used: it also matches subdivisions, so "Kosovo" would give SRB and "Kharkiv" UKR.
    """
    cleaned = re.sub(r"^\s*the\s+", "", name.strip(), flags=re.IGNORECASE)
    key = _country_key(cleaned)
    if not key:
        return None
    if key in _alias_codes():
        return _alias_codes()[key]
    if len(cleaned) > 3 or cleaned.isupper():
        try:
            return str(pycountry.countries.lookup(cleaned).alpha_3)
        except LookupError:
            pass
    # fuzz.token_sort_ratio, with the names' words sorted beforehand
    sorted_names, codes = _sorted_country_names()
    best = process.extractOne(_sorted_words(key), sorted_names, scorer=fuzz.ratio, score_cutoff=90)
    return codes[best[2]] if best else None


@functools.lru_cache(maxsize=1024)
def is_country_code(code: str) -> bool:
    """Whether ``code`` is an alpha-3 code of a real country (pycountry), or Kosovo's XKX."""
    if code in EXTRA_COUNTRY_CODES:
        return True
    return (
        len(code) == 3
        and code.isalpha()
        and code.isupper()
        and pycountry.countries.get(alpha_3=code) is not None
    )
