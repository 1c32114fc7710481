"""An enterprise's profile: its measures against its province, industry and the nation, and its patents."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.choices import DesignationStatus
from enterprises.services.review_results import DEFAULT_FAILED_REASON
from enterprises.validity import FAILED_REVIEW
from patents.choices import PATENT_OFFICES, PatentType
from reports.choices import Scope

from .. import formatting as fmt
from .. import selectors
from ..charts import Chart
from ..indicators import (
    BOARD_LABELS,
    INDUSTRY_LABELS,
)
from .common import chart_page, division_name, region_url, year_series

# (measure, label, metric key of the per-enterprise average: a *_per_enterprise key or a *_total divided by n);
# the labels are lazy: the module is imported once, the language is chosen per request.
ENTERPRISE_MEASURES = (
    ("applications", gettext_lazy("专利申请"), "applications_per_enterprise"),
    ("invention_applications", gettext_lazy("发明专利申请"), "invention_applications_total"),
    ("granted_inventions", gettext_lazy("发明专利授权"), "granted_inventions_total"),
    ("valid_inventions", gettext_lazy("有效发明专利"), "valid_inventions_per_enterprise"),
    ("citations", gettext_lazy("专利被引次数"), "citations_per_enterprise"),
    ("licenses", gettext_lazy("专利对外许可次数"), "licenses_per_enterprise"),
    ("transfers", gettext_lazy("专利转让次数"), "transfers_per_enterprise"),
    ("pct_applications", gettext_lazy("PCT专利申请"), "pct_per_enterprise"),
    ("overseas_markets", gettext_lazy("专利布局海外市场数"), "overseas_markets_per_enterprise"),
)


def _average(metrics: dict, key: str):
    if key.endswith("_total"):
        n = metrics.get("enterprise_count") or 0
        return metrics.get(key) / n if n and metrics.get(key) is not None else None
    return metrics.get(key)


def enterprise_context(choice, enterprise, *, patent_filters: dict, after, page_size: int = 20) -> dict:
    snapshot = choice.current
    measure = selectors.enterprise_measure(snapshot=snapshot, enterprise=enterprise)
    context = {"choice": choice, **_identity(enterprise), "measure": measure}
    context["chart_page"] = chart_page("enterprise", enterprise.credit_code)
    patents = selectors.enterprise_patents(enterprise=enterprise, as_of=snapshot.as_of)
    if measure is not None:
        context["earlier"] = choice.earlier
        context.update(_comparison(choice, enterprise, measure, context["province_name"], context["industry_label"]))
        context["years_chart"] = _years_chart(measure)
    context.update(_breakdown(patents))
    context.update(_patent_page(patents, patent_filters, after, page_size))
    return context


def _identity(enterprise) -> dict:
    """Who the enterprise is: its regions (with links), designations, industry and board."""
    designations = sorted(enterprise.designations.all(), key=lambda d: (d.program, d.batch))
    for designation in designations:
        designation.status_text = designation_status_text(designation)
    little_giant = [d for d in designations if d.program == "little_giant"]
    return {
        "enterprise": enterprise,
        "province_name": division_name(enterprise.province),
        "city_name": division_name(enterprise.city) if enterprise.city else "",
        "province_url": region_url(Scope.PROVINCE, enterprise.province_id),
        "city_url": region_url(Scope.CITY, enterprise.city_id) if enterprise.city_id else "",
        "designations": designations,
        "revoked": bool(little_giant) and all(d.status == DesignationStatus.REVOKED for d in little_giant),
        # The banner names a failed 复核 when that is what revoked the latest designation.
        "revoked_by_review": bool(little_giant) and little_giant[-1].revocation_cause == FAILED_REVIEW,
        "industry_label": INDUSTRY_LABELS.get(enterprise.industry_field, ""),
        "board_label": BOARD_LABELS.get(enterprise.listing_board, "") if enterprise.listing_board else "",
    }


def designation_status_text(designation) -> str:
    """What a designation's 复核 did: 复核通过 with its date, or 已撤销 with its cause (a failed 复核 or
    another, ``enterprises.validity.revocation_cause``), date and reason; the plain status otherwise. A
    reason is the list's own words; the default one only repeats the cause, so it is not said twice."""
    status = designation.status
    if status == DesignationStatus.REVIEWED and designation.reviewed_on:
        return _("复核通过（%(date)s）") % {"date": fmt.date(designation.reviewed_on)}
    if status != DesignationStatus.REVOKED:
        return str(designation.get_status_display())
    failed_review = designation.revocation_cause == FAILED_REVIEW
    reason = designation.revocation_reason
    if reason == DEFAULT_FAILED_REASON:
        reason = "" if failed_review else _("复核未通过")
    date = fmt.date(designation.revoked_on) if designation.revoked_on else ""
    detail = _("%(date)s，%(reason)s") % {"date": date, "reason": reason} if date and reason else date or reason
    if failed_review:
        return _("已撤销：复核未通过（%(detail)s）") % {"detail": detail} if detail else _("已撤销：复核未通过")
    return _("已撤销：其他原因（%(detail)s）") % {"detail": detail} if detail else _("已撤销：其他原因")


