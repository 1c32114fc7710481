"""The one FilterSet of patents, shared by the API (DjangoFilterBackend) and the public pages.

The applicant filters (``applicant``, ``province``) are ``EXISTS`` subqueries over the linked applicants, so a
patent with several matching applicants is listed once and no DISTINCT over millions of rows is needed.
"""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from regions.models import Province
from utilities.filters import CodeFilter, StableOrderingFilter

from .choices import LegalStatus, PatentType
from .models import Patent, PatentApplicant


class PatentFilterSet(filters.FilterSet):
    applicant = CodeFilter(
        method="filter_applicant",
        pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$",
        message="Expected an 18-character unified social credit code.",
        label=_("申请人统一社会信用代码"),
        help_text="Unified social credit code of an applicant enterprise: patents on which that enterprise is "
        "a linked applicant (by credit code or by its current or former name).",
    )
    province = filters.ModelChoiceFilter(
        queryset=Province.objects.all(),
        method="filter_province",
        label=_("申请人省份"),
        help_text="Province code (e.g. 320000): patents with at least one linked applicant enterprise located "
        "in that province.",
    )
    jurisdiction = CodeFilter(
        pattern=r"^[A-Z]{2}$",
        message="Expected a two-letter office code such as CN, WO or US.",
        label=_("受理局"),
        help_text="Patent office, two letters: CN, WO (PCT international application), US, EP, JP, ...",
    )
    patent_type = filters.MultipleChoiceFilter(
        choices=PatentType.choices,
        label=_("专利类型"),
        help_text="invention 发明, utility_model 实用新型, design 外观设计; repeatable.",
    )
    legal_status = filters.MultipleChoiceFilter(
        choices=LegalStatus.choices,
        label=_("法律状态"),
        help_text="Today's legal status: valid 有效, pending 审中, invalid 失效; repeatable.",
    )
    application_date = filters.DateFromToRangeFilter(
        label=_("申请日"),
        help_text="Application (filing) date range, YYYY-MM-DD, both ends inclusive: application_date_after, "
        "application_date_before.",
    )
    publication_date = filters.DateFromToRangeFilter(
        label=_("公开日"),
        help_text="First publication date range, YYYY-MM-DD, inclusive: publication_date_after, "
        "publication_date_before.",
    )
    grant_date = filters.DateFromToRangeFilter(
        label=_("授权日"),
        help_text="Grant date range, YYYY-MM-DD, inclusive: grant_date_after, grant_date_before. Patents "
        "without a grant are excluded whenever a bound is given.",
    )
    ipc = CodeFilter(
        field_name="ipc_main",
        lookup_expr="startswith",
        pattern=r"^[A-HY][0-9A-Z/.]{0,30}$",
        message="Expected the beginning of an IPC class such as G06F or G06F16/35.",
        label=_("主IPC分类号"),
        help_text="Prefix of the main IPC class: G (section), G06 (class), G06F (subclass), G06F16/35 (group).",
    )
    title = filters.CharFilter(
        lookup_expr="icontains",
        max_length=200,
        label=_("标题"),
        help_text="Part of the title (case-insensitive).",
    )
    updated_after = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gt",
        label=_("更新于此后"),
        help_text="ISO 8601 date-time: only patents whose fields or applicant list (names, credit codes, links "
        "to enterprises) changed strictly after it. Deletions are not reported.",
    )
    ordering = StableOrderingFilter(
        fields=(
            ("publication_number", "publication_number"),
            ("publication_date", "publication_date"),
            ("application_date", "application_date"),
            ("grant_date", "grant_date"),
            ("cited_by_count", "cited_by_count"),
            ("updated_at", "updated_at"),
            ("id", "id"),
        ),
        label=_("排序"),
        help_text="Comma-separated fields, '-' for descending: publication_number, publication_date, "
        "application_date, grant_date, cited_by_count, updated_at, id. Ties are broken by id; patents without "
        "a grant date sort last.",
    )

    class Meta:
        model = Patent
        fields: list[str] = []

    def filter_applicant(self, queryset, name, value):
        if not value:
            return queryset
        linked = PatentApplicant.objects.filter(patent=OuterRef("pk"), enterprise__credit_code=value)
        return queryset.filter(Exists(linked))

    def filter_province(self, queryset, name, value):
        if value is None:
            return queryset
        linked = PatentApplicant.objects.filter(patent=OuterRef("pk"), enterprise__province=value)
        return queryset.filter(Exists(linked))
