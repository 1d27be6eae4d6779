"""`llmextract eval --backend`: a backend run over a labelled set, through the runner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmextract.cli import app
from tests.scripted_cassettes import ALBU_KAMAL_EVENTS, KHARKIV_EVENTS

DATA = Path(__file__).parent / "data"


def write_set(root: Path) -> Path:
    """A three-article labelled set: two with events, one negative."""
    split = root / "tiny" / "dev"
    (split / "articles").mkdir(parents=True)
    docs = [
        ("albu-kamal", "2021-02-26", ALBU_KAMAL_EVENTS),
        ("dock-strike", "2024-05-14", []),
        ("kharkiv", "2024-05-26", KHARKIV_EVENTS),
    ]
    with (split / "gold.jsonl").open("w", encoding="utf-8") as gold:
        for doc_id, published, events in docs:
            shutil.copy(DATA / f"{doc_id}.txt", split / "articles" / f"{doc_id}.txt")
            labelled = [{k: v for k, v in e.items() if k != "summary"} for e in events]
            gold.write(
                json.dumps({"doc_id": doc_id, "published": published, "events": labelled}) + "\n"
            )
    return split


@pytest.mark.vcr
@pytest.mark.cassette("eval_three_articles")
def test_eval_runs_the_openai_backend_over_the_set_and_scores_it(
    tmp_path, monkeypatch, no_model_env
):
    monkeypatch.setenv("OPENAI_API_KEY", "test-key-not-a-secret")
    labelled = write_set(tmp_path)
    report, saved = tmp_path / "report.json", tmp_path / "run.jsonl"

    result = CliRunner().invoke(
        app,
        [
            "eval",
            str(labelled),
            "--backend",
            "openai",
            "--model",
            "gpt-4.1-mini",
            "--concurrency",
            "1",
            "--no-cache",
            "--bootstrap",
            "0",
            "--quiet",
            "--json",
            str(report),
            "--save",
            str(saved),
        ],
    )

    assert result.exit_code == 0, result.output
    figures = json.loads(report.read_text())
    assert figures["run"] == "openai:gpt-4.1-mini"
    assert figures["events"]["matched"] == 3
    assert figures["events"]["f1"]["value"] == 1.0
    assert figures["relevance"]["f1"]["value"] == 1.0
    assert figures["cost"]["total"]["calls"] == 3  # one scripted completion per article
    lines = [json.loads(line) for line in saved.read_text().splitlines()]
    assert sorted(line["doc_id"] for line in lines) == ["albu-kamal", "dock-strike", "kharkiv"]
    assert "test-key-not-a-secret" not in saved.read_text() + report.read_text()


def test_eval_with_rules_and_a_prediction_file_compares_them(tmp_path, no_model_env):
    labelled = write_set(tmp_path)
    gold_as_predictions = labelled / "gold.jsonl"
    report = tmp_path / "report.json"

    result = CliRunner().invoke(
        app,
        [
            "eval",
            str(labelled),
            "--backend",
            "rules",
            "-p",
            str(gold_as_predictions),
            "--bootstrap",
            "0",
            "--quiet",
            "--json",
            str(report),
        ],
    )

    assert result.exit_code == 0, result.output
    comparison = json.loads(report.read_text())
    names = [r["run"] for r in comparison["runs"]]
    assert names == ["rules", "gold"]
