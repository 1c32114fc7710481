"""The hand-computed world of the indicator tests (cut-off 2023-07-31).

Population members (earliest non-revoked 小巨人 designation, designated_on unknown or <= as_of):

=====  ======================  ========  ==========  =========  =====  =====  ========
name   city                    cluster   industry    employees  board  batch  financed
=====  ======================  ========  ==========  =========  =====  =====  ========
A      苏州 320500 (江苏)       yrd       next_gen_it 100        star   1      yes
B      南京 320100 (江苏)       yrd       new_mat.    unknown    -      3      no
C      深圳 440300 (广东)       gba       next_gen_it 0          main   2      unknown
D      北京 110100 (北京)       jjj       (none)      50         -      5      unknown
=====  ======================  ========  ==========  =========  =====  =====  ========

B's batch 2 designation is revoked (so its batch is 3, announced only); C's designation has no date;
D was designated on as_of itself. Outside the population: X1 (only a revoked designation), X2
(designated the day after as_of, batch 4), X3 (an SME designation only). Their patents count nowhere.

Patents (office, type, published, granted, status, cited/licensed/transferred):

- P1 CN invention 2022-03-01 granted 2022-12-01 valid 10/1/0, applicants A and B (co-applied in 江苏)
- P2 CN utility 2020-05-01 2/0/1, A and X1
- P3 WO invention 2022-06-01, A
- P4 US invention 2021-01-01 granted 2023-08-15 (after as_of) valid 5/2/0, A
- P5 EP invention 2023-07-31 (= as_of) granted 2023-07-31 invalid 3/0/1, A
- P6 JP invention 2023-08-01 (after as_of) 100/0/0, A
- P7 US design 2020-02-01, A
- P8 CN invention 2013-12-31 (before the ten-year window) 1/0/0, A
- Q1 CN invention 2020-09-01 granted 2021-05-01 valid 4/0/3, B and an unmatched applicant
- Q2 WO invention 2020-10-01, B
- R1 CN invention 2021-06-01 granted 2022-01-01 valid 7/0/0, C and D (co-applied across provinces)
- R2 KR invention 2022-02-01 1/0/0, C
- R3 CN invention 2023-09-01 (after as_of), C
- D2 CN design 2022-11-11 0/4/0, D
- X1, X2, X3 one CN invention each in 2022
"""

import contextlib
import datetime

import pytest

from enterprises.choices import DesignationStatus, Program
from patents.choices import LegalStatus, PatentType

from .factories import enterprise, patent

AS_OF = datetime.date(2023, 7, 31)
CONFIRMED, ANNOUNCED, REVOKED, REVIEWED = (
    DesignationStatus.CONFIRMED,
    DesignationStatus.ANNOUNCED,
    DesignationStatus.REVOKED,
    DesignationStatus.REVIEWED,
)
INV, UTILITY, DESIGN = PatentType.INVENTION, PatentType.UTILITY_MODEL, PatentType.DESIGN
VALID, INVALID = LegalStatus.VALID, LegalStatus.INVALID


