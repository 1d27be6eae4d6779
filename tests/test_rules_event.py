"""How one event's mentions decide its first report and its attacker (rules._Event)."""

from __future__ import annotations

from llmextract.rules import _Event, _Reading
from llmextract.rules_mentions import Kind, Mention
from llmextract.rules_phrases import ActorPhrase
from llmextract.schema import Status
from llmextract.textview import Sentence

_SENTENCE = Sentence(0, 100, 0, 0)


def _reading(at: int, kind: Kind, attacker: str | None = None) -> _Reading:
    party = ActorPhrase(at, at + 5, attacker, frozenset()) if attacker else None
    mention = Mention(_SENTENCE, at, at + 10, at, at + 5, kind, Status.OCCURRED, attacker=party)
    return _Reading(mention, None, None, (), party)


def test_the_first_report_comes_before_an_earlier_reference() -> None:
    event = _Event([_reading(0, Kind.REFERENCE), _reading(20, Kind.REPORT)])
    assert event.first.position == 20


def test_an_event_of_references_only_starts_at_its_first_reading() -> None:
    event = _Event([_reading(0, Kind.REFERENCE), _reading(20, Kind.REFERENCE)])
    assert event.first.position == 0


def test_the_attacker_of_a_report_wins_over_that_of_an_earlier_reference() -> None:
    event = _Event(
        [
            _reading(0, Kind.REFERENCE, "Hamas"),
            _reading(20, Kind.REPORT),
            _reading(40, Kind.REPORT, "Israel"),
        ]
    )
    attacker = event.attacker()
    assert attacker is not None and attacker.name == "Israel"


def test_without_a_report_naming_one_the_first_named_attacker_is_the_events() -> None:
    event = _Event([_reading(0, Kind.REPORT), _reading(20, Kind.REFERENCE, "Hamas")])
    attacker = event.attacker()
    assert attacker is not None and attacker.name == "Hamas"
    assert _Event([_reading(0, Kind.REPORT)]).attacker() is None
