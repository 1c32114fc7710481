"""enterprise_import: every rule of data-formats.md for enterprises.csv, all-or-nothing, idempotent."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import Designation, Enterprise
from enterprises.signals import enterprises_changed
from imports.models import ImportRecord
from tests.enterprises.import_helpers import (
    HEADER,
    csv_bytes,
    enterprise_row,
    one_error,
    rejected,
    run,
    xlsx_bytes,
)
from tests.factories import DesignationFactory, EnterpriseFactory, make_credit_code

pytestmark = pytest.mark.django_db


# --- a valid file -------------------------------------------------------------------------------------


def test_a_valid_row_creates_the_enterprise_and_its_designation(regions):
    outcome = run(csv_bytes([enterprise_row(1, stock_code="688001.sh", listing_board="star")]))

    enterprise = Enterprise.objects.get(credit_code=make_credit_code(1))
    assert enterprise.name == "苏州导入测试1科技有限公司"
    assert (enterprise.province_id, enterprise.city_id) == ("320000", "320500")
    assert enterprise.industry_field == "next_gen_it"
    assert enterprise.employees == 120
    assert enterprise.listing_board == "star"
    assert enterprise.stock_code == "688001.SH"
    assert enterprise.primary_financing is False
    assert enterprise.founded_on == datetime.date(2010, 5, 1)
    assert enterprise.name_normalized == "苏州导入测试1科技有限公司"
    designation = enterprise.designations.get()
    assert (designation.program, designation.batch, designation.status) == ("little_giant", 3, "confirmed")
    assert designation.designated_on == datetime.date(2021, 7, 1)
    assert outcome.counts["enterprises_created"] == 1
    assert outcome.counts["designations_created"] == 1


def test_the_import_is_recorded_as_applied_with_its_counts_file_and_user(regions, admin_user):
    data = csv_bytes([enterprise_row(1), enterprise_row(2)])
    outcome = run(data, user=admin_user, via="api")

    record = ImportRecord.objects.get(pk=outcome.record.pk)
    assert record.outcome == ImportRecord.Outcome.APPLIED
    assert record.kind == ImportRecord.Kind.ENTERPRISES
    assert record.file_name == "enterprises.csv"
    assert record.file_size == len(data)
    assert record.counts["enterprises_created"] == 2
    assert record.imported_by == admin_user
    assert record.via == "api"


def test_chinese_headers_are_accepted(regions):
    aliases = {
        "credit_code": "统一社会信用代码",
        "name": "企业名称",
        "former_names": "曾用名",
        "province": "省份",
        "city": "城市",
        "industry_field": "产业领域",
        "employees": "参保人数",
        "listing_board": "上市板块",
        "stock_code": "股票代码",
        "primary_financing": "一级市场融资",
        "founded_on": "成立日期",
        "batch": "批次",
        "designation_status": "认定状态",
        "designated_on": "认定日期",
    }
    run(csv_bytes([enterprise_row(1)], header=[aliases[key] for key in HEADER]))

    assert Enterprise.objects.get(credit_code=make_credit_code(1)).employees == 120


def test_a_utf8_file_with_bom_is_read(regions):
    run(b"\xef\xbb\xbf" + csv_bytes([enterprise_row(1)]))

    assert Enterprise.objects.get().name == "苏州导入测试1科技有限公司"


def test_a_gb18030_file_is_read(regions):
    run(csv_bytes([enterprise_row(1, name="苏州䶮测试科技有限公司")], encoding="gb18030"))

    assert Enterprise.objects.get().name == "苏州䶮测试科技有限公司"


def test_an_xlsx_file_is_read_from_its_first_sheet(regions):
    run(xlsx_bytes([enterprise_row(1)]), file_name="enterprises.xlsx")

    assert Enterprise.objects.get().city_id == "320500"


def test_xlsx_numbers_and_dates_are_read_as_their_text(regions):
    row = enterprise_row(1)
    row.update(employees=250, batch=5, founded_on=datetime.datetime(2012, 3, 4), primary_financing=1)
    run(xlsx_bytes([row]), file_name="enterprises.xlsx")

    enterprise = Enterprise.objects.get()
    assert (enterprise.employees, enterprise.founded_on, enterprise.primary_financing) == (
        250,
        datetime.date(2012, 3, 4),
        True,
    )
    assert enterprise.designations.get().batch == 5


def test_full_width_digits_and_letters_are_normalised(regions):
    code = make_credit_code(7)
    full_width = "".join(chr(ord(char) + 0xFEE0) for char in code)
    run(csv_bytes([enterprise_row(7, credit_code=full_width, employees="１２０", batch="３")]))

    enterprise = Enterprise.objects.get()
    assert enterprise.credit_code == code
    assert enterprise.employees == 120


def test_cells_are_trimmed(regions):
    run(csv_bytes([enterprise_row(1, name="  苏州空格科技有限公司 ", province=" 江苏省 ", city=" 苏州市")]))

    assert Enterprise.objects.get().name == "苏州空格科技有限公司"


def test_a_lower_case_credit_code_is_upper_cased(regions):
    run(csv_bytes([enterprise_row(1, credit_code=make_credit_code(1).lower())]))

    assert Enterprise.objects.get().credit_code == make_credit_code(1)


def test_former_names_are_split_on_half_and_full_width_semicolons(regions):
    run(csv_bytes([enterprise_row(1, former_names="苏州甲有限公司;苏州乙有限公司；苏州丙有限公司")]))

    assert Enterprise.objects.get().former_names == ["苏州甲有限公司", "苏州乙有限公司", "苏州丙有限公司"]


def test_industry_board_and_status_are_accepted_as_chinese_labels(regions):
    run(
        csv_bytes(
            [enterprise_row(1, industry_field="新一代信息技术", listing_board="科创板", designation_status="复核通过")]
        )
    )

    enterprise = Enterprise.objects.get()
    assert (enterprise.industry_field, enterprise.listing_board) == ("next_gen_it", "star")
    assert enterprise.designations.get().status == "reviewed"


@pytest.mark.parametrize(
    ("written", "batch"),
    [
        ("1", 1),
        ("5", 5),
        ("第一批", 1),
        ("第五批", 5),
        ("第六批", 6),
        ("第十批", 10),
        ("第十二批", 12),
        ("第3批", 3),
        ("12", 12),
    ],
)
def test_batches_are_accepted_as_numbers_or_chinese_ordinals(regions, written, batch):
    run(csv_bytes([enterprise_row(1, batch=written)]))

    assert Designation.objects.get().batch == batch


@pytest.mark.parametrize(
    ("written", "expected"), [("1", True), ("0", False), ("true", True), ("FALSE", False), ("是", True), ("否", False)]
)
def test_booleans_are_accepted_as_1_0_true_false_or_shi_fou(regions, written, expected):
    run(csv_bytes([enterprise_row(1, primary_financing=written)]))

    assert Enterprise.objects.get().primary_financing is expected


@pytest.mark.parametrize(
    ("province", "city", "expected"),
    [
        ("江苏", "苏州市", ("320000", "320500")),
        ("320000", "320500", ("320000", "320500")),
        ("江苏省", "苏州", ("320000", "320500")),
        ("北京市", "", ("110000", "110100")),
        ("北京", "北京市", ("110000", "110100")),
        ("深圳市", "", ("440000", "440300")),
        ("厦门市", "", ("350000", "350200")),
        ("大连市", "大连市", ("210000", "210200")),
        ("新疆生产建设兵团", "", ("650000", "659000")),
    ],
)
def test_province_and_city_are_resolved_from_names_short_names_codes_and_separately_planned_cities(
    regions, province, city, expected
):
    run(csv_bytes([enterprise_row(1, province=province, city=city)]))

    enterprise = Enterprise.objects.get()
    assert (enterprise.province_id, enterprise.city_id) == expected


def test_empty_optional_cells_are_stored_as_unknown_not_zero(regions):
    row = enterprise_row(1)
    for key in ("former_names", "industry_field", "employees", "listing_board", "stock_code", "primary_financing"):
        row[key] = ""
    row.update(founded_on="", designation_status="", designated_on="")
    run(csv_bytes([row]))

    enterprise = Enterprise.objects.get()
    assert enterprise.employees is None
    assert enterprise.primary_financing is None
    assert enterprise.founded_on is None
    assert (enterprise.industry_field, enterprise.listing_board, enterprise.former_names) == ("", "", [])
    designation = enterprise.designations.get()
    assert designation.status == "confirmed"  # the spec's default for a new designation
    assert designation.designated_on is None


def test_optional_columns_may_be_left_out(regions):
    rows = [
        {
            "credit_code": make_credit_code(1),
            "name": "苏州最少列有限公司",
            "province": "江苏",
            "city": "苏州",
            "batch": "1",
        }
    ]
    run(csv_bytes(rows))

    assert Enterprise.objects.get().designations.get().batch == 1


def test_blank_lines_are_skipped(regions):
    data = (
        csv_bytes([enterprise_row(1)]) + b",,,,,,,,,,,,,\r\n\r\n" + csv_bytes([enterprise_row(2)]).split(b"\r\n", 1)[1]
    )
    outcome = run(data)

    assert outcome.counts["enterprises_created"] == 2


# --- idempotency, updates and the decision on empty cells ------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing_the_second_time(regions):
    data = csv_bytes([enterprise_row(i, former_names=f"苏州旧名{i}有限公司") for i in range(1, 6)])
    run(data)
    before = list(Enterprise.objects.values().order_by("pk"))
    history = (Enterprise.history.count(), Designation.history.count())

    outcome = run(data)

    assert outcome.counts == {
        "enterprises_created": 0,
        "enterprises_updated": 0,
        "enterprises_unchanged": 5,
        "enterprises_completed": 0,
        "designations_created": 0,
        "designations_updated": 0,
        "designations_unchanged": 5,
    }
    assert list(Enterprise.objects.values().order_by("pk")) == before
    assert (Enterprise.history.count(), Designation.history.count()) == history
    assert all(change.action == "unchanged" for change in outcome.changes)


def test_a_changed_value_updates_only_that_enterprise_and_reports_the_change(regions):
    run(csv_bytes([enterprise_row(1), enterprise_row(2)]))

    outcome = run(csv_bytes([enterprise_row(1, employees="300"), enterprise_row(2)]))

    assert outcome.counts["enterprises_updated"] == 1
    assert outcome.counts["enterprises_unchanged"] == 1
    assert Enterprise.objects.get(credit_code=make_credit_code(1)).employees == 300
    change = next(change for change in outcome.changes if change.action == "update")
    assert change.row == 2
    assert change.changes == ("参保人数 120 → 300",)


def test_updates_are_recorded_in_the_history_with_the_importing_user(regions):
    user = get_user_model().objects.create_superuser("official", password="x")
    run(csv_bytes([enterprise_row(1)]), user=user)
    run(csv_bytes([enterprise_row(1, employees="300")]), user=user)

    history = Enterprise.history.filter(credit_code=make_credit_code(1)).order_by("history_date")
    assert [(h.history_type, h.employees, h.history_user) for h in history] == [("+", 120, user), ("~", 300, user)]
    assert "ImportRecord" in history.last().history_change_reason
    assert Designation.history.get().history_user == user


def test_the_history_rows_hold_every_tracked_value_as_simple_history_reads_them(regions):
    run(csv_bytes([enterprise_row(1, former_names="苏州甲有限公司", listing_board="bse", stock_code="830001.BJ")]))
    run(csv_bytes([enterprise_row(1, city="无锡市")]))

    enterprise = Enterprise.objects.get()
    latest, first = enterprise.history.order_by("-history_id")
    for field in Enterprise.history.model.tracked_fields:
        assert getattr(latest, field.attname) == getattr(enterprise, field.attname), field.name
    delta = latest.diff_against(first)
    assert [(change.field, change.old, change.new) for change in delta.changes] == [("city", "320500", "320200")]


def test_an_empty_optional_cell_keeps_the_stored_value(regions):
    """Empty = unknown: a file lacking a value must not erase what the portal knows."""
    run(csv_bytes([enterprise_row(1, listing_board="star", stock_code="688001", former_names="苏州旧名有限公司")]))
    row = enterprise_row(1)
    for key in ("former_names", "industry_field", "employees", "listing_board", "stock_code", "primary_financing"):
        row[key] = ""
    row.update(founded_on="", designation_status="", designated_on="")

    outcome = run(csv_bytes([row]))

    enterprise = Enterprise.objects.get()
    assert outcome.counts["enterprises_unchanged"] == 1
    assert (enterprise.industry_field, enterprise.employees, enterprise.listing_board) == ("next_gen_it", 120, "star")
    assert (enterprise.stock_code, enterprise.primary_financing) == ("688001", False)
    assert enterprise.founded_on == datetime.date(2010, 5, 1)
    assert enterprise.former_names == ["苏州旧名有限公司"]
    assert enterprise.designations.get().designated_on == datetime.date(2021, 7, 1)


def test_an_empty_status_keeps_a_revoked_designation_revoked(regions):
    designation = DesignationFactory(enterprise__credit_code=make_credit_code(1), batch=3, status="revoked")

    run(csv_bytes([enterprise_row(1, designation_status="")]))

    designation.refresh_from_db()
    assert designation.status == "revoked"


def test_a_given_status_updates_the_designation(regions):
    designation = DesignationFactory(enterprise__credit_code=make_credit_code(1), batch=3, status="announced")

    outcome = run(csv_bytes([enterprise_row(1, designation_status="认定通过")]))

    designation.refresh_from_db()
    assert designation.status == "confirmed"
    assert outcome.counts["designations_updated"] == 1


def test_a_designation_of_another_batch_is_added_and_the_old_one_kept(regions):
    DesignationFactory(enterprise__credit_code=make_credit_code(1), batch=3)

    run(csv_bytes([enterprise_row(1, batch="第五批")]))

    assert sorted(Designation.objects.values_list("batch", flat=True)) == [3, 5]


def test_a_rename_keeps_the_old_name_as_a_former_name(regions):
    run(csv_bytes([enterprise_row(1, name="苏州旧名科技有限公司", former_names="苏州更早名称有限公司")]))

    outcome = run(csv_bytes([enterprise_row(1, name="苏州新名科技股份有限公司", former_names="")]))

    enterprise = Enterprise.objects.get()
    assert enterprise.name == "苏州新名科技股份有限公司"
    assert enterprise.name_normalized == "苏州新名科技股份有限公司"
    assert enterprise.former_names == ["苏州更早名称有限公司", "苏州旧名科技有限公司"]
    assert "企业名称 苏州旧名科技有限公司 → 苏州新名科技股份有限公司" in outcome.changes[0].changes


def test_renaming_back_to_a_former_name_keeps_the_other_names(regions):
    EnterpriseFactory(credit_code=make_credit_code(1), name="苏州乙有限公司", former_names=["苏州甲有限公司"])

    run(csv_bytes([enterprise_row(1, name="苏州甲有限公司")]))

    enterprise = Enterprise.objects.get()
    assert (enterprise.name, enterprise.former_names) == ("苏州甲有限公司", ["苏州乙有限公司"])


def test_a_row_completes_an_incomplete_enterprise_with_the_same_name(regions):
    incomplete = EnterpriseFactory(credit_code=None, name="苏州待补全科技有限公司", city=None, employees=None)
    DesignationFactory(enterprise=incomplete, batch=3, status="confirmed")

    outcome = run(csv_bytes([enterprise_row(9, name="苏州待补全科技有限公司")]))

    incomplete.refresh_from_db()
    assert Enterprise.objects.count() == 1
    assert incomplete.credit_code == make_credit_code(9)
    assert (incomplete.city_id, incomplete.employees) == ("320500", 120)
    assert outcome.counts["enterprises_completed"] == 1
    assert outcome.counts["designations_unchanged"] == 1


def test_an_incomplete_enterprise_is_matched_through_a_former_name_in_the_file(regions):
    incomplete = EnterpriseFactory(credit_code=None, name="苏州老名字有限公司", city=None)

    run(csv_bytes([enterprise_row(9, name="苏州新名字有限公司", former_names="苏州老名字有限公司")]))

    incomplete.refresh_from_db()
    assert incomplete.credit_code == make_credit_code(9)
    assert incomplete.former_names == ["苏州老名字有限公司"]


def test_two_rows_claiming_one_incomplete_enterprise_reject_the_file(regions):
    EnterpriseFactory(credit_code=None, name="苏州同名有限公司", city=None)

    report = rejected(
        csv_bytes([enterprise_row(1, name="苏州同名有限公司"), enterprise_row(2, name="苏州同名有限公司")])
    )

    error = one_error(report)
    assert (error.row, error.column) == (3, "name")
    assert "同一家待补全企业" in error.reason


# --- dry run, signals, performance -------------------------------------------------------------------------


def test_a_dry_run_reports_the_changes_and_writes_nothing(regions):
    EnterpriseFactory(credit_code=make_credit_code(1), name="苏州导入测试1科技有限公司", employees=5)
    history = Enterprise.history.count()

    outcome = run(csv_bytes([enterprise_row(1), enterprise_row(2)]), dry_run=True)

    assert outcome.counts["enterprises_created"] == 1
    assert outcome.counts["enterprises_updated"] == 1
    assert outcome.counts["designations_created"] == 2
    assert Enterprise.objects.count() == 1
    assert Enterprise.objects.get().employees == 5
    assert not Designation.objects.exists()
    assert Enterprise.history.count() == history
    assert ImportRecord.objects.get().outcome == ImportRecord.Outcome.DRY_RUN
    assert [change.action for change in outcome.changes] == ["update", "create"]


def test_a_dry_run_then_a_real_run_give_the_same_counts(regions):
    data = csv_bytes([enterprise_row(i) for i in range(1, 4)])

    assert run(data, dry_run=True).counts == run(data).counts


def test_enterprises_changed_is_sent_with_the_touched_ids(regions):
    run(csv_bytes([enterprise_row(1), enterprise_row(2)]))
    received = []

    def receiver(sender, enterprise_ids, **kwargs):
        received.append(enterprise_ids)

    enterprises_changed.connect(receiver)
    try:
        run(csv_bytes([enterprise_row(1, employees="1"), enterprise_row(2), enterprise_row(3)]))
        run(csv_bytes([enterprise_row(4)]), dry_run=True)
    finally:
        enterprises_changed.disconnect(receiver)

    expected = set(
        Enterprise.objects.filter(credit_code__in=[make_credit_code(1), make_credit_code(3)]).values_list(
            "pk", flat=True
        )
    )
    assert received == [frozenset(expected)]


def test_enterprises_changed_is_not_sent_when_nothing_changed(regions):
    data = csv_bytes([enterprise_row(1)])
    run(data)
    received = []

    def receiver(sender, enterprise_ids, **kwargs):
        received.append(enterprise_ids)

    enterprises_changed.connect(receiver)
    try:
        run(data)
    finally:
        enterprises_changed.disconnect(receiver)

    assert received == []


def _queries(data: bytes) -> int:
    with CaptureQueriesContext(connection) as captured:
        run(data)
    return len(captured.captured_queries)


def test_checking_an_unchanged_file_takes_the_same_queries_for_20_or_400_rows(regions):
    small = csv_bytes([enterprise_row(i) for i in range(1, 21)])
    large = csv_bytes([enterprise_row(i) for i in range(1000, 1400)])
    run(small)
    run(large)

    assert _queries(small) == _queries(large)


def test_writing_400_rows_takes_far_fewer_queries_than_rows(regions):
    rows = [enterprise_row(i) for i in range(1, 401)]

    created = _queries(csv_bytes(rows))
    updated = _queries(csv_bytes([{**row, "employees": "7"} for row in rows]))

    # Inserts are batched (COPY), never one per row.
    assert created < 60
    assert updated < 40


def test_a_deleted_enterprise_key_is_never_reused_by_a_later_import(regions):
    """History rows keep the key of a deleted enterprise; a new firm must not inherit that history."""
    run(csv_bytes([enterprise_row(1), enterprise_row(2)]))
    deleted = Enterprise.objects.get(credit_code=make_credit_code(2))
    deleted_pk = deleted.pk
    deleted.delete()

    run(csv_bytes([enterprise_row(3)]))

    assert Enterprise.objects.get(credit_code=make_credit_code(3)).pk > deleted_pk


def test_names_are_kept_as_registered_and_only_the_matching_key_is_normalised(regions):
    registered = "苏州（工业园区）精密科技有限公司"
    run(csv_bytes([enterprise_row(1, name=registered, former_names="苏州【园区】精密有限公司")]))

    enterprise = Enterprise.objects.get()
    assert enterprise.name == registered
    assert enterprise.former_names == ["苏州【园区】精密有限公司"]
    assert enterprise.name_normalized == "苏州(工业园区)精密科技有限公司"
    again = run(csv_bytes([enterprise_row(1, name=registered, former_names="苏州【园区】精密有限公司")]))
    assert again.counts["enterprises_unchanged"] == 1
