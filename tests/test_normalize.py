import datetime as dt

import pytest

from llmextract.normalize import (
    casualty_bounds,
    country_code,
    is_country_code,
    is_relative_date,
    parse_number,
    resolve_date,
)
from llmextract.schema import DatePrecision

D = dt.date
DAY, WEEK, MONTH, YEAR = (
    DatePrecision.DAY,
    DatePrecision.WEEK,
    DatePrecision.MONTH,
    DatePrecision.YEAR,
)
FRIDAY = D(2021, 2, 26)  # DESIGN.md's example publication date


def resolved(quote, published):
    date = resolve_date(quote, published)
    assert date is not None, quote
    return date.start, date.end, date.precision


@pytest.mark.parametrize(
    ("quote", "published", "expected"),
    [
        ("on Thursday", FRIDAY, (D(2021, 2, 25), D(2021, 2, 25), DAY)),
        ("Thursday night", FRIDAY, (D(2021, 2, 25), D(2021, 2, 25), DAY)),
        # the same weekday as publication is that day (ANNOTATION: on or before)
        ("on Friday", FRIDAY, (FRIDAY, FRIDAY, DAY)),
        ("last Friday", FRIDAY, (D(2021, 2, 19), D(2021, 2, 19), DAY)),
        ("on Saturday", FRIDAY, (D(2021, 2, 20), D(2021, 2, 20), DAY)),
        # across a year boundary: published Tuesday 2019-01-01
        ("on Thursday", D(2019, 1, 1), (D(2018, 12, 27), D(2018, 12, 27), DAY)),
        ("yesterday", D(2021, 3, 1), (D(2021, 2, 28), D(2021, 2, 28), DAY)),
        ("overnight", D(2020, 1, 1), (D(2020, 1, 1), D(2020, 1, 1), DAY)),
        ("during the night", D(2020, 1, 1), (D(2020, 1, 1), D(2020, 1, 1), DAY)),
        ("last night", D(2020, 1, 1), (D(2019, 12, 31), D(2019, 12, 31), DAY)),
        ("late last night", FRIDAY, (D(2021, 2, 25), D(2021, 2, 25), DAY)),
        ("three days ago", D(2021, 3, 2), (D(2021, 2, 27), D(2021, 2, 27), DAY)),
        ("on the 5th", FRIDAY, (D(2021, 2, 5), D(2021, 2, 5), DAY)),
        ("on the 27th", FRIDAY, (D(2021, 1, 27), D(2021, 1, 27), DAY)),
    ],
)
def test_relative_days_resolve_against_publication(quote, published, expected):
    assert resolved(quote, published) == expected


@pytest.mark.parametrize(
    ("quote", "published", "expected"),
    [
        ("last week", FRIDAY, (D(2021, 2, 15), D(2021, 2, 21), WEEK)),
        # the previous week spans the new year: published Wednesday 2021-01-06
        ("last week", D(2021, 1, 6), (D(2020, 12, 28), D(2021, 1, 3), WEEK)),
        ("earlier this week", FRIDAY, (D(2021, 2, 22), FRIDAY, WEEK)),
        ("over the weekend", FRIDAY, (D(2021, 2, 20), D(2021, 2, 21), WEEK)),
        ("last month", D(2021, 1, 15), (D(2020, 12, 1), D(2020, 12, 31), MONTH)),
        ("in March", FRIDAY, (D(2020, 3, 1), D(2020, 3, 31), MONTH)),
        ("in February", FRIDAY, (D(2021, 2, 1), D(2021, 2, 28), MONTH)),
        ("in December", D(2020, 1, 10), (D(2019, 12, 1), D(2019, 12, 31), MONTH)),
        ("last year", FRIDAY, (D(2020, 1, 1), D(2020, 12, 31), YEAR)),
    ],
)
def test_relative_periods_resolve_to_whole_weeks_months_and_years(quote, published, expected):
    assert resolved(quote, published) == expected


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("on March 3", (D(2020, 3, 3), D(2020, 3, 3), DAY)),  # not after publication
        ("Feb. 25", (D(2021, 2, 25), D(2021, 2, 25), DAY)),
        ("on 12 January", (D(2021, 1, 12), D(2021, 1, 12), DAY)),
    ],
)
def test_day_and_month_without_year_is_the_latest_not_after_publication(quote, expected):
    assert resolved(quote, FRIDAY) == expected


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("In July last year", (D(2020, 7, 1), D(2020, 7, 31), MONTH)),
        # a month before publication's month, in last year: not this year's
        ("in January of last year", (D(2020, 1, 1), D(2020, 1, 31), MONTH)),
        ("in January this year", (D(2021, 1, 1), D(2021, 1, 31), MONTH)),
        ("on 5 March last year", (D(2020, 3, 1), D(2020, 3, 31), MONTH)),
        ("on March 5 last year", (D(2020, 3, 1), D(2020, 3, 31), MONTH)),
        ("in December next year", (D(2022, 12, 1), D(2022, 12, 31), MONTH)),
    ],
)
def test_a_month_with_a_relative_year_is_that_month_of_that_year(quote, expected):
    assert is_relative_date(quote)
    assert resolved(quote, FRIDAY) == expected


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("3 March 2022", (D(2022, 3, 3), D(2022, 3, 3), DAY)),
        ("on March 3, 2022", (D(2022, 3, 3), D(2022, 3, 3), DAY)),
        ("2022-03-03", (D(2022, 3, 3), D(2022, 3, 3), DAY)),
        ("in March 2020", (D(2020, 3, 1), D(2020, 3, 31), MONTH)),
        ("in 2019", (D(2019, 1, 1), D(2019, 12, 31), YEAR)),
    ],
)
def test_absolute_dates_resolve_with_or_without_publication(quote, expected):
    assert not is_relative_date(quote)
    assert resolved(quote, FRIDAY) == expected
    assert resolved(quote, None) == expected


