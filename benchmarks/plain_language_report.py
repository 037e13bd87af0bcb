"""Plain-language figures for the real content.

Run from the repository root:
    .venv/bin/python -m benchmarks.plain_language_report            table and summary
    .venv/bin/python -m benchmarks.plain_language_report --problems  also every problem found

One row per page (guide or situation) and language: sentences, median and longest sentence in
words, and the number of problems (rules in content/plain_language.yaml, checks in
services/plain_language.py). The last lines sum up each language.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # so that `python benchmarks/plain_language_report.py` works too
    sys.path.insert(0, str(ROOT))

from services.content import load_content
from services.plain_language import format_problems, format_table, load_rules, report

CONTENT_DATE = date(2026, 11, 25)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", action="store_true", help="list every problem found")
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    args = parser.parse_args(argv)
    content = load_content(args.content, CONTENT_DATE)
    figures = report(content, load_rules(args.content / "plain_language.yaml"))
    print(format_table(figures))
    if args.problems:
        print()
        print(format_problems(figures) or "No problems.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
