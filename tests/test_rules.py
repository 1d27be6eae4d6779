"""The offline rules backend, rule family by rule family, on short texts written for these tests.

Every extraction goes through ``Extractor("rules")``, so through the same grounding as model
output; :func:`run` fails the test when grounding had to drop anything, because a rules
value that its own quote does not support is a bug in the rules.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

import llmextract
from llmextract import Extractor, extract_document, rules
from llmextract.schema import (
    Attribution,
    DocumentResult,
    Outcome,
    Role,
    Status,
    StrikeEvent,
    StrikeType,
    TargetKind,
)

ROOT = Path(__file__).resolve().parent.parent
DROPS = {"quote_not_found", "value_unsupported", "event_dropped", "country_invalid"}


def run(text: str, published: str | None = "2024-03-15") -> DocumentResult:
    result = Extractor("rules").extract(text, published=published)
    drops = [d for d in result.diagnostics if d.code in DROPS]
    assert not drops, f"grounding dropped rules output: {drops}"
    return result


def events(text: str, published: str | None = "2024-03-15") -> list[StrikeEvent]:
    return run(text, published).events


def only(text: str, published: str | None = "2024-03-15") -> StrikeEvent:
    found = events(text, published)
    assert len(found) == 1, [e.evidence[0].text for e in found]
    return found[0]


# --------------------------------------------------------------------------- vocabulary


@pytest.mark.parametrize(
    ("sentence", "strike_type"),
    [
        (
            "Syrian government warplanes bombed a bakery in the town of Atarib on Tuesday.",
            StrikeType.AIR_STRIKE,
        ),
        (
            "An airstrike hit a fuel depot outside the city of Marib on Tuesday.",
            StrikeType.AIR_STRIKE,
        ),
        ("A drone strike hit a car near the town of Jilib on Tuesday.", StrikeType.DRONE_STRIKE),
        (
            "A loitering munition struck an air defence radar near Kupiansk on Tuesday.",
            StrikeType.DRONE_STRIKE,
        ),
        (
            "Two cruise missiles struck a power plant in the city of Lviv on Tuesday.",
            StrikeType.MISSILE_STRIKE,
        ),
        ("Militants fired rockets at the town of Sderot on Tuesday.", StrikeType.ROCKET_ATTACK),
        (
            "Government forces shelled the village of Kafr Nabl on Tuesday.",
            StrikeType.ARTILLERY_SHELLING,
        ),
        (
            "Artillery fire hit a school in the town of Avdiivka on Tuesday.",
            StrikeType.ARTILLERY_SHELLING,
        ),
        (
            "A mortar round struck a market in the town of Beledweyne on Tuesday.",
            StrikeType.ARTILLERY_SHELLING,
        ),
    ],
)
def test_strike_vocabulary_sets_the_strike_type(sentence, strike_type):
    event = only(sentence)
    assert event.strike_type is strike_type
    assert event.status is Status.OCCURRED
    assert event.date is not None and event.date.start == dt.date(2024, 3, 12)


def test_a_strike_without_a_named_weapon_is_unspecified():
    event = only("A strike on Tuesday killed four militants near the town of Jilib, police said.")
    assert event.strike_type is StrikeType.UNSPECIFIED


# --------------------------------------------------------------------------- status


def test_shot_down_missiles_are_an_intercepted_strike_by_whoever_fired_them():
    event = only(
        "Air defences shot down 12 missiles that Russia fired at the city of Odesa overnight, "
        "the Ukrainian air force said."
    )
    assert event.status is Status.INTERCEPTED
    assert event.strike_type is StrikeType.MISSILE_STRIKE
    assert event.attacker is not None and event.attacker.name == "Russia"
    assert event.location is not None and event.location.name == "Odesa"


def test_intercepted_drones_take_their_party_from_the_adjective():
    event = only("Saudi air defences intercepted five Houthi drones over Jizan on Monday.")
    assert event.status is Status.INTERCEPTED
    assert event.strike_type is StrikeType.DRONE_STRIKE
    assert event.attacker is not None and event.attacker.name == "Houthis"


def test_a_missile_that_was_intercepted_is_the_subject_of_an_interception():
    event = only("A Russian hypersonic missile was intercepted over Kyiv early on Monday.")
    assert event.status is Status.INTERCEPTED
    assert event.attacker is not None and event.attacker.name == "Russian military"
    assert event.location is not None and event.location.name == "Kyiv"


def test_most_of_them_were_shot_down_is_no_new_strike():
    found = events(
        "Russia fired 20 drones at the city of Sumy on Monday. Most of them were shot down."
    )
    assert [e.status for e in found] == [Status.OCCURRED]


def test_a_vow_to_strike_is_a_planned_strike():
    event = only("Israel would strike Hezbollah targets across Lebanon, the defence minister said.")
    assert event.status is Status.PLANNED
    assert event.attacker is not None and event.attacker.name == "Israel"


def test_a_threat_is_kept_apart_from_a_strike_that_happened():
    found = events(
        "Pakistani jets struck a camp in the town of Khost on Monday. "
        "The Taliban threatened to strike back at Pakistan."
    )
    assert [e.status for e in found] == [Status.OCCURRED, Status.PLANNED]


# --------------------------------------------------------------------------- attackers


def test_the_agent_of_the_strike_clause_is_the_attacker():
    event = only("Turkish forces shelled the village of Tel Tamr on Friday.")
    assert event.attacker is not None
    assert event.attacker.name == "Turkish forces"
    assert event.attacker.attribution is Attribution.REPORTED
    assert event.attacker.quote.text == "Turkish forces"


def test_a_party_that_says_it_struck_has_claimed_it():
    event = only("The Israeli military said it struck a weapons depot in the town of Nabatieh.")
    assert event.attacker is not None and event.attacker.name == "Israeli military"
    assert event.attacker.attribution is Attribution.CLAIMED


def test_its_weapons_in_a_partys_own_statement_are_its_claimed_strike():
    event = only("Ukraine's navy said its drones had hit a Russian warship near Novorossiysk.")
    assert event.attacker is not None
    assert event.attacker.name == "Ukraine's navy"
    assert event.attacker.attribution is Attribution.CLAIMED
    assert event.weapon is not None and event.weapon.name == "drones"


def test_by_phrase_names_the_attacker():
    event = only("An air strike by the Saudi-led coalition hit a wedding in the town of Sanhan.")
    assert event.attacker is not None and event.attacker.name == "Saudi-led coalition"


def test_a_blamed_party_is_an_accused_attacker():
    event = only(
        "A missile hit a hospital in the city of Zaporizhzhia on Sunday. "
        "Ukraine blamed Russia for the attack."
    )
    assert event.attacker is not None
    assert event.attacker.name == "Russia"
    assert event.attacker.attribution is Attribution.ACCUSED


def test_platform_adjective_names_the_military_behind_it():
    event = only("Russian jets struck a hospital in the town of Maarat al-Numan on Monday.")
    assert event.attacker is not None and event.attacker.name == "Russian military"
    assert event.weapon is not None and event.weapon.name == "jets"


# --------------------------------------------------------------------------- targets


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        (
            "Israeli jets struck a refugee camp school in the town of Jabalia on Monday.",
            TargetKind.CIVILIANS,
        ),
        (
            "Israeli jets struck an air base in the town of Tiyas on Monday.",
            TargetKind.MILITARY_SITE,
        ),
        (
            "Ukrainian drones struck an oil refinery in the town of Novoshakhtinsk on Monday.",
            TargetKind.INFRASTRUCTURE,
        ),
        (
            "Russian missiles struck the regional administration building in the city of Mykolaiv.",
            TargetKind.GOVERNMENT,
        ),
    ],
)
def test_the_thing_hit_is_a_target_of_its_kind(sentence, kind):
    event = only(sentence)
    assert [t.kind for t in event.targets] == [kind]


# --------------------------------------------------------------------------- locations


def test_city_from_the_gazetteer_gives_the_country():
    event = only("A drone struck a warehouse in Mosul on Thursday.")
    assert event.location is not None
    assert event.location.name == "Mosul"
    assert event.location.countries == ["IRQ"]


def test_province_is_admin1_and_country_comes_from_the_possessive():
    event = only("Russian jets struck a market in Syria's Idlib province on Thursday.")
    assert event.location is not None
    assert event.location.admin1 == "Idlib"
    assert event.location.countries == ["SYR"]


def test_a_named_village_is_more_specific_than_its_country():
    event = only("Israeli warplanes bombed the village of Aitaroun in southern Lebanon on Monday.")
    assert event.location is not None
    assert event.location.name == "Aitaroun"
    assert event.location.countries == ["LBN"]


def test_a_country_with_its_compass_word_is_the_place_when_nothing_finer_is_named():
    event = only("Turkish drones struck targets across northern Iraq on Monday.")
    assert event.location is not None
    assert event.location.name == "northern Iraq"
    assert event.location.countries == ["IRQ"]


def test_where_a_weapon_was_fired_from_is_not_where_it_hit():
    event = only(
        "A rocket fired from southern Lebanon hit a house in the town of Metula on Monday."
    )
    assert event.location is not None and event.location.name == "Metula"


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("phrase", "start", "end"),
    [
        ("on Monday", dt.date(2024, 3, 11), dt.date(2024, 3, 11)),
        ("late on Wednesday", dt.date(2024, 3, 13), dt.date(2024, 3, 13)),
        ("overnight", dt.date(2024, 3, 15), dt.date(2024, 3, 15)),
        ("on March 2", dt.date(2024, 3, 2), dt.date(2024, 3, 2)),
        ("last month", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("in the early hours of Thursday", dt.date(2024, 3, 14), dt.date(2024, 3, 14)),
        ("in July last year", dt.date(2023, 7, 1), dt.date(2023, 7, 31)),
        ("in March of last year", dt.date(2023, 3, 1), dt.date(2023, 3, 31)),
        ("on March 5 last year", dt.date(2023, 3, 1), dt.date(2023, 3, 31)),
    ],
)
def test_relative_dates_resolve_against_publication(phrase, start, end):
    event = only(f"A drone struck a fuel depot in the city of Belgorod {phrase}.")
    assert event.date is not None
    assert (event.date.start, event.date.end) == (start, end)


def test_the_date_something_was_said_is_not_the_strike_date():
    event = only(
        "The army said on Friday that its jets struck a militant camp near Miranshah on Thursday."
    )
    assert event.date is not None and event.date.start == dt.date(2024, 3, 14)


def test_no_date_in_the_text_means_no_date():
    event = only("Israeli jets struck a warehouse in the town of Qusayr.")
    assert event.date is None


def test_without_a_publication_date_relative_dates_stay_unresolved():
    result = Extractor("rules").extract("A drone struck a depot in Mosul on Monday.")
    (event,) = result.events
    assert event.date is not None and event.date.start is None
    assert {d.code for d in result.diagnostics} >= {"date_unresolved", "no_publication_date"}


# --------------------------------------------------------------------------- casualties


def test_casualty_claims_keep_their_bounds_and_sources():
    event = only(
        "A missile struck an apartment block in the city of Dnipro on Saturday, killing at "
        "least 23 people and wounding up to 40, according to the regional governor. "
        "The health ministry said twenty-five people were killed."
    )
    claims = [(c.outcome, c.low, c.high, c.source) for c in event.casualties]
    assert claims == [
        (Outcome.KILLED, 23, None, "regional governor"),
        (Outcome.INJURED, None, 40, "regional governor"),
        (Outcome.KILLED, 25, 25, "health ministry"),
    ]
    assert event.fatalities is not None
    assert (event.fatalities.min, event.fatalities.max) == (23, 25)


def test_a_claim_in_the_articles_own_voice_has_no_source():
    event = only("An air strike killed a child in the village of Kafr Ruma on Monday.")
    (claim,) = event.casualties
    assert (claim.low, claim.high, claim.source) == (1, 1, None)


def test_vague_figures_keep_no_numbers():
    event = only("Shelling killed dozens of civilians in the town of Bakhmut on Monday.")
    (claim,) = event.casualties
    assert (claim.low, claim.high) == (None, None)
    assert claim.victims == "civilians"


def test_running_totals_and_dates_are_not_claims():
    event = only(
        "A drone struck a bus in the city of Kherson on March 3 killed two people. "
        "The war has killed thousands of civilians."
    )
    assert [(c.low, c.high) for c in event.casualties] == [(2, 2)]


# --------------------------------------------------------------------------- grouping


def test_sentences_about_one_strike_make_one_event():
    event = only(
        "Israeli jets struck a building in the town of Bint Jbeil on Tuesday, killing three "
        "people. The strike also damaged a mosque nearby. The Israeli military said its "
        "aircraft hit a Hezbollah command post in Bint Jbeil."
    )
    assert len(event.evidence) == 2
    assert event.role is Role.MAIN
    assert event.date is not None and event.date.start == dt.date(2024, 3, 12)


def test_strikes_on_different_days_are_separate_events():
    found = events(
        "Russian missiles struck the city of Kharkiv on Thursday, killing four people. "
        "On Monday, Russian drones hit a power station in Kharkiv."
    )
    assert [e.date.start if e.date else None for e in found] == [
        dt.date(2024, 3, 14),
        dt.date(2024, 3, 11),
    ]
    assert [e.role for e in found] == [Role.MAIN, Role.RELATED]


def test_strikes_at_different_places_are_separate_events():
    found = events(
        "Ukrainian drones struck an oil depot in the city of Bryansk on Thursday. "
        "Drones also hit a refinery in the city of Tuapse."
    )
    assert [e.location.name if e.location else None for e in found] == ["Bryansk", "Tuapse"]


def test_strikes_by_different_parties_are_separate_events():
    found = events(
        "Hezbollah fired rockets at the town of Kiryat Shmona on Friday. "
        "Israeli aircraft struck targets in the village of Khiam."
    )
    assert [e.attacker.name if e.attacker else None for e in found] == [
        "Hezbollah",
        "Israeli military",
    ]


def test_an_earlier_strike_years_back_is_background():
    found = events(
        "A US drone strike killed a militant commander near the town of Jilib on Monday. "
        "In 2019, a US air strike in the same area killed dozens of fighters."
    )
    assert [e.role for e in found] == [Role.MAIN, Role.BACKGROUND]


def test_earlier_the_same_day_is_another_operation():
    found = events(
        "A missile fired by the Houthis hit a cargo ship in the Red Sea on Monday. "
        "Earlier on Monday, a destroyer shot down two drones launched by the Houthis."
    )
    assert [e.status for e in found] == [Status.OCCURRED, Status.INTERCEPTED]


# --------------------------------------------------------------------------- negatives


@pytest.mark.parametrize(
    "text",
    [
        "Dock workers extended their strike into a third week on Monday, halting exports.",
        "The striker scored a late winner with a powerful strike from the edge of the area.",
        "The team's strike rate collapsed as the bowlers took five wickets in the final overs.",
        "The firm signed a deal to export armed drones and missiles to three Gulf states.",
        "Residents sheltered in basements during air raid alerts on Monday night.",
        "The town has come under frequent shelling and drone attacks since the war began.",
        "The new drone can carry four guided missiles and fly for 24 hours.",
        "The ministry denied that its forces had fired missiles at the city.",
        "Both sides agreed to halt strikes on energy facilities for 30 days.",
    ],
)
def test_tempting_words_without_a_strike_give_no_event(text):
    assert events(text) == []


@pytest.mark.parametrize("negation", ["was not", "wasn't", "wasn’t", "hadn't been"])
def test_a_negated_clause_gives_no_event_whether_or_not_contracted(negation):
    text = f"Officials said the convoy {negation} targeted by an Israeli drone strike near Rafah."
    assert events(text) == []
    assert events(text.replace(f"{negation} ", "was ")) != [], "the clause alone is a strike"


# --------------------------------------------------------------------------- the whole path


def test_html_entities_are_read_but_quotes_stay_verbatim():
    text = "A drone struck Lukoil&#8217;s depot in the city of Kstovo early on Saturday."
    event = only(text)
    assert event.evidence[0].text in text
    assert "&#8217;" in event.evidence[0].text
    assert event.location is not None and event.location.name == "Kstovo"


def test_every_span_is_its_source_text():
    text = (
        "KYIV, Ukraine (Wire) — Russian forces fired three missiles at the city of Poltava on "
        "Wednesday, killing at least seven people, the governor said. Ukraine blamed Russia."
    )
    for event in events(text):
        for span in event.spans():
            assert text[span.start : span.end] == span.text


def test_the_headline_is_not_evidence():
    found = events(
        "Missile strike on Poltava kills seven\n\n"
        "Russian forces fired missiles at the city of Poltava on Wednesday."
    )
    assert [e.evidence[0].text for e in found] == [
        "Russian forces fired missiles at the city of Poltava on Wednesday"
    ]


def test_no_model_configured_runs_rules_and_warns_once(no_model_env, monkeypatch, caplog):
    from llmextract import extract as extract_module

    monkeypatch.setattr(extract_module, "_warned_rules_default", False)
    text = "Russian jets struck a market in the town of Ariha on Sunday."
    with caplog.at_level(logging.WARNING, logger="llmextract"):
        first = extract_document(text, published="2024-03-15")
        extract_document(text, published="2024-03-15")
    assert first.backend == "rules"
    assert first.prompt_version == rules.RULES_VERSION == "rules-v1"
    assert len(first.events) == 1
    warnings = [r for r in caplog.records if "rules backend" in r.getMessage()]
    assert len(warnings) == 1


# --------------------------------------------------------------------------- pre-filter


def test_an_article_reporting_a_strike_is_relevant():
    relevant, score = rules.is_relevant(
        "Russian missiles struck the city of Dnipro on Friday, killing five people. "
        "Air defences shot down two drones."
    )
    assert relevant
    assert 0.5 < score <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "The striker's late strike won the match; the strike rate of the bowlers fell.",
        "Workers at the port began a strike over pay on Monday.",
        "The central bank cut interest rates by a quarter point.",
    ],
)
def test_articles_without_strike_vocabulary_are_skipped(text):
    relevant, score = rules.is_relevant(text)
    assert not relevant
    assert 0.0 <= score < 0.5


def test_more_strike_words_raise_the_score():
    one = rules.is_relevant("A drone was seen near the base.")[1]
    many = rules.is_relevant(
        "A drone strike hit the base. Missiles and rockets followed; the shelling went on."
    )[1]
    assert many > one


# --------------------------------------------------------------------------- the labelled set


def test_rules_output_on_the_dev_articles_loses_nothing_to_grounding():
    from llmextract.dataset import load_labelled_set

    dev = load_labelled_set(ROOT / "datasets" / "strikes-v1" / "dev")
    extractor = Extractor("rules")
    found = 0
    for doc in dev.documents:
        result = extractor.extract(doc.text, published=doc.published, doc_id=doc.doc_id)
        drops = [d for d in result.diagnostics if d.code in DROPS]
        assert not drops, (doc.doc_id, drops)
        found += len(result.events)
    assert found > 0


def test_a_strike_named_only_as_a_strike_is_relevant():
    relevant, _ = llmextract.is_relevant(
        "An Israeli strike on a house killed 12 people, health officials said. The military "
        "said it had struck a commander."
    )
    assert relevant
