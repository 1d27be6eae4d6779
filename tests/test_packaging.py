"""A non-editable install must carry prompts/ and schemas/ inside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    return next(out.glob("llmextract-*.whl"))


def test_wheel_carries_prompts_examples_and_schemas(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        p.relative_to(ROOT).as_posix() for p in (ROOT / "prompts").rglob("*") if p.is_file()
    }
    expected |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "schemas").glob("*.json")}
    assert expected, "nothing to ship?"
    assert {f"llmextract/{name}" for name in expected} <= names


def test_installed_package_loads_its_own_prompts(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    probe = (
        "import llmextract.prompts as p; d = p.prompts_dir(); "
        "print(d); print(p.load_prompts().version)"
    )
    # Run from tmp_path so the source tree is not importable; dependencies come from sys.path.
    env_path = f"{target}"
    result = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {env_path!r}); {probe}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    where, version = result.stdout.split()
    assert Path(where).is_relative_to(target)
    from llmextract.prompts import load_prompts

    assert version == load_prompts().version  # same files, same version


def test_wheel_carries_the_rules_vocabulary(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "llmextract/rules_data.toml" in names
