"""Benchmark the offline rules backend: import time, first call, throughput on 3 KB articles.

Run by hand from the repository root:

    /work/venv/bin/python benchmarks/bench_rules.py

- import: a fresh interpreter imports ``llmextract.rules`` and builds ``Extractor("rules")``
  (median of 5 processes); the gazetteer must not load here.
- first call: the first extraction in a fresh process, which loads the gazetteer once.
- throughput: ``Extractor("rules").extract`` (rules, grounding and normalisation: the whole
  path) over articles of about 3 KB, pinned to one CPU, in articles per second of this
  process's CPU time (the shared machines make wall time swing with other jobs; it is
  printed too). Articles are new in every run
  (paragraphs of the dev split's articles, reshuffled per run with their own seed), so no
  per-text cache is warm; the median over runs is reported.
- host reference: before and after each throughput run, a fixed interpreter-bound job that
  does not use llmextract (word counting with a regex and a dict) is timed in CPU seconds.
  Noisy neighbours slow it too, so it tells a quiet spell of this shared VM from a contended
  one. It does not slow in proportion to the extractor (rate times reference ranked an
  older tree above a faster one), so it marks spells and corrects nothing: compare trees
  by instruction count (``rules_instructions.py``) or interleaved (``bench_rules_vs.py``).
"""

from __future__ import annotations

import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from llmextract import Extractor  # noqa: E402
from llmextract.dataset import load_labelled_set  # noqa: E402

ARTICLE_BYTES = 3_000
ARTICLES_PER_RUN = 200
RUNS = 7
PROCESSES = 5

_IMPORT_PROBE = """
import time
t = time.perf_counter()
from llmextract import rules
from llmextract.extract import Extractor
Extractor("rules")
imported = time.perf_counter() - t
from llmextract import gazetteer
assert gazetteer._city_index.cache_info().currsize == 0, "gazetteer loaded at import"
t = time.perf_counter()
Extractor("rules").extract("A drone struck a depot in Mosul on Monday.", published="2024-03-15")
print(imported, time.perf_counter() - t)
"""


def _paragraphs() -> list[str]:
    dev = load_labelled_set(ROOT / "datasets" / "strikes-v1" / "dev")
    found = []
    for doc in dev.documents:
        found += [p.strip() for p in doc.text.split("\n\n")[1:] if len(p.strip()) > 80]
    return found


def articles(seed: int, paragraphs: list[str]) -> list[str]:
    """``ARTICLES_PER_RUN`` articles of about ``ARTICLE_BYTES`` bytes each, a headline
    and paragraphs drawn at random (their own order per seed)."""
    rng = random.Random(seed)
    made = []
    for n in range(ARTICLES_PER_RUN):
        body: list[str] = []
        while sum(len(p) + 2 for p in body) < ARTICLE_BYTES - 200:
            body.append(rng.choice(paragraphs))
        made.append(f"Article {seed}-{n}\n\n" + "\n\n".join(body))
    return made


def fresh_process_figures() -> tuple[list[float], list[float]]:
    imports, firsts = [], []
    for _ in range(PROCESSES):
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT_PROBE],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        imports.append(float(out[0]))
        firsts.append(float(out[1]))
    return imports, firsts


_REFERENCE_WORD = re.compile(r"[A-Za-z]+")


def host_reference(text: str) -> float:
    """CPU seconds for a fixed job that depends on the host only: count the words of
    ``text`` fifty times."""
    cpu = time.process_time()
    for _ in range(50):
        counts: dict[str, int] = {}
        for word in _REFERENCE_WORD.findall(text):
            key = word.lower()
            counts[key] = counts.get(key, 0) + 1
    return time.process_time() - cpu


def throughput(paragraphs: list[str]) -> tuple[list[float], list[float], list[float], float]:
    """Articles per second of CPU time (this process on its one core) and of wall time,
    and the host reference (CPU seconds), per run; and the mean article size in bytes."""
    extractor = Extractor("rules")
    for text in articles(1, paragraphs)[:20]:  # load the gazetteer and every cache first
        extractor.extract(text, published="2024-03-15")
    reference_text = "\n\n".join(paragraphs)
    cpu_rates, wall_rates, references, sizes = [], [], [], []
    for run in range(RUNS):
        before = host_reference(reference_text)
        batch = articles(1000 + run, paragraphs)
        sizes += [len(a.encode()) for a in batch]
        wall, cpu = time.perf_counter(), time.process_time()
        for text in batch:
            extractor.extract(text, published="2024-03-15")
        cpu_rates.append(len(batch) / (time.process_time() - cpu))
        wall_rates.append(len(batch) / (time.perf_counter() - wall))
        references.append((before + host_reference(reference_text)) / 2)
    return cpu_rates, wall_rates, references, statistics.mean(sizes)


def dev_throughput() -> tuple[float, float]:
    """Articles per CPU second over the dev split's own articles, as written (median of
    ``RUNS`` passes; each article's caches are per text, so passes after the first reuse
    none of the work that depends on the text except the word index and party lists,
    which are rebuilt per text and kept for the last eight texts only)."""
    dev = load_labelled_set(ROOT / "datasets" / "strikes-v1" / "dev")
    extractor = Extractor("rules")
    docs = [(d.text, d.published) for d in dev.documents]
    rates = []
    for _ in range(RUNS):
        cpu = time.process_time()
        for text, published in docs:
            extractor.extract(text, published=published)
        rates.append(len(docs) / (time.process_time() - cpu))
    return statistics.median(rates), statistics.mean(len(t.encode()) for t, _ in docs)


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    imports, firsts = fresh_process_figures()
    rates, wall, references, size = throughput(_paragraphs())
    dev_rate, dev_size = dev_throughput()
    print(
        f"import of the backend, fresh process (median of {PROCESSES}): "
        f"{statistics.median(imports):.3f} s (min {min(imports):.3f}, max {max(imports):.3f})"
    )
    print(
        f"first extraction, fresh process (loads the gazetteer; median of {PROCESSES}): "
        f"{statistics.median(firsts):.3f} s"
    )
    print(
        f"throughput on {ARTICLES_PER_RUN} articles x {RUNS} runs, mean {size / 1000:.2f} KB: "
        f"median {statistics.median(rates):.0f} articles per CPU second "
        f"(min {min(rates):.0f}, max {max(rates):.0f}; "
        f"{statistics.median(rates) * size / 1e6:.2f} MB/s); "
        f"wall clock median {statistics.median(wall):.0f} articles/s"
    )
    print(
        f"host reference (fixed job, lower is a quieter host; median of {RUNS}): "
        f"{statistics.median(references) * 1000:.0f} ms of CPU "
        f"(min {min(references) * 1000:.0f}, max {max(references) * 1000:.0f})"
    )
    print(
        f"dev split as written (43 articles, mean {dev_size / 1000:.2f} KB): "
        f"median {dev_rate:.0f} articles per CPU second"
    )


if __name__ == "__main__":
    main()
