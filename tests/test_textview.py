"""TextView: entities decoded for reading, offsets mapped back for quoting, sentences."""

from __future__ import annotations

from llmextract.textview import TextView


def test_entities_are_decoded_and_quotes_map_back_to_the_source():
    source = "Lukoil&#8217;s refinery &amp; depot were &quot;hit&quot;."
    view = TextView(source)
    assert view.text == 'Lukoil’s refinery & depot were "hit".'
    start = view.text.index("Lukoil’s")
    assert view.quote(start, start + len("Lukoil’s")) == "Lukoil&#8217;s"
    hit = view.text.index('"hit"')
    assert view.quote(hit, hit + 5) == "&quot;hit&quot;"


def test_text_without_entities_is_its_own_view():
    source = "A drone struck a depot. Nobody was hurt."
    view = TextView(source)
    assert view.text == source
    assert view.quote(2, 7) == "drone"


def test_unknown_entities_stay_as_written():
    view = TextView("AT&T and &notanentity; stay")
    assert view.text == "AT&T and &notanentity; stay"


def test_sentences_do_not_break_after_abbreviations_or_initials():
    view = TextView(
        "U.S. forces struck at 3 a.m. Syrian time on Sept. 13 near the base. Gen. J. Smith "
        "said so. Then it ended."
    )
    texts = [view.text[s.start : s.end] for s in view.sentences]
    assert texts == [
        "U.S. forces struck at 3 a.m. Syrian time on Sept. 13 near the base.",
        "Gen. J. Smith said so.",
        "Then it ended.",
    ]


def test_headline_and_dateline_are_set_apart():
    view = TextView(
        "Missile hits Kharkiv\n\nKHARKIV, Ukraine (Wire) — A missile hit the city. It burned.\n\n"
        "More followed."
    )
    first, second, third, fourth = view.sentences
    assert first.headline and view.text[first.start : first.end] == "Missile hits Kharkiv"
    assert view.text[second.start : second.end] == "A missile hit the city."
    assert not second.headline and second.paragraph == 1
    assert view.text[third.start : third.end] == "It burned."
    assert fourth.paragraph == 2
    assert view.dateline is not None
    assert view.text[slice(*view.dateline)] == "KHARKIV, Ukraine"


def test_a_single_paragraph_has_no_headline():
    view = TextView("A drone struck a depot on Monday")
    assert [s.headline for s in view.sentences] == [False]


def test_control_characters_read_as_spaces_with_offsets_kept():
    source = "Officials\x00 said:\x07 a missile\x1b struck."
    view = TextView(source)
    assert view.text == "Officials  said:  a missile  struck."
    start = view.text.index("a missile")
    assert view.quote(start, start + len("a missile")) == "a missile"
