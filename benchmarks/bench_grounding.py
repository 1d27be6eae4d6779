"""Time quote location: 50 quotes (exact, normalised, fuzzy) in built articles.

Run by hand from the repository root:

    /work/venv/bin/python benchmarks/bench_grounding.py [--runs 21]

Prints, per article size, the median time to locate the 50 quotes with a fresh
:class:`Grounder` (which builds its normalised view) and with a warm one, and the
match kinds the quotes got. The target is a median under 50 ms at 100 KB, and time
growing no worse than linearly with article length.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from llmextract.grounding import Grounder

ACTORS = [
    "The US military",
    "Russian forces",
    "The Israeli Air Force",
    "Turkish drones",
    "Ukrainian artillery",
    "The Saudi-led coalition",
    "Houthi rebels",
    "The IRGC",
]
PLACES = [
    "Kharkiv / Харків",
    "Albu Kamal",
    "Şırnak",
    "İdlib",
    "Deir ez-Zor",
    "Hodeidah",
    "Mykolaiv",
    "Straßburg",
    "Khan Younis",
    "Marib",
    "Raqqa",
    "Zaporizhzhia",
]
WEAPONS = [
    "F-15E jets",
    "an MQ-9 Reaper",
    "Tomahawk missiles",
    "Grad rockets",
    "Shahed-136 drones",
    "Bayraktar TB2 drones",
    "howitzers",
    "Iskander missiles",
]
TARGETS = [
    "an ammunition depot",
    "a command post",
    "a fuel convoy",
    "the power station",
    "a residential block",
    "militia positions",
    "a weapons factory",
    "the airbase",
]
DAYS = [
    "on Monday",
    "on Tuesday",
    "overnight",
    "early on Thursday",
    "last week",
    "on 3 March",
    "yesterday",
    "on Saturday evening",
]
TEMPLATES = [
    "{actor} struck {target} near {place} {day}, killing at least {n} people, officials said.",
    "“We hit {target} with {weapon},” a spokesman said in {place}, adding that {m} fighters died.",
    "Residents of {place} reported explosions {day}; the local council said {n} civilians "
    "were wounded and {m} buildings\u00a0destroyed.",
    "According to the monitor, {weapon} were used against {target} outside {place} — the "
    "{k}th such attack this month.",
    "{actor} said its strike on {target}  in {place} was ‘proportionate’, a claim rejected "
    "by {m} aid groups.",
]


def build_article(size: int, rng: random.Random) -> str:
    """About ``size`` characters of news-like text: paragraphs of filled-in templates."""
    paragraphs: list[str] = []
    length = 0
    while length < size:
        sentences = [
            rng.choice(TEMPLATES).format(
                actor=rng.choice(ACTORS),
                place=rng.choice(PLACES),
                weapon=rng.choice(WEAPONS),
                target=rng.choice(TARGETS),
                day=rng.choice(DAYS),
                n=rng.randint(2, 900),
                m=rng.randint(2, 90),
                k=rng.randint(4, 30),
            )
            for _ in range(rng.randint(3, 6))
        ]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(paragraphs)[:size]


def _slice(article: str, rng: random.Random) -> str:
    """A verbatim stretch of 30-120 characters that starts and ends on word edges."""
    while True:
        start = rng.randrange(len(article) - 200)
        start = article.find(" ", start) + 1
        end = article.rfind(" ", start, start + rng.randint(30, 120))
        text = article[start:end].strip()
        if len(text) >= 30 and "\n" not in text:
            return text


def _normalised_variant(text: str) -> str:
    """What a model tends to write: straight quotes, single spaces, other case."""
    straight = text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    variant = " ".join(straight.replace("—", "-").split())
    return variant.lower() if variant == text else variant


def _fuzzy_variant(text: str, rng: random.Random) -> str:
    """One slip: a letter inside a word dropped or changed."""
    letters = [i for i, c in enumerate(text) if c.isalpha() and i > 0]
    i = rng.choice(letters)
    return text[:i] + text[i + 1 :] if rng.random() < 0.5 else text[:i] + "x" + text[i + 1 :]


def draw_quotes(article: str, rng: random.Random) -> list[tuple[str, str]]:
    """50 (quote, the source text it was drawn from) pairs: 20 verbatim, 15 normalised
    variants, 15 with a one-letter slip."""
    pairs = []
    for count, vary in (
        (20, lambda t: t),
        (15, _normalised_variant),
        (15, lambda t: _fuzzy_variant(t, rng)),
    ):
        for _ in range(count):
            original = _slice(article, rng)
            pairs.append((vary(original), original))
    return pairs


def median_ms(article: str, quotes: list[str], runs: int, *, warm: bool) -> float:
    timings = []
    for _ in range(runs):
        grounder = Grounder(article)
        if warm:
            grounder.locate(quotes[-1])  # builds the normalised view outside the timing
        started = time.perf_counter()
        for quote in quotes:
            grounder.locate(quote)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    rng = random.Random(20210226)
    rows = []
    for size in (10_000, 100_000, 1_000_000):
        article = build_article(size, rng)
        pairs = draw_quotes(article, rng)
        quotes = [quote for quote, _ in pairs]
        grounder = Grounder(article)
        spans = [grounder.locate(q) for q in quotes]
        assert all(s is None or article[s.start : s.end] == s.text for s in spans)
        kinds = Counter(s.match.value if s else "not found" for s in spans)
        # the drawn text itself, or an identical stretch elsewhere in the article
        kinds["recovered"] = sum(
            s is not None and s.text == original
            for s, (_, original) in zip(spans, pairs, strict=True)
        )
        runs = args.runs if size < 1_000_000 else max(args.runs // 3, 3)
        cold = median_ms(article, quotes, runs, warm=False)
        warm = median_ms(article, quotes, runs, warm=True)
        rows.append((size, cold, warm, runs, kinds))
    print("| article | 50 quotes, fresh Grounder | 50 quotes, warm Grounder | runs | matches |")
    print("|---|---|---|---|---|")
    for size, cold, warm, runs, kinds in rows:
        matches = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
        print(f"| {size // 1000} KB | {cold:.1f} ms | {warm:.1f} ms | {runs} | {matches} |")
    base = rows[0]
    for size, cold, warm, _, _ in rows[1:]:
        print(
            f"{size // 1000} KB / {base[0] // 1000} KB: fresh x{cold / base[1]:.1f}, "
            f"warm x{warm / base[2]:.1f} (length x{size / base[0]:.0f})"
        )


if __name__ == "__main__":
    main()
