"""designation_list_import: official MIIT batch lists `序号, 省份, 企业名称[, 统一社会信用代码]`."""

import csv
import io
from pathlib import Path

import pytest

from enterprises.models import Designation, Enterprise
from enterprises.names import normalize_name
from enterprises.services import designation_list_import
from enterprises.signals import enterprises_changed
from imports.models import ImportRecord
from tests.enterprises.import_helpers import list_bytes
from tests.factories import DesignationFactory, EnterpriseFactory, make_credit_code
from utilities.tabular import FileRejected

pytestmark = pytest.mark.django_db

REAL_SAMPLE = Path(__file__).resolve().parent.parent / "data" / "little_giants_key_support_sample.csv"


def run(data: bytes, batch: int | None = 4, **options):
    return designation_list_import(stream=io.BytesIO(data), file_name="第四批名单.csv", batch=batch, **options)


def rejected(data: bytes, batch: int | None = 4, **options):
    with pytest.raises(FileRejected) as excinfo:
        run(data, batch, **options)
    return excinfo.value.report


def test_an_unmatched_firm_becomes_an_incomplete_enterprise_with_its_designation(regions):
    outcome = run(list_bytes([(1, "江苏省", "苏州名单新企业有限公司")]), batch=4)

    enterprise = Enterprise.objects.get()
    assert enterprise.credit_code is None
    assert enterprise.is_incomplete
    assert (enterprise.name, enterprise.province_id) == ("苏州名单新企业有限公司", "320000")
    designation = enterprise.designations.get()
    assert (designation.batch, designation.status, designation.program) == (4, "confirmed", "little_giant")
    assert outcome.counts["enterprises_incomplete_created"] == 1
    assert outcome.counts["designations_created"] == 1


def test_the_city_is_inferred_when_the_name_starts_with_a_city_of_the_province(regions):
    run(list_bytes([(1, "辽宁省", "沈阳美行科技股份有限公司"), (2, "安徽", "安徽省六安恒源机械有限公司")]))

    cities = dict(Enterprise.objects.values_list("name", "city_id"))
    assert cities == {"沈阳美行科技股份有限公司": "210100", "安徽省六安恒源机械有限公司": "341500"}


def test_no_city_is_inferred_from_a_name_without_a_city(regions):
    run(list_bytes([(1, "辽宁省", "中国科学院沈阳科学仪器股份有限公司"), (2, "吉林省", "吉林化纤测试有限公司")]))

    assert list(Enterprise.objects.values_list("city_id", flat=True)) == [None, None]


def test_a_city_of_another_province_is_not_inferred(regions):
    run(list_bytes([(1, "江苏省", "杭州某某科技有限公司")]))

    assert Enterprise.objects.get().city_id is None


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("厦门市", ("350000", "350200")),
        ("大连市", ("210000", "210200")),
        ("深圳市", ("440000", "440300")),
        ("宁波", ("330000", "330200")),
        ("青岛市", ("370000", "370200")),
        ("新疆生产建设兵团", ("650000", "659000")),
        ("上海市", ("310000", "310100")),
        ("320000", ("320000", None)),
    ],
)
def test_the_province_column_may_hold_a_separately_planned_city_or_the_xpcc(regions, region, expected):
    run(list_bytes([(1, region, "某某名单测试有限公司")]))

    enterprise = Enterprise.objects.get()
    assert (enterprise.province_id, enterprise.city_id) == expected


def test_a_firm_is_matched_by_credit_code(regions):
    enterprise = EnterpriseFactory(credit_code=make_credit_code(5), name="苏州注册名称有限公司")

    outcome = run(
        list_bytes(
            [(1, "江苏省", "苏州名单上的简称", make_credit_code(5))],
            header=("序号", "省份", "企业名称", "统一社会信用代码"),
        )
    )

    assert Enterprise.objects.count() == 1
    assert enterprise.designations.get().batch == 4
    enterprise.refresh_from_db()
    assert enterprise.name == "苏州注册名称有限公司"  # a list never renames a registered firm
    assert outcome.counts["enterprises_unchanged"] == 1


def test_a_firm_is_matched_by_normalised_name(regions):
    enterprise = EnterpriseFactory(name="澳蓝（福建）实业有限公司", province_id="350000", city_id="350100")

    run(list_bytes([(1, "福建省", "澳蓝 (福建) 实业有限公司")]))

    assert Enterprise.objects.count() == 1
    assert enterprise.designations.get().batch == 4


