"""Cassettes: listed with their provenance, scripted ones reproducible, no secrets inside."""

from __future__ import annotations

import re

import pytest

from tests.conftest import CASSETTES, SECRET_HEADERS
from tests.scripted_cassettes import SCRIPTED, render

ALL = sorted(CASSETTES.glob("**/*.yaml"))
SECRET_PATTERNS = [
    re.compile(r"sk-[A-Za-z0-9_-]{16,}"),
    re.compile(r"Bearer\s+[A-Za-z0-9._-]{8,}", re.IGNORECASE),
    re.compile(r"test-key-not-a-secret"),  # the key the tests use: must never be recorded
]


def test_there_are_cassettes():
    assert len(ALL) >= 9


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_every_cassette_is_listed_in_the_readme(path):
    readme = (CASSETTES / "README.md").read_text(encoding="utf-8")
    assert f"`{path.relative_to(CASSETTES).as_posix()}`" in readme


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_no_cassette_holds_a_secret(path):
    text = path.read_text(encoding="utf-8")
    for pattern in SECRET_PATTERNS:
        assert not pattern.search(text), f"{path.name} matches {pattern.pattern}"
    for header in SECRET_HEADERS:
        assert not re.search(rf"^\s+{header}:\s*$", text, re.MULTILINE | re.IGNORECASE), (
            f"{path.name} records the {header} header"
        )


@pytest.mark.parametrize("scripted", SCRIPTED, ids=lambda s: s.name)
def test_scripted_cassettes_match_their_script(scripted):
    path = CASSETTES / f"{scripted.name}.yaml"
    assert path.read_text(encoding="utf-8") == render(scripted), (
        f"{path.name} differs from tests/scripted_cassettes.py: run "
        "`python -m tests.scripted_cassettes`"
    )


@pytest.mark.parametrize("scripted", SCRIPTED, ids=lambda s: s.name)
def test_scripted_cassettes_say_so(scripted):
    text = (CASSETTES / f"{scripted.name}.yaml").read_text(encoding="utf-8")
    assert text.startswith("# SCRIPTED cassette")
    assert '"model": "scripted"' in text


def test_recording_filters_credentials_out_of_the_cassette(tmp_path, vcr_config):
    import httpx2
    import vcr

    fake_key = "sk-" + "x" * 40
    recorder = vcr.VCR(**vcr_config, record_mode="all")
    with recorder.use_cassette(str(tmp_path / "recorded.yaml")):
        client = httpx2.Client(transport=httpx2.MockTransport(lambda r: httpx2.Response(200)))
        client.post(
            "https://api.openai.com/v1/chat/completions",
            headers={"Authorization": f"Bearer {fake_key}", "OpenAI-Organization": "org-secret"},
            json={"model": "m"},
        )
    text = (tmp_path / "recorded.yaml").read_text(encoding="utf-8")
    assert "chat/completions" in text
    assert fake_key not in text and "org-secret" not in text
