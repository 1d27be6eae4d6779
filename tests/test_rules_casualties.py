"""Casualty claims and their sources, read from one sentence."""

from __future__ import annotations

import pytest

from llmextract.rules_casualties import claims, sentence_source
from llmextract.schema import Outcome


def figures(sentence: str) -> list[tuple[Outcome, int | None, int | None]]:
    return [(c.outcome, c.low, c.high) for c in claims(sentence, 0, len(sentence))]


@pytest.mark.parametrize(
    "sentence",
    [
        "Two people were killed in the strike.",
        "TWO PEOPLE WERE KILLED IN THE STRIKE.",
        "Two people were kılled in the strike.",  # a dotless i, as re.IGNORECASE reads it
    ],
)
def test_casualty_words_are_found_whatever_their_case(sentence):
    assert figures(sentence) == [(Outcome.KILLED, 2, 2)]


def test_a_sentence_without_casualty_words_has_no_claims():
    assert figures("Two missiles hit the port in the strike.") == []


@pytest.mark.parametrize(
    ("sentence", "source"),
    [
        ("Five people were killed, according to the health ministry.", "health ministry"),
        ("ACCORDING TO the health ministry, five people were killed.", "health ministry"),
        ("Five people were killed, the health ministry said.", "health ministry"),
        ("The health ministry said five people were killed.", "health ministry"),
        ("Five people were killed in the strike.", None),
        ("Five people were killed, the health ministry reports.", None),
    ],
)
def test_the_source_is_who_the_sentence_is_attributed_to(sentence, source):
    assert sentence_source(sentence, 0, len(sentence)) == source