def test_a_firm_is_matched_by_a_former_name(regions):
    enterprise = EnterpriseFactory(name="苏州新名称有限公司", former_names=["苏州老名称有限公司"])

    run(list_bytes([(1, "江苏", "苏州老名称有限公司")]))

    assert Enterprise.objects.count() == 1
    assert enterprise.designations.get().batch == 4


def test_a_name_is_matched_within_the_listed_province_first(regions):
    EnterpriseFactory(name="同名科技有限公司", province_id="330000", city_id="330100")
    in_jiangsu = EnterpriseFactory(name="同名科技有限公司")

    run(list_bytes([(1, "江苏省", "同名科技有限公司")]))

    assert Designation.objects.get().enterprise == in_jiangsu


def test_an_ambiguous_name_rejects_the_file(regions):
    EnterpriseFactory(name="同名科技有限公司", credit_code=make_credit_code(1))
    EnterpriseFactory(name="同名科技有限公司", credit_code=make_credit_code(2))

    report = rejected(list_bytes([(1, "江苏省", "同名科技有限公司")]))

    assert (report.errors[0].row, report.errors[0].column) == (2, "name")
    assert "多家企业" in report.errors[0].reason
    assert not Designation.objects.exists()


def test_a_credit_code_in_the_list_completes_an_incomplete_enterprise(regions):
    incomplete = EnterpriseFactory(credit_code=None, name="苏州待补全有限公司", city=None)

    outcome = run(
        list_bytes(
            [(1, "江苏省", "苏州待补全有限公司", make_credit_code(8))],
            header=("序号", "省份", "企业名称", "统一社会信用代码"),
        )
    )

    incomplete.refresh_from_db()
    assert incomplete.credit_code == make_credit_code(8)
    assert outcome.counts["enterprises_completed"] == 1


def test_an_existing_designation_gets_the_given_status(regions):
    designation = DesignationFactory(enterprise__name="苏州公示企业有限公司", batch=4, status="announced")

    outcome = run(list_bytes([(1, "江苏省", "苏州公示企业有限公司")]), status="confirmed")

    designation.refresh_from_db()
    assert designation.status == "confirmed"
    assert outcome.counts["designations_updated"] == 1


def test_importing_a_list_twice_changes_nothing_the_second_time(regions):
    data = list_bytes([(1, "江苏省", "苏州甲有限公司"), (2, "厦门市", "厦门乙有限公司")])
    run(data)
    history = (Enterprise.history.count(), Designation.history.count())

    outcome = run(data)

    assert Enterprise.objects.count() == 2
    assert outcome.counts["enterprises_unchanged"] == 2
    assert outcome.counts["designations_unchanged"] == 2
    assert (Enterprise.history.count(), Designation.history.count()) == history


def test_a_gb18030_list_is_read(regions):
    run(list_bytes([(1, "福建省", "福州华虹智能科技股份有限公司")], encoding="gb18030"))

    assert Enterprise.objects.get().city_id == "350100"


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ((1, "火星", "某公司"), "province", "未知省份"),
        ((1, "江苏省", ""), "name", "不能为空"),
        (("一", "江苏省", "某公司"), "sequence", "序号"),
        ((1, "江苏省", "某公司", "91320500MA1"), "credit_code", "应为18位"),
    ],
)
def test_an_invalid_row_rejects_the_list(regions, row, column, reason):
    header = ("序号", "省份", "企业名称", "统一社会信用代码")
    row = (*row, *([""] * (4 - len(row))))

    report = rejected(list_bytes([(2, "江苏省", "苏州好企业有限公司", ""), row], header=header))

    assert [(e.row, e.column) for e in report.errors] == [(3, column)]
    assert reason in report.errors[0].reason
    assert not Enterprise.objects.exists()


def test_a_firm_listed_twice_names_both_rows(regions):
    report = rejected(
        list_bytes(
            [(1, "江苏省", "苏州重复有限公司"), (2, "江苏省", "苏州甲有限公司"), (3, "江苏", "苏州重复有限公司")]
        )
    )

    assert [(e.row, e.column) for e in report.errors] == [(2, "name"), (4, "name")]


def test_a_list_without_a_batch_column_needs_the_batch(regions):
    report = rejected(list_bytes([(1, "江苏省", "苏州甲有限公司")]), batch=None)

    assert "缺少批次" in report.errors[0].reason


