"""Shared fixtures: cassettes live in the top-level cassettes/ folder, secrets filtered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.stub_server import StubServer

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"
LOOPBACK = "127.0.0.1"

# Headers that carry credentials or account identity; never written to a cassette.
SECRET_HEADERS = [
    "authorization",
    "api-key",
    "x-api-key",
    "openai-organization",
    "openai-project",
    "cookie",
    "set-cookie",
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "cassette(name): replay cassettes/NAME.yaml (and record there on re-record)"
    )


@pytest.fixture(scope="module")
def vcr_config() -> dict:
    # record_mode is deliberately absent: it would override --record-mode on the command line.
    return {"filter_headers": SECRET_HEADERS, "decode_compressed_response": True}


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(CASSETTES)


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    marker = request.node.get_closest_marker("cassette")
    if marker is None:
        raise pytest.UsageError(f"{request.node.nodeid} uses vcr without @pytest.mark.cassette")
    return f"{marker.args[0]}.yaml"


@pytest.fixture
def no_model_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No model configured, whatever the developer's shell has."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "LLMEXTRACT_MODEL", "LLMEXTRACT_MODE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def stub_server() -> Iterator[StubServer]:
    """A local OpenAI-compatible server (tests/stub_server.py) on 127.0.0.1, stopped after
    the test. Tests that call it need `@pytest.mark.block_network(allowed_hosts=[LOOPBACK])`
    so that `--block-network` lets loopback through."""
    with StubServer() as server:
        yield server


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private response cache: tests never read or write the developer's."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("LLMEXTRACT_CACHE_DIR", str(directory))
    return directory
