"""Count the instructions the rules backend executes per 3 KB article, for one or more trees.

Run by hand from the repository root (needs ``valgrind``; takes about two minutes a tree):

    /work/venv/bin/python benchmarks/rules_instructions.py [TREE ...]

Wall-clock rates on the shared VMs swing by half with what else runs on the host, which
hides gains of a few percent. The number of instructions does not swing: each tree is run
twice under callgrind with ``PYTHONHASHSEED=0``, once warming up on ``WARM`` articles only
and once also extracting ``COUNTED`` more; the difference, divided by ``COUNTED``, is the
work of one ``Extractor("rules").extract`` (rules, grounding and normalisation), without
start-up and gazetteer loading. The articles are made as ``bench_rules.py`` makes them, the
same for every tree. Without arguments the tree is this repository.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM = 10
COUNTED = 60
SEED = 1000


def _child(tree: str, counted: int) -> None:
    """Extract ``WARM`` + ``counted`` articles with the llmextract of ``tree``."""
    sys.path.insert(0, tree)
    import llmextract

    sys.path.insert(1, str(ROOT / "benchmarks"))
    import bench_rules

    assert llmextract.__file__ is not None and llmextract.__file__.startswith(tree)
    extractor = llmextract.Extractor("rules")
    for text in bench_rules.articles(SEED, bench_rules._paragraphs())[: WARM + counted]:
        extractor.extract(text, published="2024-03-15")


def _collected(tree: str, counted: int) -> int:
    callgrind = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    out = subprocess.run(
        [*callgrind, sys.executable, __file__, "--child", tree, str(counted)],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | {"PYTHONHASHSEED": "0"},
    )
    found = re.search(r"Collected : (\d+)", out.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in callgrind's output for {tree}:\n{out.stderr}")
    return int(found[1])


def per_article(tree: str) -> float:
    """Instructions of one extraction with the llmextract of ``tree``."""
    return (_collected(tree, COUNTED) - _collected(tree, 0)) / COUNTED


def main(trees: list[str]) -> None:
    figures = {tree: per_article(tree) for tree in trees}
    first = next(iter(figures.values()))
    for tree, count in figures.items():
        ratio = count / first
        print(f"{tree}: {count / 1e6:.2f}M instructions an article ({ratio:.3f} of the first)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(str(Path(sys.argv[2]).resolve()), int(sys.argv[3]))
    else:
        main([str(Path(t).resolve()) for t in sys.argv[1:]] or [str(ROOT)])