def test_a_batch_column_contradicting_the_given_batch_rejects_the_row(regions):
    report = rejected(
        list_bytes([(1, "江苏省", "苏州甲有限公司", "第三批")], header=("序号", "省份", "企业名称", "批次")), batch=4
    )

    assert (report.errors[0].row, report.errors[0].column) == (2, "batch")


def test_a_dry_run_writes_nothing(regions):
    outcome = run(list_bytes([(1, "江苏省", "苏州甲有限公司")]), dry_run=True)

    assert outcome.counts["enterprises_created"] == 1
    assert not Enterprise.objects.exists()
    assert ImportRecord.objects.get().outcome == ImportRecord.Outcome.DRY_RUN


def test_enterprises_changed_is_sent_for_the_designated_enterprises(regions):
    existing = EnterpriseFactory(name="苏州已有企业有限公司")
    received = []

    def receiver(sender, enterprise_ids, **kwargs):
        received.append(enterprise_ids)

    enterprises_changed.connect(receiver)
    try:
        run(list_bytes([(1, "江苏省", "苏州已有企业有限公司"), (2, "江苏省", "苏州新企业有限公司")]))
    finally:
        enterprises_changed.disconnect(receiver)

    new = Enterprise.objects.get(name="苏州新企业有限公司")
    assert received == [frozenset({existing.pk, new.pk})]


# --- the 70 real rows from MIIT lists ---------------------------------------------------------------------


def _real_rows() -> list[dict[str, str]]:
    with REAL_SAMPLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _import_real_sample(**options):
    with REAL_SAMPLE.open("rb") as stream:
        return designation_list_import(stream=stream, file_name=REAL_SAMPLE.name, batch=None, **options)


def test_the_70_real_rows_import_into_their_batches(regions):
    outcome = _import_real_sample()

    assert outcome.counts["enterprises_created"] == 70
    assert outcome.counts["designations_created"] == 70
    batches = {row["enterprise_name"]: int(row["designation_batch"]) for row in _real_rows()}
    imported = {name: batch for name, batch in Designation.objects.values_list("enterprise__name", "batch")}
    # The stored names are the names as MIIT printed them, full-width brackets and all.
    assert batches == imported


def test_the_70_real_rows_land_in_the_province_and_city_the_list_prints(regions):
    _import_real_sample()

    for row in _real_rows():
        enterprise = Enterprise.objects.get(name_normalized=normalize_name(row["enterprise_name"]))
        assert enterprise.province_id == row["province_code"], row["enterprise_name"]
        if row["city_code"]:  # the 计划单列市 rows: 厦门市 and 大连市
            assert enterprise.city_id == row["city_code"], row["enterprise_name"]
        elif enterprise.city_id:  # inferred from the name: must lie in the province
            assert enterprise.city_id[:2] == row["province_code"][:2]


def test_the_separately_planned_city_rows_of_the_real_sample_are_in_xiamen_and_dalian(regions):
    _import_real_sample()

    xiamen = sum(1 for row in _real_rows() if row["source_region"] == "厦门市")
    assert xiamen == 10
    assert Enterprise.objects.filter(province_id="350000", city_id="350200").count() == xiamen
    assert list(Enterprise.objects.filter(city_id="210200").values_list("name", flat=True)) == [
        "辽宁垠艺生物科技股份有限公司"
    ]


def test_the_real_sample_infers_cities_from_names(regions):
    _import_real_sample()

    cities = dict(Enterprise.objects.values_list("name", "city__name"))
    assert cities["沈阳美行科技股份有限公司"] == "沈阳市"
    assert cities["合肥中科类脑智能技术有限公司"] == "合肥市"
    assert cities["贵阳险峰机床有限责任公司"] == "贵阳市"
    assert cities["福建省力得自动化设备有限公司"] is None


def test_the_real_sample_imports_idempotently(regions):
    _import_real_sample()

    outcome = _import_real_sample()

    assert outcome.counts["enterprises_unchanged"] == 70
    assert outcome.counts["designations_unchanged"] == 70


def test_the_real_sample_with_a_contradicting_batch_is_rejected(regions):
    with pytest.raises(FileRejected) as excinfo, REAL_SAMPLE.open("rb") as stream:
        designation_list_import(stream=stream, file_name=REAL_SAMPLE.name, batch=1)

    # Rows of batches 2 and 3 contradict --batch 1.
    assert excinfo.value.report.total == sum(1 for row in _real_rows() if row["designation_batch"] != "1")
    assert not Enterprise.objects.exists()