@pytest.mark.parametrize(
    "quote", ["on Thursday", "yesterday", "last week", "in March", "on March 3", "on the 5th"]
)
def test_relative_dates_without_publication_resolve_to_none(quote):
    assert is_relative_date(quote)
    assert resolve_date(quote, None) is None


def test_forms_outside_the_rules_fall_back_to_dateparser():
    assert resolved("a fortnight ago", FRIDAY) == (D(2021, 2, 8), D(2021, 2, 14), WEEK)
    assert resolve_date("on 12/25/2020", FRIDAY).start == D(2020, 12, 25)


@pytest.mark.parametrize("quote", ["killing 22", "they may strike", "31 April 2021", ""])
def test_text_without_a_valid_date_resolves_to_none(quote):
    assert resolve_date(quote, FRIDAY) is None


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22", 22),
        ("1,200", 1200),
        ("1 200", 1200),
        ("twenty-two", 22),
        ("five", 5),
        ("a dozen", 12),
        ("half a dozen", 6),
        ("two hundred and fifty", 250),
        ("1.5 million", 1_500_000),
        ("hundreds", None),
        ("dozens", None),
        ("22 people", None),
        ("", None),
    ],
)
def test_parse_number_reads_digits_and_number_words(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("killing at least 22 fighters", (22, None)),
        ("more than 20 people died", (20, None)),
        ("over 20 civilians", (20, None)),
        ("22 or more", (22, None)),
        ("up to 30 people", (None, 30)),
        ("as many as 30 soldiers", (None, 30)),
        ("nearly thirty", (None, 30)),
        ("five civilians", (5, 5)),
        ("about 20 people", (20, 20)),
        ("killing a child", (1, 1)),
        ("an elderly man was killed", (1, 1)),
        ("a 22-year-old man", (1, 1)),
        ("no one was hurt", (0, 0)),
        ("between 10 and 15 people", (10, 15)),
        ("10-15 fighters", (10, 15)),
        ("two or three", (2, 3)),
        ("dozens of people", (None, None)),
        ("scores were wounded", (None, None)),
        ("killing 5 and wounding 10", (5, 5)),
        ("the strike hit a warehouse", None),
    ],
)
def test_casualty_bounds_follow_the_annotation_guide(quote, expected):
    assert casualty_bounds(quote) == expected


# --------------------------------------------------------------------------- countries


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Syria", "SYR"),
        ("Syrian", "SYR"),
        ("Russia", "RUS"),
        ("Iran", "IRN"),
        ("Iranian", "IRN"),
        ("Gaza", "PSE"),
        ("West Bank", "PSE"),
        ("Palestinian", "PSE"),
        ("Kosovo", "XKX"),
        ("Turkey", "TUR"),
        ("Türkiye", "TUR"),
        ("US", "USA"),
        ("U.S.", "USA"),
        ("the United States", "USA"),
        ("American", "USA"),
        ("UK", "GBR"),
        ("Britain", "GBR"),
        ("British", "GBR"),
        ("Germany", "DEU"),
        ("SYR", "SYR"),
        ("Korea, Republic of", "KOR"),
        ("Bolivian", "BOL"),
        ("Nigerian", "NGA"),
        ("Côte d'Ivoire", "CIV"),
    ],
)
def test_country_names_demonyms_and_aliases_give_alpha3(name, code):
    assert country_code(name) == code


@pytest.mark.parametrize("name", ["Aleppo", "Kharkiv", "in", "", "the"])
def test_places_and_words_that_are_not_countries_give_none(name):
    assert country_code(name) is None


@pytest.mark.parametrize(
    ("code", "valid"),
    [("SYR", True), ("PSE", True), ("XKX", True), ("ABC", False), ("syr", False), ("SY", False)],
)
def test_is_country_code_accepts_only_real_alpha3_codes(code, valid):
    assert is_country_code(code) is valid
