"""A small world for the public pages, with two snapshots (2022-12-31 and 2023-07-31).

=====  =============================  ======  ==========  =====  =====  ==========================
who    name                           city    industry    board  batch  notes
=====  =============================  ======  ==========  =====  =====  ==========================
A      <script>alert(1)</script>科技   苏州     next_gen_it  star   1      5 patents (1 WO, 1 US)
B      深圳测试电力装备有限公司          深圳     power        main   2      3 patents
C      南京测试农机有限公司              南京     agri_mach.   -      3      1 patent
R      南京撤销科技有限公司              南京     next_gen_it  -      (2 revoked)  out everywhere
=====  =============================  ======  ==========  =====  =====  ==========================

西藏 (540000) has no member: its page shows the empty state.
"""

import datetime
import os

import pytest
from django.core.cache import cache

from enterprises.choices import DesignationStatus
from reports import services
from tests.reports.factories import enterprise, patent

EARLIER = datetime.date(2022, 12, 31)
AS_OF = datetime.date(2023, 7, 31)
SCRIPT_NAME = "<script>alert(1)</script>科技有限公司"


@pytest.fixture(autouse=True)
def _fresh_cache(regions):
    """Pages are cached per snapshot: every test starts with an empty cache (and the divisions)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    a = enterprise(
        city="320500",
        industry="next_gen_it",
        board="star",
        primary_financing=True,
        designations=((1, DesignationStatus.REVIEWED, datetime.date(2019, 6, 1)),),
    )
    a.name = SCRIPT_NAME
    a.former_names = ["苏州旧名科技有限公司"]
    a.save()
    b = enterprise(
        city="440300",
        industry="power",
        board="main",
        designations=((2, DesignationStatus.CONFIRMED, datetime.date(2020, 7, 1)),),
    )
    b.name = "深圳测试电力装备有限公司"
    b.save()
    c = enterprise(
        city="320100",
        industry="agri_machinery",
        designations=((3, DesignationStatus.CONFIRMED, datetime.date(2021, 7, 1)),),
    )
    c.name = "南京测试农机有限公司"
    c.save()
    r = enterprise(city="320100", designations=((2, DesignationStatus.REVOKED, datetime.date(2020, 7, 1)),))
    r.name = "南京撤销科技有限公司"
    r.save()
    d = datetime.date
    patent(a, published=d(2020, 3, 1), granted=d(2021, 1, 1), status="valid", cited=10, licensed=1)
    patent(a, published=d(2021, 3, 1), cited=3)
    patent(a, published=d(2022, 3, 1), office="WO")
    patent(a, published=d(2022, 5, 1), office="US", cited=1)
    patent(a, b, published=d(2023, 2, 1), kind="utility_model")
    patent(b, published=d(2021, 6, 1), granted=d(2022, 6, 1), status="valid", cited=5)
    patent(b, published=d(2022, 6, 1), cited=2)
    patent(c, published=d(2022, 9, 1), kind="design")
    patent(r, published=d(2022, 9, 1), cited=50)
    return {"A": a, "B": b, "C": c, "R": r}


@pytest.fixture
def snapshots(world):
    return {
        "earlier": services.snapshot_compute(as_of=EARLIER),
        "current": services.snapshot_compute(as_of=AS_OF),
    }


# The browser tests' harness (test_browser*.py): Debian's Chromium, never a downloaded browser build.
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module; the modules skip themselves when Playwright is not installed."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()