@pytest.fixture(autouse=True)
def _divisions(regions):
    """Provinces and cities for every test here (a transactional test's flush removes them)."""


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def world(db):
    a = enterprise(
        city="320500",
        industry="next_gen_it",
        employees=100,
        board="star",
        primary_financing=True,
        designations=((1, CONFIRMED, d("2019-06-01")), (3, REVIEWED, d("2021-07-01"))),
    )
    b = enterprise(
        city="320100",
        industry="new_materials",
        employees=None,
        primary_financing=False,
        designations=((2, REVOKED, d("2020-07-01")), (3, ANNOUNCED, d("2021-07-01"))),
    )
    c = enterprise(
        city="440300", industry="next_gen_it", employees=0, board="main", designations=((2, CONFIRMED, None),)
    )
    dd = enterprise(city="110100", industry="", employees=50, designations=((5, ANNOUNCED, AS_OF),))
    x1 = enterprise(city="320500", designations=((1, REVOKED, d("2019-06-01")),))
    x2 = enterprise(city="320500", designations=((4, CONFIRMED, d("2023-08-01")),))
    x3 = enterprise(city="320500", designations=((1, CONFIRMED, d("2019-06-01")),), program=Program.SME)

    patent(a, b, published=d("2022-03-01"), granted=d("2022-12-01"), status=VALID, cited=10, licensed=1)
    patent(a, x1, published=d("2020-05-01"), kind=UTILITY, cited=2, transferred=1)
    patent(a, published=d("2022-06-01"), office="WO")
    patent(a, published=d("2021-01-01"), office="US", granted=d("2023-08-15"), status=VALID, cited=5, licensed=2)
    patent(a, published=AS_OF, office="EP", granted=AS_OF, status=INVALID, cited=3, transferred=1)
    patent(a, published=d("2023-08-01"), office="JP", cited=100)
    patent(a, published=d("2020-02-01"), office="US", kind=DESIGN)
    patent(a, published=d("2013-12-31"), cited=1)
    patent(
        b,
        published=d("2020-09-01"),
        granted=d("2021-05-01"),
        status=VALID,
        cited=4,
        transferred=3,
        unlinked_applicant=True,
    )
    patent(b, published=d("2020-10-01"), office="WO")
    patent(c, dd, published=d("2021-06-01"), granted=d("2022-01-01"), status=VALID, cited=7)
    patent(c, published=d("2022-02-01"), office="KR", cited=1)
    patent(c, published=d("2023-09-01"))
    patent(dd, published=d("2022-11-11"), kind=DESIGN, licensed=4)
    for x in (x1, x2, x3):
        patent(x, published=d("2022-05-05"), cited=50, licensed=50)
    return {"A": a, "B": b, "C": c, "D": dd, "X1": x1, "X2": x2, "X3": x3}


@contextlib.contextmanager
def lock_held_elsewhere(as_of: datetime.date):
    """Another process holds the run lock of ``as_of`` for the block, as a live run in a worker would:
    an advisory lock of another database session."""
    from utilities.locks import SNAPSHOT_LOCKS, advisory_key

    other = other_session()
    other.execute("SELECT pg_advisory_lock(%s, %s)", advisory_key(SNAPSHOT_LOCKS, as_of))
    try:
        yield
    finally:
        pid = other.info.backend_pid
        other.close()  # the session ends, and its lock with it
        _wait_for_session_end(pid)


def other_session():
    """A second PostgreSQL session on the test database (autocommit), as another worker has."""
    import psycopg
    from django.db import connection

    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"],
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
        autocommit=True,
    )


def _wait_for_session_end(pid: int) -> None:
    """The server ends a closed session asynchronously: wait until its locks are gone."""
    import time

    from django.db import connection

    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s", [pid])
            if not cursor.fetchone()[0]:
                return
            time.sleep(0.02)


def broker_emptied() -> None:
    """Empty the test broker: the queued messages and the unacknowledged ones a killed worker left.

    ``app.control.purge()`` empties only the queues. Kombu keeps the message of a task whose worker was
    killed in its ``unacked`` hash and hands it out again after the visibility timeout, to whatever
    workers are running by then: a recompute left by the kill -9 test once reached the two-worker test
    minutes later and made a snapshot mid-setup, so its workers refreshed each enterprise as it was
    created. Every test that starts a worker calls this before and after.
    """
    from django.conf import settings

    from config.celery import app

    with app.connection_for_write() as conn:
        channel = conn.default_channel
        for queue in {settings.CELERY_TASK_DEFAULT_QUEUE, *(r["queue"] for r in settings.CELERY_TASK_ROUTES.values())}:
            channel.queue_purge(queue)
        channel.client.delete(channel.unacked_key, channel.unacked_index_key, channel.unacked_mutex_key)
