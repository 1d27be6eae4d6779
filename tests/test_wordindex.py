"""WordIndex finds exactly what the patterns themselves find, only faster."""

from __future__ import annotations

import re
import re._compiler as re_compiler  # type: ignore[import-not-found]
from pathlib import Path

import pytest

from llmextract.gazetteer import _country_pattern, _country_patterns_by_first_word
from llmextract.lexicon import lexicon
from llmextract.rules_casualties import _patterns as _casualty_patterns
from llmextract.rules_mentions import _EVIDENCE_END, _evidence_cut
from llmextract.rules_phrases import _DATE
from llmextract.rules_places import _patterns as _place_patterns
from llmextract.wordindex import NUMBER_KEY, WordIndex, first_keys, ignorecase_lower, word_key

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = sorted((ROOT / "datasets" / "strikes-v1" / "dev" / "articles").glob("*.txt"))
LISTS = [
    "any_weapon",
    "strike_nouns",
    "bare_strike_nouns",
    "hit_verbs",
    "launch_verbs",
    "conduct_verbs",
    "intercept_verbs",
    "plan_cues",
    "military_context",
    "non_military",
    "generic_actors",
]


def spans(matches):
    return [(m.start(), m.end()) for m in matches]


@pytest.mark.parametrize("name", LISTS)
def test_the_index_finds_what_the_lexicon_pattern_finds(name):
    pattern = getattr(lexicon(), name)
    for path in ARTICLES:
        text = path.read_text(encoding="utf-8")
        assert spans(WordIndex(text).finditer(pattern)) == spans(pattern.finditer(text)), path


def test_the_index_finds_every_country_mention():
    pattern = _country_pattern()
    crafted = "Niger, Nigeria and the United States (U.S.) met South Sudanese and Sudan's envoy."
    for text in [crafted, *(path.read_text(encoding="utf-8") for path in ARTICLES)]:
        path = text[:40]
        found = WordIndex(text).finditer_by_key(_country_patterns_by_first_word())
        assert spans(found) == spans(pattern.finditer(text)), path


def test_ranges_and_plural_forms():
    pattern = re.compile(r"(?<![\w-])(?:Scuds?|jets?|missiles?)(?![\w-])", re.IGNORECASE)
    text = "A Scud, two jets and a jet; missile then MISSILES."
    index = WordIndex(text)
    assert [m.group() for m in index.finditer(pattern)] == [
        "Scud",
        "jets",
        "jet",
        "missile",
        "MISSILES",
    ]
    jets, semicolon = text.index("jets"), text.index(";")
    assert [m.group() for m in index.finditer(pattern, jets, semicolon)] == ["jets", "jet"]
    after = index.search(pattern, semicolon)
    assert after is not None and after.group() == "missile"
    assert index.search(pattern, 0, 2) is None


def test_keys_are_short_prefixes_without_plural_s():
    assert word_key("Missiles") == word_key("missile") == "missi"
    assert word_key("jets") == word_key("jet") == "jet"
    assert word_key("its") == "its"


def test_the_index_finds_what_each_armed_group_pattern_finds():
    patterns = [group.pattern for group in lexicon().groups]
    for path in ARTICLES:
        text = path.read_text(encoding="utf-8")
        index = WordIndex(text)
        for pattern in patterns:
            assert spans(index.finditer(pattern)) == spans(pattern.finditer(text))
        found = index.matches_of_each([*patterns, re.compile(r"\d+ (?:killed|dead)")])
        expected = [*patterns, re.compile(r"\d+ (?:killed|dead)")]
        assert [spans(f) for f in found] == [spans(p.finditer(text)) for p in expected], path


def test_first_keys_are_the_words_a_match_can_start_with():
    verbs = re.compile(r"(?<![\w-])(?:(?:began|kept) (?:striking|to strike)|hit)(?![\w-])", re.I)
    assert first_keys(verbs) == {"began", "kept", "hit"}
    optional = re.compile(r"\b(?:Iran[’']s |the )?(?:Islamic )?Revolutionary Guards?\b")
    assert first_keys(optional) == {"iran", "the", "islam", "revol"}
    several = re.compile(r"\b(?:air ?strikes?|Scuds?|MQ-9)\b")
    assert first_keys(several) == {"air", "airst", "scud", "scuds", "mq"}


