import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmextract.cli import app
from llmextract.dataset import (
    LabelledSetError,
    check_labelled_set,
    is_relative_only,
    labelled_set_stats,
    load_labelled_set,
)
from tests.factories import (
    ARTICLE_NEGATIVE,
    ARTICLE_TWO_STRIKES,
    gold_line,
    russian_strike,
    standard_docs,
    us_strike,
    write_split,
)

REPO = Path(__file__).parent.parent


def _with(change: dict, **event_changes: dict) -> dict:
    """A US-strike gold line with top-level ``change`` and per-field event changes."""
    event = us_strike()
    for key, value in event_changes.items():
        event[key] = {**event[key], **value} if isinstance(value, dict) else value
    return {**gold_line("x", [event]), **change}


# (doc id, gold line or raw text, expected field): one problem of each kind, in line order.
BROKEN_LINES = [
    ("d01-clean", gold_line("d01-clean", [us_strike()]), None),
    ("d02-json", '{"doc_id": "d02-json", "published": ', None),
    ("d03-enum", _with({"doc_id": "d03-enum"}, strike_type="airstrike"), "events.0.strike_type"),
    (
        "d04-country",
        _with({"doc_id": "d04-country"}, location={"countries": ["XYZ"]}),
        "events.0.location.countries.0",
    ),
    (
        "d05-date-order",
        _with({"doc_id": "d05-date-order"}, date={"start": "2021-02-26", "end": "2021-02-25"}),
        "events.0.date",
    ),
    (
        "d06-date-form",
        _with({"doc_id": "d06-date-form"}, date={"start": "25/02/2021"}),
        "events.0.date.start",
    ),
    (
        "d07-published",
        {k: v for k, v in _with({"doc_id": "d07-published"}).items() if k != "published"},
        "published",
    ),
    (
        "d08-quote",
        _with({"doc_id": "d08-quote"}, attacker={"quote": "the US  military"}),
        "events.0.attacker.quote",
    ),
    (
        "d09-evidence",
        _with({"doc_id": "d09-evidence"}, evidence=["US jets struck militias"]),
        "events.0.evidence.0",
    ),
    ("d10-no-article", gold_line("d10-no-article", []), "doc_id"),
    ("d01-clean", gold_line("d01-clean", []), "doc_id"),
]
EXPECTED = {
    # (file, line, field): words the message must hold
    ("gold.jsonl", 2, None): "not valid JSON",
    ("gold.jsonl", 3, "events.0.strike_type"): "'air_strike'",
    ("gold.jsonl", 4, "events.0.location.countries.0"): "'XYZ' is not an ISO 3166-1 alpha-3",
    ("gold.jsonl", 5, "events.0.date"): "start 2021-02-26 is after end 2021-02-25",
    ("gold.jsonl", 6, "events.0.date.start"): "ISO date (YYYY-MM-DD): '25/02/2021'",
    ("gold.jsonl", 7, "published"): "publication date is missing",
    ("gold.jsonl", 8, "events.0.attacker.quote"): "only in whitespace or case",
    ("gold.jsonl", 9, "events.0.evidence.0"): "not found verbatim in d09-evidence.txt",
    ("gold.jsonl", 10, "doc_id"): "no article file articles/d10-no-article.txt",
    ("gold.jsonl", 11, "doc_id"): "already on line 1",
    ("d99-orphan.txt", None, None): "article has no line in",
}


