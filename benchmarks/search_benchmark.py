"""Search accuracy and speed on the query set.

Run from the repository root:
    python -m benchmarks.search_benchmark            (or python benchmarks/search_benchmark.py)

Prints top-1 and top-3 accuracy per language on tests/data/search_queries.yaml against the real
content, then p50/p95 query times at the real number of documents and at 1,000 synthetic guides
made by perturbing the real ones. Timings are reported, never asserted: tests stay untimed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # so that `python benchmarks/search_benchmark.py` works too
    sys.path.insert(0, str(ROOT))

from services.content import load_content
from services.search import SearchDocument, SearchIndex, documents_from_content

QUERIES_PATH = ROOT / "tests" / "data" / "search_queries.yaml"
CONTENT_DATE = date(2026, 11, 25)
LANGUAGES = ("kk", "ru", "en")
SYNTHETIC_GUIDES = 1000
ALPHABETS = {
    "kk": "аәбвгғдежзиійкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "en": "abcdefghijklmnopqrstuvwxyz",
}


def load_queries() -> list[dict[str, str]]:
    return yaml.safe_load(QUERIES_PATH.read_text(encoding="utf-8"))["queries"]


def guide_rank(index: SearchIndex, query: str, slug: str) -> int | None:
    """1-based rank among guide results, as in tests/unit/test_search.py."""
    guides = [
        result.document.slug for result in index.search(query) if result.document.kind == "guide"
    ]
    return guides.index(slug) + 1 if slug in guides else None


def accuracy_table(index: SearchIndex, queries: list[dict[str, str]]) -> list[str]:
    lines = ["lang  queries  top-1  top-3  situation first"]
    misses = []
    for language in LANGUAGES:
        selected = [query for query in queries if query["lang"] == language]
        ranks = [guide_rank(index, query["query"], query["guide"]) for query in selected]
        situation_first = sum(
            bool(results) and results[0].document.kind == "situation"
            for results in (index.search(query["query"]) for query in selected)
        )
        top_1 = sum(rank == 1 for rank in ranks) / len(ranks)
        top_3 = sum(rank is not None and rank <= 3 for rank in ranks) / len(ranks)
        lines.append(
            f"{language:4}  {len(ranks):7}  {top_1:5.2f}  {top_3:5.2f}  {situation_first:15}"
        )
        misses += [
            f"  {language} {query['query']!r}: {query['guide']} at {rank}"
            for query, rank in zip(selected, ranks)
            if rank != 1
        ]
    return lines + (["not first:", *misses] if misses else [])


def perturb_word(word: str, language: str, rng: random.Random) -> str:
    """A word with one letter changed, so synthetic guides look like, but are not, real ones."""
    if len(word) < 3:
        return word
    position = rng.randrange(len(word))
    return word[:position] + rng.choice(ALPHABETS[language]) + word[position + 1 :]


def perturb_text(text: str, language: str, rng: random.Random) -> str:
    words = [
        perturb_word(word, language, rng) if rng.random() < 0.5 else word for word in text.split()
    ]
    rng.shuffle(words)
    return " ".join(words)


def synthetic_documents(
    real: list[SearchDocument], count: int, seed: int = 2026
) -> list[SearchDocument]:
    """`count` guides made by perturbing the real ones: same shape and vocabulary size class."""
    rng = random.Random(seed)
    guides = [document for document in real if document.kind == "guide"] or real
    documents = []
    for number in range(count):
        source = guides[number % len(guides)]
        texts = {
            language: tuple(perturb_text(text, language, rng) for text in texts)
            for language, texts in source.texts.items()
        }
        documents.append(replace(source, slug=f"{source.slug}-synthetic-{number}", texts=texts))
    return documents


def timings_ms(index: SearchIndex, queries: list[str], rounds: int) -> tuple[float, float]:
    samples = []
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter()
            index.search(query)
            samples.append((time.perf_counter() - started) * 1000)
    percentiles = statistics.quantiles(samples, n=100)
    return percentiles[49], percentiles[94]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="times each query is timed")
    arguments = parser.parse_args()

    content = load_content(ROOT / "content", CONTENT_DATE)
    real = documents_from_content(content)
    queries = load_queries()
    index = SearchIndex(real)
    print(
        f"Accuracy on {len(queries)} queries ({len(content.guides)} guides, {len(content.situations)} situations):"
    )
    print("\n".join(accuracy_table(index, queries)))

    texts = [query["query"] for query in queries]
    print("\nQuery time (ms):")
    print(f"{'documents':>10}  {'build':>8}  {'p50':>6}  {'p95':>6}")
    for documents in (real, real + synthetic_documents(real, SYNTHETIC_GUIDES)):
        started = time.perf_counter()
        index = SearchIndex(documents)
        build_ms = (time.perf_counter() - started) * 1000
        p50, p95 = timings_ms(index, texts, arguments.rounds)
        print(f"{len(documents):>10}  {build_ms:8.1f}  {p50:6.2f}  {p95:6.2f}")


if __name__ == "__main__":
    main()
