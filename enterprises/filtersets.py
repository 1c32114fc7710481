"""The one FilterSet of enterprises, shared by the API (DjangoFilterBackend) and the public list page.

Parameter names follow the model and the interchange file (``industry_field``, ``listing_board``,
``designation_status``) so that a query string reads like the data. Every value is validated: an invalid
one is a form error (the API answers 400 naming the parameter), never a silently ignored filter.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from regions.choices import Cluster
from regions.models import City, Province
from utilities.filters import IntegerFilter, StableOrderingFilter

from .choices import BATCH_LABELS, UNLISTED, DesignationStatus, IndustryField, ListingBoard, Program
from .models import Designation, Enterprise
from .search import search

LISTING_BOARD_CHOICES = [*ListingBoard.choices, (UNLISTED, _("未上市"))]
# The importer accepts batches 1..99 (later batches must work without a code change).
BATCH_CHOICES = [(str(n), BATCH_LABELS.get(n, f"第{n}批")) for n in range(1, 100)]


class EnterpriseFilterSet(filters.FilterSet):
    province = filters.ModelMultipleChoiceFilter(
        # One value per enterprise: no DISTINCT (it sorted the list's every column); so city, industry_field.
        distinct=False,
        queryset=Province.objects.all(),
        label=_("省份"),
        help_text="Province-level division code (GB/T 2260, e.g. 320000); repeat the parameter for several.",
    )
    city = filters.ModelMultipleChoiceFilter(
        distinct=False,
        queryset=City.objects.all(),
        label=_("城市"),
        help_text="Prefecture-level city code (e.g. 320500; a municipality is its own city, 110100); repeatable.",
    )
    cluster = filters.ChoiceFilter(
        field_name="city__cluster",
        choices=Cluster.choices,
        label=_("城市群"),
        help_text="City cluster of the enterprise's city: jjj 京津冀, yrd 长三角, gba 粤港澳 (the nine Guangdong cities).",
    )
    batch = filters.MultipleChoiceFilter(
        choices=BATCH_CHOICES,
        method="filter_designation",
        label=_("批次"),
        help_text="小巨人 batch number (1 = first batch, 2019); repeatable. Combined with designation_status, "
        "both must hold for the same designation.",
    )
    designation_status = filters.MultipleChoiceFilter(
        choices=DesignationStatus.choices,
        method="filter_designation",
        label=_("认定状态"),
        help_text="Status of a 小巨人 designation: announced 公示, confirmed 认定通过, reviewed 复核通过, "
        "revoked 撤销; repeatable.",
    )
    industry_field = filters.MultipleChoiceFilter(
        distinct=False,
        choices=IndustryField.choices,
        label=_("产业领域"),
        help_text="Key of the 十大重点产业领域 (data-formats.md), e.g. next_gen_it; repeatable.",
    )
    listing_board = filters.MultipleChoiceFilter(
        choices=LISTING_BOARD_CHOICES,
        method="filter_listing_board",
        label=_("上市板块"),
        help_text="Capital-market board key (main, chinext, star, bse, neeq, hkex, sgx, overseas_other) or "
        "unlisted; repeatable.",
    )
    employees_min = IntegerFilter(
        field_name="employees",
        lookup_expr="gte",
        min_value=0,
        label=_("参保人数下限"),
        help_text="At least this many insured employees (persons, inclusive). Enterprises with unknown "
        "employees are excluded whenever a bound is given.",
    )
    employees_max = IntegerFilter(
        field_name="employees",
        lookup_expr="lte",
        min_value=0,
        label=_("参保人数上限"),
        help_text="At most this many insured employees (persons, inclusive).",
    )
    q = filters.CharFilter(
        method="filter_text",
        max_length=200,
        label=_("搜索"),
        help_text="Text search: part of the current or a former name (compared after the importer's name "
        "normalisation: full-width/half-width, brackets, spaces), or the beginning of the credit code.",
    )
    updated_after = filters.IsoDateTimeFilter(
        method="filter_updated_after",
        label=_("更新于此后"),
        help_text="ISO 8601 date-time (e.g. 2026-11-29T00:00:00+08:00): only enterprises whose own data or any "
        "of whose designations changed strictly after it. Deletions are not reported.",
    )
    ordering = StableOrderingFilter(
        fields=(
            ("name", "name"),
            ("credit_code", "credit_code"),
            ("province", "province"),
            ("city", "city"),
            ("employees", "employees"),
            ("founded_on", "founded_on"),
            ("updated_at", "updated_at"),
            ("id", "id"),
        ),
        label=_("排序"),
        help_text="Comma-separated fields, '-' for descending: name, credit_code, province, city, employees, "
        "founded_on, updated_at, id. Ties are broken by id. Unknown values (e.g. employees) sort last.",
    )

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def filter_designation(self, queryset, name, value):
        # Applied once for batch and designation_status together in filter_queryset (same designation).
        return queryset

    def filter_listing_board(self, queryset, name, value):
        if not value:
            return queryset
        boards = [board for board in value if board != UNLISTED]
        condition = Q(listing_board__in=boards)
        if UNLISTED in value:
            condition |= Q(listing_board="")
        return queryset.filter(condition)

    def filter_text(self, queryset, name, value):
        return search(queryset, value)

    def filter_updated_after(self, queryset, name, value):
        if value is None:
            return queryset
        designation_changed = Designation.objects.filter(enterprise=OuterRef("pk"), updated_at__gt=value)
        return queryset.filter(Q(updated_at__gt=value) | Exists(designation_changed))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        batches = self.form.cleaned_data.get("batch")
        statuses = self.form.cleaned_data.get("designation_status")
        if batches or statuses:
            designations = Designation.objects.filter(enterprise=OuterRef("pk"), program=Program.LITTLE_GIANT)
            if batches:
                designations = designations.filter(batch__in=[int(batch) for batch in batches])
            if statuses:
                designations = designations.filter(status__in=statuses)
            queryset = queryset.filter(Exists(designations))
        return queryset
