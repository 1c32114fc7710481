"""The one revert-conflict rule (utilities.history): a field a change wrote cannot be restored once it was
changed since. An import's revert (enterprise and patent) judges by the later history rows; one change,
reverted from the history page, by the value now."""

import datetime
from types import SimpleNamespace

from django.utils import timezone, translation

from enterprises.models import Enterprise
from utilities.history import ConflictTest, deleted_since_import, revert_conflicts

NAME = Enterprise._meta.get_field("name")
CREDIT_CODE = Enterprise._meta.get_field("credit_code")


def row(who: str, hour: int, **values) -> SimpleNamespace:
    """A history row of one enterprise: who and when, and the field values after it."""
    when = datetime.datetime(2026, 3, 1, hour, tzinfo=datetime.UTC)
    return SimpleNamespace(history_user=who, history_date=when, **{"name": "甲公司", "credit_code": "A1", **values})


def test_a_field_the_import_changed_and_a_later_change_rewrote_names_the_first_later_change():
    rows = [row("导入", 1), row("张三", 2, name="乙公司"), row("李四", 3, name="丙公司")]
    with translation.override("zh-hans"), timezone.override("Asia/Shanghai"):
        reasons = revert_conflicts(Enterprise, "甲公司", [NAME], rows, judged_by=ConflictTest.LATER_ROWS)
    assert reasons == ["企业“甲公司”的“企业名称”在这次导入之后又被 张三 于 2026-03-01 10:00 修改，不能撤销。"]


def test_a_later_change_of_a_field_the_import_left_alone_is_no_conflict():
    rows = [row("导入", 1), row("张三", 2, name="乙公司")]
    assert revert_conflicts(Enterprise, "甲公司", [CREDIT_CODE], rows, judged_by=ConflictTest.LATER_ROWS) == []


def test_a_field_changed_later_and_changed_back_is_still_a_conflict():
    rows = [row("导入", 1), row("张三", 2, name="乙公司"), row("张三", 3, name="甲公司")]
    assert len(revert_conflicts(Enterprise, "甲公司", [NAME], rows, judged_by=ConflictTest.LATER_ROWS)) == 1


def test_an_object_deleted_since_the_import_is_named_with_its_kind():
    with translation.override("zh-hans"):
        assert deleted_since_import(Enterprise, "甲公司") == "企业“甲公司”在导入后已被删除。"


def test_one_change_is_judged_by_the_value_now_so_changed_and_back_passes_and_changed_since_is_named():
    change = row("张三", 1, name="乙公司")
    with translation.override("zh-hans"):
        back = revert_conflicts(
            Enterprise, "乙公司", [NAME], [change], judged_by=ConflictTest.VALUE_NOW, now=row("李四", 3, name="乙公司")
        )
        since = revert_conflicts(
            Enterprise, "乙公司", [NAME], [change], judged_by=ConflictTest.VALUE_NOW, now=row("李四", 3, name="丙公司")
        )
    assert back == []
    assert since == ["“企业名称”在这次修改之后又被改过（现在是 丙公司），不能撤销这次修改。"]
