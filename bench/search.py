"""Benchmark of the enterprise text search ``?q=``: the bigram index against the plain scan (PostgreSQL).

Usage (from the project root), on a database that holds the generator's enterprises (imported with
``import_enterprises``; patents and indicators are not needed)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lg_bench_search .venv/bin/python bench/search.py \\
        [--repeat 7] [--terms 科技,精密,...]

For each term, alone and with a 小巨人 batch (as ``bench/pages.py`` requests the list page), it times in
one process, warm, the two reads behind a search:

- the list page's: the bounded read of the matching ids (at most 5,001) and its first page in name order;
- the API's first page (``/api/v1/enterprises/?q=…``), keyset-paginated in name order.

Each is timed with the index condition (``enterprises.search.search``, what the portal runs) and with
the ``LIKE`` conditions alone (the scan the portal ran before the index), and both must find the same
enterprises. Printed: the median and the maximum in milliseconds of ``--repeat`` runs, and the number
of matches (capped at 5,001, as the page reads them).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.db.models import Exists, OuterRef  # noqa: E402

from enterprises.choices import Program  # noqa: E402
from enterprises.models import Designation, Enterprise  # noqa: E402
from enterprises.search import search, text_matches  # noqa: E402
from portal.pages.listing import _among  # noqa: E402
from portal.views import LIST_MAX_PAGES, LIST_PAGE_SIZE  # noqa: E402

PAGE = LIST_PAGE_SIZE
CAP = LIST_PAGE_SIZE * LIST_MAX_PAGES  # the rows the list's pages can show, and what its count reads up to
TERMS = ("科技", "材料", "智能", "电子", "精密", "精密机械", "半导体", "华为", "ABC", "91320")


def _scan(queryset, text):
    return queryset.filter(text_matches(text.strip()))


def _reads(narrow, text: str, batch: int | None):
    queryset = Enterprise.objects.all()
    if batch is not None:
        designations = Designation.objects.filter(enterprise=OuterRef("pk"), program=Program.LITTLE_GIANT, batch=batch)
        queryset = queryset.filter(Exists(designations))
    rows = narrow(queryset, text)

    def list_page():  # as the list's bounded paginator reads it (portal.pages.listing)
        ids = list(rows.order_by().values_list("pk", flat=True)[: CAP + 1])
        list(_among(rows, ids).order_by("name", "pk").values_list("pk", flat=True)[:PAGE])
        return ids

    def api_page():
        return list(rows.order_by("name", "pk").values_list("pk", flat=True)[: PAGE + 1])

    return list_page, api_page


def _timed(read, repeat: int) -> tuple[float, float, object]:
    result = read()  # warm-up, and the result compared
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        read()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--terms", default=",".join(TERMS))
    args = parser.parse_args()
    print(f"{Enterprise.objects.count():,} enterprises; median / max of {args.repeat} warm runs, ms\n")
    print(
        f"{'search':22} {'matches':>7} | {'list: index':>16} {'list: scan':>16} | {'api: index':>16} {'api: scan':>16}"
    )
    mismatches = 0
    for term in args.terms.split(","):
        for batch in (None, 1, 3, 5):
            cells = []
            for reader in (0, 1):
                results = []
                for narrow in (search, _scan):
                    median, worst, result = _timed(_reads(narrow, term, batch)[reader], args.repeat)
                    cells.append(f"{median:7.1f} / {worst:6.1f}")
                    # Past the cap the page reads any 5,001 matches, not always the same ones.
                    results.append((set(result) if len(result) <= CAP else len(result)) if reader == 0 else result)
                if reader == 0:
                    matches = results[0] if isinstance(results[0], int) else len(results[0])
                mismatches += results[0] != results[1]
            label = term + (f" & batch={batch}" if batch else "")
            shown = f"{matches:,}" if matches <= CAP else f">{CAP:,}"
            print(f"{label:22} {shown:>7} | {cells[0]:>16} {cells[1]:>16} | {cells[2]:>16} {cells[3]:>16}")
    if mismatches:
        print(f"\n{mismatches} search(es) found different enterprises with and without the index")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
