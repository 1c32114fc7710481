"""The one revert-conflict rule (utilities.history): a field an import changed cannot be restored once a
later change touched it; the enterprise and the patent import reverts both refuse by it."""

import datetime
from types import SimpleNamespace

from django.utils import timezone, translation

from enterprises.models import Enterprise
from utilities.history import deleted_since_import, later_change_conflicts

NAME = Enterprise._meta.get_field("name")
CREDIT_CODE = Enterprise._meta.get_field("credit_code")


def row(who: str, hour: int, **values) -> SimpleNamespace:
    """A history row of one enterprise: who and when, and the field values after it."""
    when = datetime.datetime(2026, 3, 1, hour, tzinfo=datetime.UTC)
    return SimpleNamespace(history_user=who, history_date=when, **{"name": "甲公司", "credit_code": "A1", **values})


def test_a_field_the_import_changed_and_a_later_change_rewrote_names_the_first_later_change():
    rows = [row("导入", 1), row("张三", 2, name="乙公司"), row("李四", 3, name="丙公司")]
    with translation.override("zh-hans"), timezone.override("Asia/Shanghai"):
        reasons = later_change_conflicts(Enterprise, "甲公司", [NAME], rows)
    assert reasons == ["企业“甲公司”的“企业名称”在这次导入之后又被 张三 于 2026-03-01 10:00 修改，不能撤销。"]


def test_a_later_change_of_a_field_the_import_left_alone_is_no_conflict():
    rows = [row("导入", 1), row("张三", 2, name="乙公司")]
    assert later_change_conflicts(Enterprise, "甲公司", [CREDIT_CODE], rows) == []


def test_a_field_changed_later_and_changed_back_is_still_a_conflict():
    rows = [row("导入", 1), row("张三", 2, name="乙公司"), row("张三", 3, name="甲公司")]
    assert len(later_change_conflicts(Enterprise, "甲公司", [NAME], rows)) == 1


def test_an_object_deleted_since_the_import_is_named_with_its_kind():
    with translation.override("zh-hans"):
        assert deleted_since_import(Enterprise, "甲公司") == "企业“甲公司”在导入后已被删除。"
