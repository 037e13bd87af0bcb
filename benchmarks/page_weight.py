"""Page weight of every page and language: HTML and render-blocking CSS, gzip bytes, largest first.

`python -m benchmarks.page_weight` (or `make benchmarks`). The 14,000-byte budget itself is enforced
by tests/test_page_budget.py; this report shows how much room each page has left.
"""

import gzip
import pathlib
import tempfile

from tests.page_registry import LANGUAGES, page_states
from tests.state_client import fetch_state
from tests.support import make_test_app


def measure() -> list[tuple[int, int, str, str]]:
    app = make_test_app(pathlib.Path(tempfile.mkdtemp()) / "weight.sqlite3")
    client = app.test_client()
    css = len(gzip.compress(app.extensions["komek_assets"]("site.css").read_bytes(), compresslevel=6))
    rows = []
    for state in page_states(app):
        for lang in LANGUAGES:
            html = fetch_state(client, state, lang, app).get_data()
            rows.append((len(gzip.compress(html, compresslevel=6)) + css, len(html), state.name, lang))
    return sorted(rows, reverse=True)


if __name__ == "__main__":
    rows = measure()
    print(f"{'gzip HTML+CSS':>14} {'raw HTML':>9}  lang  page")
    for total, raw, name, lang in rows:
        print(f"{total:>14,} {raw:>9,}  {lang:<4}  {name}")
    print(f"\n{len(rows)} pages; largest {rows[0][0]:,} bytes; budget 14,000")
