import random

import pytest

from llmextract.grounding import (
    Grounder,
    has_date_expression,
    locate,
    normalize_quote,
    support_counts,
    supports_name,
    supports_number,
    unsupported_values,
)
from llmextract.schema import MatchKind, QuotedEvent, StrikeEvent

# Text before the quotes that a naive offset computation gets wrong: astral emoji,
# Cyrillic, and letters whose case folding changes length ("ß" -> "ss", "İ" -> "i̇").
PREFIX = "👍 Kharkiv / Харків. Straße İSTANBUL ẞ — "
ARTICLE = (
    PREFIX + "The US military  struck\u00a0Iran‑backed militias in eastern Syria on Thursday,\n"
    "killing at least 22 fighters, the Syrian Observatory said. “It was a defensive "
    "strike,” Biden’s spokes\u00adwoman said. The US military said more strikes could follow."
)


def assert_grounded(span, source=ARTICLE):
    assert span is not None
    assert source[span.start : span.end] == span.text


def test_exact_quote_gets_its_offsets_after_emoji_and_cyrillic():
    quote = "Iran‑backed militias in eastern Syria"
    span = locate(quote, ARTICLE)
    assert_grounded(span)
    assert (span.start, span.text, span.match) == (ARTICLE.index(quote), quote, MatchKind.EXACT)


def test_exact_quote_of_non_ascii_text_is_found():
    span = locate("Kharkiv / Харків", ARTICLE)
    assert_grounded(span)
    assert span.start == ARTICLE.index("Kharkiv")


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        # whitespace runs, NBSP and case
        (
            "the us military struck iran‑backed militias",
            "The US military  struck\u00a0Iran‑backed militias",
        ),
        # dash variants: ASCII hyphen for a non-breaking one
        ("Iran-backed militias", "Iran‑backed militias"),
        # a newline inside the source
        ("on Thursday, killing", "on Thursday,\nkilling"),
        # straight quotes and apostrophes for curly ones, and a soft hyphen in the source
        (
            '"It was a defensive strike," Biden\'s spokeswoman',
            "“It was a defensive strike,” Biden’s spokes\u00adwoman",
        ),
        # case folding after "ß" and "İ", which casefold to two characters
        ("straße istanbul", "Straße İSTANBUL"),
        ("ß —", "ẞ —"),
    ],
)
def test_normalized_match_maps_back_to_the_original_text(quote, expected):
    span = locate(quote, ARTICLE)
    assert_grounded(span)
    assert span.match is MatchKind.NORMALIZED
    assert (span.start, span.text) == (ARTICLE.index(expected), expected)


def test_any_rewritten_slice_of_the_source_is_found_with_exact_offsets():
    rng = random.Random(7)
    grounder = Grounder(ARTICLE)
    words = [i for i, c in enumerate(ARTICLE) if c.isalnum() and not ARTICLE[i - 1].isalnum()]
    for _ in range(300):
        start, end = sorted(rng.sample(words, 2))
        original = ARTICLE[start:end].strip()
        upper = "".join(c.upper() if len(c.upper()) == 1 else c for c in original)
        quote = " ".join(upper.replace("’", "'").replace("‑", "-").split())
        span = grounder.locate(quote)
        assert_grounded(span)
        assert span.match is not MatchKind.FUZZY
        assert normalize_quote(span.text) == normalize_quote(quote)


def test_first_occurrence_without_near_and_closest_with_near():
    first, second = (i for i in range(len(ARTICLE)) if ARTICLE.startswith("The US military", i))
    grounder = Grounder(ARTICLE)
    assert grounder.locate("The US military").start == first
    assert grounder.locate("The US military", near=second + 40).start == second
    assert grounder.locate("The US military", near=first + 3).start == first
    # the same choice for a normalised match
    assert grounder.locate("the us military", near=second).start == second
    assert grounder.locate("the us military").start == first