@pytest.fixture
def broken_split(tmp_path: Path) -> Path:
    split = tmp_path / "dev"
    (split / "articles").mkdir(parents=True)
    lines = []
    for doc_id, line, _ in BROKEN_LINES:
        lines.append(line if isinstance(line, str) else json.dumps(line))
        if doc_id not in ("d02-json", "d10-no-article"):
            (split / "articles" / f"{doc_id}.txt").write_text(ARTICLE_TWO_STRIKES, "utf-8")
    (split / "articles" / "d99-orphan.txt").write_text(ARTICLE_NEGATIVE, "utf-8")
    (split / "gold.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return split


@pytest.fixture
def clean_set(tmp_path: Path) -> Path:
    write_split(tmp_path / "dev", standard_docs())
    write_split(tmp_path / "test", [(gold_line("t01", [russian_strike()]), ARTICLE_TWO_STRIKES)])
    return tmp_path


def test_checker_reports_each_problem_once_with_file_line_and_field(broken_split):
    problems = check_labelled_set(broken_split)
    found = {(p.file.name, p.line, p.field) for p in problems}
    assert found == set(EXPECTED)
    assert len(problems) == len(EXPECTED)


@pytest.mark.parametrize(("where", "words"), EXPECTED.items(), ids=[str(k) for k in EXPECTED])
def test_checker_message_says_what_is_wrong(broken_split, where, words):
    messages = {(p.file.name, p.line, p.field): p.message for p in check_labelled_set(broken_split)}
    assert words in messages[where]


def test_problem_prints_as_file_line_field_message(broken_split):
    printed = [str(p) for p in check_labelled_set(broken_split)]
    assert f"{broken_split / 'gold.jsonl'}:3: events.0.strike_type: Input should be" in "\n".join(
        printed
    )


def test_clean_set_has_no_problems_at_root_or_in_a_split(clean_set):
    assert check_labelled_set(clean_set) == []
    assert check_labelled_set(clean_set / "test") == []


def test_folder_without_gold_file_is_a_problem(tmp_path):
    problems = check_labelled_set(tmp_path)
    assert len(problems) == 1 and "no gold.jsonl" in problems[0].message


def test_same_document_in_two_splits_is_a_problem(tmp_path):
    write_split(tmp_path / "dev", standard_docs())
    write_split(tmp_path / "test", standard_docs()[:1])
    problems = check_labelled_set(tmp_path)
    assert [(p.file.parent.name, p.line, p.field) for p in problems] == [("test", 1, "doc_id")]
    assert "also in split 'dev'" in problems[0].message


def test_loading_a_root_loads_every_split_and_each_document_knows_its_split(clean_set):
    labelled = load_labelled_set(clean_set)
    assert labelled.splits == ["dev", "test"]
    assert [(d.doc_id, d.split) for d in labelled.documents] == [
        ("d01-syria", "dev"),
        ("d02-dock-strike", "dev"),
        ("t01", "test"),
    ]
    first = labelled.documents[0]
    assert first.text == ARTICLE_TWO_STRIKES
    assert first.article_path == clean_set / "dev" / "articles" / "d01-syria.txt"
    assert first.events[0].attacker is not None
    assert first.events[0].attacker.quote == "The US military"
    assert str(first.published) == "2021-02-26"


def test_loading_a_split_folder_loads_that_split_only(clean_set):
    assert [d.doc_id for d in load_labelled_set(clean_set / "test").documents] == ["t01"]


def test_loading_an_invalid_set_raises_with_its_problems(broken_split):
    with pytest.raises(LabelledSetError) as raised:
        load_labelled_set(broken_split)
    assert any(p.field == "events.0.strike_type" for p in raised.value.problems)


@pytest.mark.parametrize(
    ("quote", "relative"),
    [
        ("on Thursday", True),
        ("overnight", True),
        ("last week", True),
        ("on 25 February", False),
        ("in 2019", False),
        ("Feb. 3", False),
        ("2021-02-25", False),
    ],
)
def test_relative_only_date_quotes_have_no_year_and_no_month(quote, relative):
    assert is_relative_only(quote) is relative


def test_stats_count_what_the_readme_shows_per_split_and_in_total(tmp_path):
    long_text = ARTICLE_TWO_STRIKES + "Filler sentence for length. " * 300
    dated = us_strike()
    dated["date"] = {**dated["date"], "quote": "on 20 February 2021"}
    write_split(
        tmp_path / "dev",
        [
            *standard_docs(),  # two relative dates, one conflicting pair of claims, one negative
            (gold_line("d03-long", [dated]), long_text),
        ],
    )
    write_split(tmp_path / "test", [(gold_line("t01", []), ARTICLE_NEGATIVE)])
    stats = labelled_set_stats(tmp_path)
    dev, test, total = stats.columns["dev"], stats.columns["test"], stats.columns["total"]
    assert (dev.articles, dev.negatives, dev.long_articles) == (3, 1, 1)
    assert dev.multi_event_articles == 1
    assert (dev.events, dev.relative_date_events, dev.conflicting_claim_events) == (3, 2, 1)
    assert dev.by_role == {"main": 2, "related": 1, "background": 0}
    assert dev.by_strike_type["air_strike"] == 3 and dev.by_status["occurred"] == 3
    assert (test.articles, test.negatives, test.events) == (1, 1, 0)
    assert (total.articles, total.negatives, total.events) == (4, 2, 3)


def test_stats_render_as_markdown_with_a_column_per_split(clean_set):
    markdown = labelled_set_stats(clean_set).to_markdown().splitlines()
    assert markdown[0] == "|  | dev | test | total |"
    assert "| articles | 2 | 1 | 3 |" in markdown
    assert "| negatives (no events) | 1 | 0 | 1 |" in markdown


def test_stats_of_one_split_have_no_total_column(clean_set):
    assert list(labelled_set_stats(clean_set / "dev").columns) == ["dev"]


runner = CliRunner()


def test_cli_check_exits_0_with_one_ok_line_on_a_clean_set(clean_set):
    result = runner.invoke(app, ["dataset", "check", str(clean_set)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"OK {clean_set}: 3 articles (dev 2, test 1), 3 events, 1 negatives"
    ]


def test_cli_check_exits_1_and_lists_every_problem(broken_split):
    result = runner.invoke(app, ["dataset", "check", str(broken_split)])
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == len(EXPECTED)
    assert f"{len(EXPECTED)} problem(s)" in result.stderr


def test_cli_stats_prints_the_markdown_table(clean_set):
    result = runner.invoke(app, ["dataset", "stats", str(clean_set), "--markdown"])
    assert result.exit_code == 0
    assert result.stdout == labelled_set_stats(clean_set).to_markdown()


def test_cli_stats_prints_a_terminal_table(clean_set):
    result = runner.invoke(app, ["dataset", "stats", str(clean_set)])
    assert result.exit_code == 0
    assert "articles with several events" in result.stdout


def test_real_splits_pass_the_checker():
    dev, test = REPO / "datasets/strikes-v1/dev", REPO / "datasets/strikes-v1/test"
    assert check_labelled_set(dev) == []
    assert check_labelled_set(test) == []
    assert len(load_labelled_set(dev).documents) >= 40
    assert len(load_labelled_set(test).documents) >= 20


def test_article_that_is_not_utf8_is_a_problem_of_that_file(clean_set):
    article = clean_set / "dev" / "articles" / "d02-dock-strike.txt"
    article.write_bytes("Felixstowe dock strike, 10 € a day".encode("cp1252"))
    [problem] = check_labelled_set(clean_set)
    assert (problem.file, problem.line) == (article, None)
    assert "not valid UTF-8" in problem.message
