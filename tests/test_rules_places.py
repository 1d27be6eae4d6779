"""Places of a strike mention, read by :class:`llmextract.rules_places.PlaceFinder`."""

from __future__ import annotations

from llmextract.rules_phrases import actor_names
from llmextract.rules_places import PlaceFinder


def names(text: str) -> list[str]:
    return [p.name for p in PlaceFinder(text, set(), actor_names()).places(0, len(text))]


def test_a_place_the_strike_came_from_is_not_its_place():
    assert names("Drones launched from Crimea hit the port city of Odesa.") == ["Odesa"]
    assert "Crimea" in names("Drones launched near Crimea hit the port city of Odesa.")


def test_a_town_named_before_its_apposition_is_a_place():
    assert "Galcad" in names("The strike hit Galcad, a small town in central Somalia.")
    assert "Galcad" not in names("The strike hit Galcad, and a small town in Somalia.")


def test_a_country_with_a_possessive_place_is_a_place():
    assert "Iraq" in names("The drone struck Iraq's Kurdistan region overnight.")
    assert "Iraq" not in names("The drone struck Iraq's army overnight.")