def test_with_an_evidence_span_the_nearest_whole_word_occurrence_wins_on_either_side():
    source = "Drones hit Kyiv. Later drones hit Kyiv and Lviv. Drones hit Kyiv again."
    grounder = Grounder(source)
    lviv = source.index("Lviv")
    # the occurrence before the evidence is 9 characters away, the one after it 17
    assert grounder.locate("Kyiv", near=(lviv, lviv + 4)).start == source.index("Kyiv and")
    again = source.index("again")
    assert grounder.locate("Kyiv", near=(again, again + 5)).start == source.index("Kyiv again")
    # one inside the evidence wins (the first of several); a cut word loses to a whole one
    assert grounder.locate("Kyiv", near=(0, len(source))).start == source.index("Kyiv")
    cut = Grounder("Kyivan drones. Kyiv was hit.").locate("Kyiv", near=0)
    assert cut is not None and cut.start == len("Kyivan drones. ")


def test_whole_word_occurrence_wins_over_one_inside_a_word():
    source = "The USAF said. Then US jets struck."
    span = locate("US", source)
    assert_grounded(span, source)
    assert span.start == source.index("US jets")


def test_fuzzy_match_accepts_a_one_word_slip_and_returns_the_source_text():
    span = locate("killing at least 20 fighters", ARTICLE)
    assert_grounded(span)
    assert span.match is MatchKind.FUZZY
    assert span.text == "killing at least 22 fighters"


def test_fuzzy_match_tolerates_a_changed_inflection_inside_a_long_quote():
    span = locate("struck Iran-backed militia in eastern Syria", ARTICLE)
    assert_grounded(span)
    assert span.match is MatchKind.FUZZY
    assert span.text.startswith("struck") and span.text.endswith("eastern Syria")


def test_fuzzy_match_prefers_the_occurrence_near_the_evidence():
    source = "Rockets hit the base on Monday. Later, rockets hit the base on Monday."
    quote = "rockets hit the bass on Monday"
    second = source.rindex("rockets")
    assert locate(quote, source).start == 0
    span = locate(quote, source, near=second)
    assert_grounded(span, source)
    assert (span.start, span.match) == (second, MatchKind.FUZZY)


@pytest.mark.parametrize(
    "quote",
    [
        "Kharkov",  # one slip, but too short to tell from another word
        "Syrian Observers",  # long enough, but similarity too low
        "completely unrelated sentence about the weather",
        "   ",
        "",
    ],
)
def test_short_unrelated_or_blank_quotes_are_not_found(quote):
    assert locate(quote, ARTICLE) is None


def test_short_quotes_are_never_fuzzy_matched_even_with_loose_similarity():
    loose = {"min_similarity": 50, "min_coverage": 0.1}
    assert Grounder(ARTICLE, **loose).locate("Kharkov") is None
    found = Grounder(ARTICLE, **loose, min_fuzzy_length=5).locate("Kharkov")
    assert_grounded(found)
    assert found.text == "Kharkiv"


def test_coverage_rejects_a_match_much_shorter_than_the_quote():
    source = "Officials said the Kharkiv strike was deadly."
    quote = "the Kharkiv strike was deadly, officials in the regional capital said"
    loose = Grounder(source, min_similarity=40, min_coverage=0.1).locate(quote)
    assert_grounded(loose, source)
    assert Grounder(source, min_similarity=40).locate(quote) is None


# --------------------------------------------------------------------------- support checks


@pytest.mark.parametrize(
    ("quote", "n"),
    [
        ("killing 22 people", 22),
        ("1,200 people were killed", 1200),
        ("1 200 people", 1200),
        ("twenty-two fighters", 22),
        ("Five civilians", 5),
        ("a dozen soldiers", 12),
        ("a hundred people", 100),
        ("killing a child", 1),
        ("one person died", 1),
        ("a man and his son", 1),
        ("an elderly woman was killed", 1),
        ("no one was hurt", 0),
    ],
)
def test_numbers_stated_as_digits_or_words_are_supported(quote, n):
    assert supports_number(quote, n)


@pytest.mark.parametrize(
    ("quote", "n"),
    [
        ("killing 22 people", 23),
        ("dozens were killed", 24),
        ("killing a child", 2),
        ("an MQ-9 Reaper drone", 9),
        ("a 22-year-old man", 22),
        ("no one was hurt", 1),
    ],
)
def test_numbers_not_stated_are_unsupported(quote, n):
    assert not supports_number(quote, n)