def _comparison(choice, enterprise, measure, province_name: str, industry_label: str) -> dict:
    """Each measure beside the averages of the province, the industry and the nation, with its percentile."""
    averages = selectors.enterprise_averages(snapshot=choice.current, enterprise=enterprise)
    percentiles = selectors.enterprise_percentiles(measure=measure)
    columns = [("province", province_name), ("industry", industry_label), ("national", _("全国"))]
    earlier = selectors.enterprise_measure(snapshot=choice.earlier, enterprise=enterprise) if choice.earlier else None
    comparison = [
        {
            "key": key,
            "label": label,
            "value": getattr(measure, key),
            "averages": [_average_cell(averages.get(scope), average_key) for scope, _n in columns],
            "percentile": percentiles.get(key),
            # None when the enterprise was not counted at the earlier snapshot.
            "change": getattr(measure, key) - getattr(earlier, key) if earlier is not None else None,
        }
        for key, label, average_key in ENTERPRISE_MEASURES
    ]
    return {"comparison_columns": [name for _s, name in columns], "comparison": comparison}


def _average_cell(row, average_key: str) -> dict:
    return {
        "value": _average(row.metrics, average_key) if row is not None else None,
        # Averages stored as such (not derived here) are marked for the browser tests,
        # which compare them with the indicator API.
        "metric": average_key if average_key.endswith("_per_enterprise") else "",
        "region": f"{row.scope}/{row.code}" if row is not None else "",
    }


def _years_chart(measure) -> Chart:
    years = {str(y): v for y, v in measure.applications_by_year().items()}
    title = _("历年专利申请量（按公开年）")
    return year_series(
        "enterprise-years", title, years, as_of=measure.snapshot.as_of, name=_("专利申请"), column=_("申请量（件）")
    )


def _tally(breakdown) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Patents per type, per office and per IPC class, from the grouped breakdown rows."""
    by_type: dict[str, int] = {}
    by_office: dict[str, int] = {}
    by_ipc: dict[str, int] = {}
    for row in breakdown:
        by_type[row["patent_type"]] = by_type.get(row["patent_type"], 0) + row["n"]
        by_office[row["jurisdiction"]] = by_office.get(row["jurisdiction"], 0) + row["n"]
        if row["ipc"]:
            by_ipc[row["ipc"]] = by_ipc.get(row["ipc"], 0) + row["n"]
    return by_type, by_office, by_ipc


def _breakdown(patents) -> dict:
    """The type and office charts, the total and the ten leading IPC classes of the patents."""
    by_type, by_office, by_ipc = _tally(selectors.patent_breakdown(patents=patents))
    by_type = dict(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])))
    type_labels = dict(PatentType.choices)
    offices = sorted(by_office.items(), key=lambda kv: (-kv[1], kv[0]))
    office_chart = Chart(
        id="enterprise-offices",
        title=_("受理局"),
        kind="hbar",
        categories=[_office_label(k) for k, _v in offices],
        series=[{"name": _("专利"), "values": [v for _k, v in offices]}],
        unit=_("件"),
        columns=[_("受理局"), _("数量（件）")],
        rows=[[_office_label(k), fmt.number(v)] for k, v in offices],
    )
    return {
        "type_chart": Chart(
            id="enterprise-types",
            title=_("专利类型"),
            kind="pie",
            categories=[str(type_labels.get(k, k)) for k in by_type],
            series=[{"name": _("专利"), "values": list(by_type.values())}],
            unit=_("件"),
            columns=[_("类型"), _("数量（件）")],
            rows=[[str(type_labels.get(k, k)), fmt.number(v)] for k, v in by_type.items()],
        ),
        "office_chart": office_chart,
        "office_options": [(k, _office_label(k)) for k, _v in offices],
        "patent_total": sum(by_type.values()),
        "ipc_classes": [{"ipc": ipc, "n": n} for ipc, n in sorted(by_ipc.items(), key=lambda kv: (-kv[1], kv[0]))[:10]],
    }


def _patent_page(patents, patent_filters: dict, after, page_size: int) -> dict:
    """One page of the patents, filtered by type and office, with the key of the next page."""
    if patent_filters.get("type") in dict(PatentType.choices):
        patents = patents.filter(patent_type=patent_filters["type"])
    if patent_filters.get("office"):
        patents = patents.filter(jurisdiction=patent_filters["office"].upper()[:2])
    page, following = selectors.patents_page(patents=patents, after=after, size=page_size)
    return {
        "patents": page,
        "patent_filters": patent_filters,
        "type_options": PatentType.choices,
        "next_key": f"{following[0].isoformat()}~{following[1]}" if following else "",
        "is_first_page": after is None,
    }


def _office_label(code: str) -> str:
    label = PATENT_OFFICES.get(code)
    return f"{label} ({code})" if label else code
