"""The gazetteer: cities by name with their country, divisions, country mentions; lazy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from llmextract import gazetteer

ROOT = Path(__file__).resolve().parent.parent


def test_cities_are_found_by_spelling_variants():
    assert gazetteer.best_city("Kharkiv", set()).country == "UKR"
    assert gazetteer.best_city("al-Qaim", set()).country == "IRQ"  # "Al Qā’im"
    assert gazetteer.best_city("Kiev", set()).name == "Kyiv"


def test_the_articles_countries_pick_between_namesakes():
    anywhere = gazetteer.best_city("Tripoli", set())
    assert anywhere is not None
    in_lebanon = gazetteer.best_city("Tripoli", {"LBN"})
    assert in_lebanon is not None and in_lebanon.country == "LBN"


def test_unknown_names_are_not_cities():
    assert gazetteer.cities("Qwertyville") == ()


def test_first_level_divisions_give_their_country():
    assert gazetteer.subdivision_country("Idlib") == "SYR"
    assert gazetteer.subdivision_country("Nowhere Province") is None


def test_country_mentions_tell_names_from_demonyms():
    text = "Syrian troops entered Iraq; the U.S. and Britain watched."
    found = [(text[m.start : m.end], m.code, m.demonym) for m in gazetteer.country_mentions(text)]
    assert found == [
        ("Syrian", "SYR", True),
        ("Iraq", "IRQ", False),
        ("U.S.", "USA", False),
        ("Britain", "GBR", False),
    ]


def test_importing_the_rules_backend_loads_no_city_table():
    probe = (
        "import time; t = time.perf_counter(); "
        "from llmextract import rules, gazetteer; "
        "elapsed = time.perf_counter() - t; "
        "print(gazetteer._city_index.cache_info().currsize, rules.RULES_VERSION, elapsed)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[:2] == ["0", "rules-v1"]