@pytest.mark.parametrize(
    ("quote", "name"),
    [
        ("The US military", "US military"),
        ("At President Biden's direction", "Joe Biden"),
        ("American forces", "US military"),
        ("the U.S.-led coalition", "United States"),
        ("Israeli warplanes", "Israel"),
        ("Russian jets", "Russia"),
        ("British aircraft", "UK"),
        ("near Kharkív", "Kharkiv"),
        ("in Şırnak province", "Sirnak"),
        ("in Kharkov", "Kharkiv"),
        ("in Kiev", "Kyiv"),
        ("the IRGC said", "Islamic Revolutionary Guard Corps"),
        ("the Syrian Observatory for Human Rights", "SOHR"),
        ("Houthi rebels", "Houthis"),
        ("F-15E fighter jets", "F-15E jets"),
        ("drones", "drones"),
    ],
)
def test_names_sharing_a_content_word_alias_or_spelling_are_supported(quote, name):
    assert supports_name(quote, name)


@pytest.mark.parametrize(
    ("quote", "name"),
    [
        ("the militant group", "Wagner Group"),
        ("Hamas fighters", "Hezbollah"),
        ("the strike killed five", "Russia"),
        ("officials told us", "United States"),
        ("F-16 jets", "F-15E jets"),
        ("Su-24 bombers", "Su-25"),
        ("Iraqi forces", "Iran"),
    ],
)
def test_names_without_a_shared_content_word_are_unsupported(quote, name):
    assert not supports_name(quote, name)


@pytest.mark.parametrize(
    "quote",
    [
        "on Thursday",
        "Thursday night",
        "yesterday",
        "overnight",
        "last night",
        "last week",
        "earlier this week",
        "in March",
        "on March 3",
        "2022-03-03",
        "in 2019",
        "on the 5th",
        "three days ago",
    ],
)
def test_date_expressions_are_recognised(quote):
    assert has_date_expression(quote)


@pytest.mark.parametrize("quote", ["at dawn", "the strike", "they may strike", "killing 22"])
def test_text_without_a_date_expression_is_not_a_date(quote):
    assert not has_date_expression(quote)


EVENT = {
    "strike_type": "air_strike",
    "status": "occurred",
    "role": "main",
    "evidence": ["struck\u00a0Iran‑backed militias in eastern Syria"],
    "attacker": {"name": "US military", "attribution": "reported", "quote": "The US military"},
    "authorized_by": {"name": "Joe Biden", "quote": "Biden’s spokes\u00adwoman"},
    "targets": [
        {"name": "Iran-backed militias", "kind": "armed_group", "quote": "Iran‑backed militias"},
        {"name": "Kataeb Hezbollah", "kind": "armed_group", "quote": "militias"},
    ],
    "location": {"name": "Albu Kamal", "countries": ["SYR"], "quote": "in eastern Syria"},
    "date": {
        "start": "2021-02-25",
        "end": "2021-02-25",
        "precision": "day",
        "quote": "The US military said",
    },
    "weapon": None,
    "casualties": [
        {
            "outcome": "killed",
            "low": 22,
            "high": 30,
            "victims": "fighters",
            "quote": "killing at least 22 fighters",
        }
    ],
}
UNSUPPORTED = {"targets.1.name", "location.name", "date", "casualties.0.high"}


def grounded(event: dict) -> dict:
    """``event`` with each quote string replaced by its located span."""
    grounder = Grounder(ARTICLE)

    def convert(value, key=None):
        if isinstance(value, dict):
            return {k: convert(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v, key) for v in value]
        if key in ("quote", "evidence") and isinstance(value, str):
            return grounder.locate(value).model_dump()
        return value

    return convert(event)


@pytest.mark.parametrize("shape", ["quoted", "grounded"])
def test_unsupported_values_names_each_failing_field_in_both_shapes(shape):
    event = (
        QuotedEvent.model_validate(EVENT)
        if shape == "quoted"
        else StrikeEvent.model_validate(grounded(EVENT))
    )
    problems = unsupported_values(event)
    assert {p.field for p in problems} == UNSUPPORTED
    high = next(p for p in problems if p.field == "casualties.0.high")
    assert (high.value, high.quote) == ("30", "killing at least 22 fighters")


def test_support_counts_cover_every_checked_value():
    event = QuotedEvent.model_validate(EVENT)
    checked = 8  # attacker, authorized_by, 2 targets, location, date, low, high
    assert support_counts(event) == (checked - len(UNSUPPORTED), checked)
