"""Compare the rules backend's throughput with another checkout's, interleaved.

Run by hand from the repository root, with a checkout of the baseline (``git worktree add``
or ``git archive REV | tar -x -C DIR``):

    /work/venv/bin/python benchmarks/bench_rules_vs.py BASELINE_DIR [ROUNDS]

The shared machines drift by a third within a quarter of an hour, so two figures taken
minutes apart say little. Here each round runs a fresh process of each tree, one after the
other (which goes first alternates), each timing ``Extractor("rules").extract`` over
``RUNS`` batches of new 3 KB articles as ``bench_rules.py`` makes them, pinned to one CPU,
and keeps its best batch (the one least slowed by other jobs); the ratio of each pair is
taken, and the median of the ratios is reported.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3

# Imports llmextract from the tree under test first, so bench_rules (which puts its own
# tree on the path) reuses it and makes the same articles for both trees.
_PROBE = """
import os, sys, time
sys.path.insert(0, {tree!r})
import llmextract
sys.path.insert(1, {benchmarks!r})
import bench_rules
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {{min(os.sched_getaffinity(0))}})
paragraphs = bench_rules._paragraphs()
extractor = llmextract.Extractor("rules")
for text in bench_rules.articles(1, paragraphs)[:20]:
    extractor.extract(text, published="2024-03-15")
rates = []
for run in range({runs}):
    batch = bench_rules.articles(1000 + run, paragraphs)
    cpu = time.process_time()
    for text in batch:
        extractor.extract(text, published="2024-03-15")
    rates.append(len(batch) / (time.process_time() - cpu))
print(max(rates))
"""


def rate(tree: Path) -> float:
    """Articles per CPU second (best batch) of a fresh process running ``tree``'s rules."""
    probe = _PROBE.format(tree=str(tree), benchmarks=str(ROOT / "benchmarks"), runs=RUNS)
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=tree, capture_output=True, text=True, check=True
    )
    return float(out.stdout.split()[-1])


def main() -> None:
    baseline = Path(sys.argv[1]).resolve()
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    ours: list[float] = []
    theirs: list[float] = []
    for n in range(rounds):
        order = [(ROOT, ours), (baseline, theirs)]
        for tree, rates in order if n % 2 else order[::-1]:
            rates.append(rate(tree))
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    print(
        f"{rounds} rounds, best of {RUNS} x 200 articles a process: this tree median "
        f"{statistics.median(ours):.0f} articles per CPU second, baseline "
        f"{statistics.median(theirs):.0f}; ratio median {statistics.median(ratios):.2f} "
        f"(min {min(ratios):.2f}, max {max(ratios):.2f})"
    )


if __name__ == "__main__":
    main()