def test_first_keys_give_up_where_a_match_may_start_without_a_word():
    assert first_keys(re.compile(r"\d+ missiles")) is None
    assert first_keys(re.compile(r"\w+ strike")) is None
    assert first_keys(re.compile(r"\bhit")) is None  # "hitting" would start there too
    assert first_keys(re.compile(r"strike\b")) is None  # and "airstrike" inside a word
    assert first_keys(re.compile(r"(?<![^\w])strike")) is None  # a word character before


def test_every_word_is_indexed_by_its_key():
    text = "Jets hit the bosses' base; MISSILES, a Scud and F-16s."
    index = WordIndex(text)
    for m in re.finditer(r"[A-Za-z]+", text):
        assert m.start() in index.positions(frozenset({word_key(m.group())}))


@pytest.mark.parametrize(
    "text",
    [
        "Jets, a jet and the mass of gas: 1990s F16s; 12\u00a0km caf\u00e9 \u0663 x\u2019s",
        "\u0130stanbul  \ud83d\ude00\tmissiles\n\nthe end",  # wide and astral characters
        "",
        "s",
    ],
)
def test_each_run_of_letters_or_digits_is_one_word_at_its_key(text):
    index = WordIndex(text)
    words = [
        (m.start(), NUMBER_KEY if m.group().isdecimal() else word_key(m.group()))
        for m in re.finditer(r"[a-z]+|\d+", ignorecase_lower(text))
    ]
    keys = {key for _, key in words}
    for key in keys:
        assert index.positions(frozenset({key})) == [at for at, k in words if k == key]
    assert sorted(index.positions(frozenset(keys))) == [at for at, _ in words]


def test_a_pattern_the_index_cannot_read_scans_the_text():
    pattern = re.compile(r"\d+ (?:missiles|drones)")
    text = "Russia fired 12 missiles and 40 drones."
    assert spans(WordIndex(text).finditer(pattern, 5)) == spans(pattern.finditer(text, 5))


def test_the_index_finds_what_each_strike_type_pattern_finds():
    for path in ARTICLES:
        text = path.read_text(encoding="utf-8")
        index = WordIndex(text)
        for pattern in lexicon().strike_types.values():
            assert spans(index.finditer(pattern)) == spans(pattern.finditer(text)), path


def test_the_index_finds_what_the_place_patterns_find():
    places = _place_patterns()
    patterns = [places.after_preposition, places.kind_of, places.apposition_before]
    for path in ARTICLES:
        text = path.read_text(encoding="utf-8")
        index = WordIndex(text)
        for pattern in [*patterns, lexicon().features]:
            assert spans(index.finditer(pattern)) == spans(pattern.finditer(text)), path
        for pattern, word in [
            (places.kind_after, places.kind_after_word),
            (places.apposition_after, places.apposition_word),
        ]:
            for m in pattern.finditer(text):  # the kind word a match ends with is found
                assert index.search(word, m.start(), m.end()), m.group()


def test_the_index_finds_what_date_and_casualty_patterns_find():
    patterns = [_DATE, *_casualty_patterns().values(), lexicon().aggregate_cues]
    for path in ARTICLES:
        text = path.read_text(encoding="utf-8")
        index = WordIndex(text)
        for pattern in patterns:
            assert spans(index.finditer(pattern)) == spans(pattern.finditer(text)), path


def test_numbers_are_indexed_as_words():
    pattern = re.compile(r"\b(?:\d+|two|three) (?:missiles|drones)\b", re.IGNORECASE)
    assert first_keys(pattern) == {NUMBER_KEY, "two", "three"}
    text = "Russia fired 12 missiles, F16 drones and three drones."
    assert [m.group() for m in WordIndex(text).finditer(pattern)] == ["12 missiles", "three drones"]


@pytest.mark.parametrize(
    "text",
    [
        "\u0130stanbul: a missile and a drone; the base was hit.",  # shifts offsets
        "Then a m\u0131ssile and a drone hit the base.",  # dotless i
        "Then a mi\u017fsile and a drone hit the base.",  # long s
        "Then a \u212aatyusha and a drone hit the base.",  # Kelvin sign
    ],
)
def test_letters_that_fold_to_latin_ones_are_read_as_those(text):
    pattern = lexicon().any_weapon
    assert spans(WordIndex(text).finditer(pattern)) == spans(pattern.finditer(text))
    akinci = re.compile(r"\bAk\u0131nc\u0131\b", re.IGNORECASE)  # as a pattern may spell it
    assert spans(WordIndex("the AKINCI").finditer(akinci)) == [(4, 10)]


