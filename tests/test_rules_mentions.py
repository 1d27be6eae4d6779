"""The mention finder's reuse of the article's trigger-word matches inside a clause."""

from __future__ import annotations

import pytest

from llmextract.lexicon import inner, lexicon
from llmextract.rules_mentions import _TRIGGER_LISTS, MentionFinder

# Spans cut through "kamikaze drones", "missile boats", "Iskander-Ms", "shot down" and
# "shellfish": where a whole-text match runs over a span's start or end, or a word that is
# no match runs on past the end ("shell|fish").
_TEXT = (
    "Russian missile boats fired Kalibr missiles; air strikes hit the shellfish port, and "
    "kamikaze drones were shot down. Two Iskander-Ms and a Kh-101 struck Kyiv - the attacks "
    "killed four."
)


@pytest.mark.parametrize("name", _TRIGGER_LISTS)
def test_clause_matches_are_what_the_word_index_finds_in_every_span(name: str) -> None:
    finder = MentionFinder(_TEXT)
    pattern = getattr(finder.lex, name)
    for start in range(len(_TEXT) + 1):
        for end in range(start, len(_TEXT) + 1):
            expected = [(m.start(), m.end()) for m in finder.index.finditer(pattern, start, end)]
            found = [(m.start(), m.end()) for m in finder._clause_matches(name, start, end)]
            assert found == expected, (name, start, end)


@pytest.mark.parametrize("name", _TRIGGER_LISTS)
def test_trigger_lists_look_past_a_match_only_through_the_word_end_check(name: str) -> None:
    # _clause_matches finds a clause's matches again only when a word character follows
    # the clause; a lookahead or end anchor inside a word list could see past it otherwise.
    fragments = inner(getattr(lexicon(), name))
    assert not any(look in fragments for look in ("(?=", "(?!", "$", "\\Z")), fragments
