"""One history writer: a change's who, when, why and channel are the same whichever way its rows are written.

Three ways write history rows: simple-history's signal on each save, ``history_write`` with the written
objects (COPY), and ``history_write`` with a ``HistorySelect`` (INSERT ... SELECT). One stamp, built by
``history_stamp``, gives all three the same columns.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import timezone
from simple_history.models import HistoricalRecords

from enterprises.models import Enterprise
from imports.models import ImportRecord
from tests.factories import EnterpriseFactory, make_credit_code
from utilities.bulk import quote, table_name
from utilities.history import (
    Channel,
    HistorySelect,
    history_stamp,
    history_stamped,
    history_write,
)

pytestmark = pytest.mark.django_db

STAMP_COLUMNS = (
    "history_date",
    "history_user_id",
    "history_change_reason",
    "history_channel",
    "history_import_record_id",
)


def import_record(via: str = "admin") -> ImportRecord:
    return ImportRecord.objects.create(
        kind=ImportRecord.Kind.ENTERPRISES,
        outcome=ImportRecord.Outcome.APPLIED,
        file_name="enterprises.csv",
        file_size=10,
        sha256="0" * 64,
        via=via,
        started_at=timezone.now(),
    )


def stamp_of(enterprise: Enterprise) -> tuple:
    """The stamp columns of the enterprise's newest history row."""
    return enterprise.history.order_by("-history_id").values_list(*STAMP_COLUMNS)[0]


def as_select(enterprise: Enterprise) -> HistorySelect:
    """The enterprise's history row as set-based SQL: every tracked column read back from its table."""
    tracked = Enterprise.history.model.tracked_fields
    return HistorySelect(
        values={field.attname: f"e.{quote(field.column)}" for field in tracked},
        source=f"FROM {table_name(Enterprise)} e WHERE e.id = %s",
        params=[enterprise.pk],
        history_type="'~'",
    )


@pytest.fixture
def three(regions):
    return [EnterpriseFactory(credit_code=make_credit_code(700 + n)) for n in range(3)]


def test_the_three_ways_write_the_same_who_when_why_and_channel_for_one_import(three):
    user = get_user_model().objects.create_user("importer")
    record = import_record()
    stamp = history_stamp(user=user, import_record=record)
    saved, objects, selected = three
    for enterprise in three:
        enterprise.employees = 42
    Enterprise.objects.bulk_update(three, ["employees"])

    with history_stamped(stamp):
        saved.save()
    history_write(Enterprise, [objects], history_type="~", stamp=stamp)
    history_write(Enterprise, as_select(selected), stamp=stamp)

    expected = (stamp.date, user.pk, f"导入 enterprises.csv (ImportRecord #{record.pk})", "import", record.pk)
    assert [stamp_of(enterprise) for enterprise in three] == [expected] * 3
    assert [enterprise.history.latest().employees for enterprise in three] == [42, 42, 42]
    assert [enterprise.history.latest().history_type for enterprise in three] == ["~", "~", "~"]


def test_an_import_made_through_the_api_says_api_in_every_way():
    stamp = history_stamp(import_record=import_record(via="api"))
    assert (stamp.channel, stamp.user_id) == (Channel.API, None)


def test_a_save_without_a_stamp_is_stamped_by_the_same_rule(three, rf: RequestFactory):
    user = get_user_model().objects.create_user("official")
    enterprise = three[0]
    HistoricalRecords.context.request = rf.get("/admin/enterprises/enterprise/")
    try:
        enterprise._history_user = user
        enterprise._change_reason = "核对参保人数"
        enterprise.save()
        by_rule = history_stamp(user=user, reason="核对参保人数", date=enterprise.history.latest().history_date)
        history_write(Enterprise, [three[1]], history_type="~", stamp=by_rule)
    finally:
        del HistoricalRecords.context.request
    assert stamp_of(enterprise) == stamp_of(three[1])
    assert stamp_of(enterprise)[1:4] == (user.pk, "核对参保人数", "admin")


@pytest.mark.parametrize(("path", "channel"), [("/api/v1/enterprises/1/", "api"), (None, "command")])
def test_the_channel_of_a_save_comes_from_where_it_happens(three, rf: RequestFactory, path, channel):
    enterprise = three[0]
    if path:
        HistoricalRecords.context.request = rf.patch(path)
    try:
        enterprise.save()
    finally:
        if path:
            del HistoricalRecords.context.request
    assert stamp_of(enterprise)[3:] == (channel, None)


def test_a_history_type_must_say_what_the_rows_are(three):
    stamp = history_stamp()
    with pytest.raises(ValueError, match="history_type"):
        history_write(Enterprise, three, history_type="changed", stamp=stamp)
    with pytest.raises(TypeError, match="own history_type"):
        history_write(Enterprise, as_select(three[0]), history_type="~", stamp=stamp)
    assert not Enterprise.history.filter(history_type="~").exists()
