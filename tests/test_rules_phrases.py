"""Phrase finders of the rules backend (noun phrases, armed parties) on short texts."""

from __future__ import annotations

import pytest

from llmextract.lexicon import lexicon
from llmextract.rules_phrases import actor_names, actors, noun_phrase


def _head(text: str, word: str) -> tuple[int, int]:
    start = text.rindex(word)
    return start, start + len(word)


def test_noun_phrase_walks_left_over_counts_demonyms_and_modifiers() -> None:
    text = "Officials said two Russian ballistic missiles hit the port."
    phrase = noun_phrase(text, *_head(text, "missiles"), 0)
    assert text[phrase.start : phrase.end] == "two Russian ballistic missiles"
    assert not phrase.definite and phrase.possessor is None


def test_noun_phrase_stops_at_a_determiner_and_marks_it_definite() -> None:
    text = "He said the deadliest single strike came at night."
    phrase = noun_phrase(text, *_head(text, "strike"), 0)
    assert text[phrase.start : phrase.end] == "the deadliest single strike"
    assert phrase.definite


def test_noun_phrase_takes_a_possessive_as_its_start() -> None:
    text = "Residents described Friday's strike on the market."
    phrase = noun_phrase(text, *_head(text, "strike"), 0)
    assert (text[phrase.start : phrase.end], phrase.possessor) == ("Friday's strike", "Friday")


def test_noun_phrase_stops_at_punctuation_and_at_its_floor() -> None:
    text = "After the siren, Russian anti-ship drones hit Odesa."
    head = _head(text, "drones")
    assert text[noun_phrase(text, *head, 0).start : head[1]] == "Russian anti-ship drones"
    cut = noun_phrase(text, *head, head[0])
    assert (cut.start, cut.head_start) == (head[0], head[0])
    partial = noun_phrase(text, *head, text.index("i-ship"))  # the floor cuts a word
    assert text[partial.start : head[1]] == "i-ship drones"


def test_noun_phrase_reads_no_further_than_eighty_characters_back() -> None:
    names = " ".join(["Tomahawk"] * 12)  # capitalised words all the way back
    text = f"{names} missiles"
    head = _head(text, "missiles")
    phrase = noun_phrase(text, *head, 0)
    assert head[0] - 80 <= phrase.start <= head[0] - 72


def test_actors_are_found_once_for_the_text_and_cut_to_the_span() -> None:
    text = "Israeli warplanes struck a depot. Hezbollah and the Houthis fired rockets."
    everything = actors(text, 0, len(text))
    assert [a.name for a in everything] == ["Israeli military", "Hezbollah", "Houthis"]
    second = text.index("Hezbollah")
    assert [a.name for a in actors(text, second, len(text))] == ["Hezbollah", "Houthis"]
    assert actors(text, 0, second - 1)[0].countries == frozenset({"ISR"})


@pytest.mark.parametrize(
    "phrase",
    [
        "the Hamas command centre",
        "anti-Hamas protesters",
        "a Hezbollah-run clinic",
        "Yemen's Houthi movement",
        "Wagnerite posts",
        "the Islamic State group",
        "an al-Qaeda safe house",
        "the Moscow offices",
    ],
)
def test_actor_names_matches_where_a_non_place_group_pattern_does(phrase: str) -> None:
    groups = [g.pattern for g in lexicon().groups if not g.also_place]
    starts = [m.start() for g in groups if (m := g.search(phrase))]
    found = actor_names().search(phrase)
    assert (found.start() if found else None) == (min(starts) if starts else None)


def test_a_country_inside_a_group_name_is_no_party_of_its_own() -> None:
    text = "The Israel Defense Forces said Yemen's Houthis fired at Israel."
    found = actors(text, 0, len(text))
    assert [a.name for a in found] == ["Israel Defense Forces", "Houthis", "Israel"]
    assert found[-1].start == text.rindex("Israel")