def test_the_evidence_cut_is_where_spaces_and_the_word_would_match_first():
    scan = re.compile(r"\s+" + _EVIDENCE_END.pattern.removeprefix(r"(?<=\s)"), re.IGNORECASE)
    for path in ARTICLES:
        text = path.read_text(encoding="utf-8")
        index = WordIndex(text)
        for start in range(0, len(text), 7):
            end = min(len(text), start + 120)
            m = scan.search(text, start, end)
            assert _evidence_cut(index, start, end) == (m.start() if m else None), start


def test_a_span_that_ends_inside_a_word_is_read_as_the_pattern_reads_it():
    text = "The Mayor said; later the Mayor spoke."
    month = re.compile(r"\b(?:May|March)\b")
    assert spans(WordIndex(text).finditer(month, 0, 7)) == spans(month.finditer(text, 0, 7))
    assert spans(WordIndex(text).finditer(month, 0, 7)) == [(4, 7)]
    patterns = [_DATE, lexicon().any_weapon, lexicon().hit_verbs, _place_patterns().kind_of]
    for path in ARTICLES[:10]:
        text = path.read_text(encoding="utf-8")
        index = WordIndex(text)
        for start in range(0, len(text), 53):
            end = min(len(text), start + 61)
            for pattern in patterns:
                expected = spans(pattern.finditer(text, start, end))
                assert spans(index.finditer(pattern, start, end)) == expected, (path, start)


def test_search_finds_what_the_pattern_searches_first_in_any_span():
    unreadable = re.compile(r"\d+ (?:missiles|drones|killed)")
    patterns = [lexicon().any_weapon, lexicon().hit_verbs, _DATE, unreadable]
    for path in ARTICLES[:10]:
        text = path.read_text(encoding="utf-8")
        index = WordIndex(text)
        for start in range(0, len(text), 37):
            end = min(len(text), start + 90)
            for pattern in patterns:
                found = index.search(pattern, start, end)
                expected = pattern.search(text, start, end)
                assert (found and found.span()) == (expected and expected.span()), (path, start)


def test_a_span_without_a_candidate_word_has_no_match():
    text = "The missile hit the depot; nothing else happened there."
    index = WordIndex(text)
    weapon = lexicon().any_weapon
    quiet = text.index("nothing")
    assert list(index.finditer(weapon, quiet)) == []
    assert index.search(weapon, quiet) is None
    assert [m.group() for m in index.finditer(weapon, 0, quiet)] == ["missile"]


def test_patterns_made_and_dropped_one_after_another_are_each_read_as_themselves():
    text = "A drone hit the depot; tanks and jeeps burned."
    index = WordIndex(text)
    for word in ["drone", "depot", "tanks", "jeeps", "drone", "depot"]:
        # compiled past re's cache: a dropped pattern frees its memory (and its id) for
        # a later one of the same size
        pattern = re_compiler.compile(rf"\b{word}\b", 0)
        assert spans(index.finditer(pattern)) == spans(pattern.finditer(text)) != [], word
        del pattern


def test_numbers_in_any_script_are_indexed_as_numbers():
    text = "Then \u0663 missiles, 12 drones and F16s."  # an Arabic-Indic three
    numbers = WordIndex(text).positions(frozenset({NUMBER_KEY}))
    assert numbers == [m.start() for m in re.finditer(r"\d+", text)]
    pattern = re.compile(r"\b\d+ missiles\b")
    assert spans(WordIndex(text).finditer(pattern, first=frozenset({NUMBER_KEY}))) == [(5, 15)]


def test_patterns_that_share_a_first_word_each_find_their_own_matches():
    text = "Islamic State and Islamic Jihad fighters; the State said Islamic State lost."
    patterns = [
        re.compile(r"\bIslamic State\b"),
        re.compile(r"\bIslamic (?:State|Jihad)\b"),
        re.compile(r"\b(?:State|Islamic \w+)\b"),
    ]
    found = WordIndex(text).matches_of_each(patterns)
    assert [spans(f) for f in found] == [spans(p.finditer(text)) for p in patterns]
