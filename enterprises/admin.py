from pathlib import Path

from django.contrib import admin
from django.db.models import Q
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from imports.models import ImportRecord
from imports.views import ImportDecisionView, ImportHelpView, ImportSampleView, ImportUploadView
from regions.models import Province
from regions.selectors import division_name
from utilities.history_admin import ChangeHistoryAdminMixin
from utilities.scoping import ALL_PROVINCES, user_province_codes
from utilities.scoping_admin import ScopedAdminMixin

from .choices import batch_display
from .forms import DesignationAdminForm, EnterpriseAdminForm, ImportUploadForm
from .import_kinds import may_write_designations
from .models import Designation, Enterprise
from .search import search_condition
from .services.review_results import DEFAULT_FAILED_REASON
from .services.sample_files import province_sample
from .validity import (
    DUE_SOON,
    FAILED_REVIEW,
    OVERDUE,
    PASSED,
    REVOKED,
    REVOKED_OTHERWISE,
    review_state_condition,
    revocation_cause_condition,
)

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
SAMPLE_FILES = ("enterprises-sample.csv", "designation-list-sample.csv", "review-result-sample.csv")
IMPORT_TEMPLATES = "admin/enterprises/enterprise"
# The kinds of file that write designations whatever their rows say.
_DESIGNATION_KINDS = (ImportRecord.Kind.DESIGNATION_LIST, ImportRecord.Kind.REVIEW_RESULTS)


class DesignationInline(ScopedAdminMixin, admin.TabularInline):
    model = Designation
    form = DesignationAdminForm
    fields = ("program", "batch", "status", "designated_on", "reviewed_on", "revoked_on", "revocation_reason", "note")
    extra = 0


class CompletenessFilter(admin.SimpleListFilter):
    """Incomplete enterprises come from official lists without a credit code and wait for an enterprise file."""

    title = _("信息完整性")
    parameter_name = "complete"

    def lookups(self, request, model_admin):
        return (("no", _("待补全：无统一社会信用代码")), ("yes", _("完整")))

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(credit_code__isnull=True)
        if self.value() == "yes":
            return queryset.filter(credit_code__isnull=False)
        return queryset


class BatchFilter(admin.SimpleListFilter):
    """Batches by their names (第一批 … 第五批), the batches that exist only."""

    title = _("批次")
    parameter_name = "batch"
    lookup = "batch"

    def lookups(self, request, model_admin):
        batches = Designation.objects.order_by("batch").values_list("batch", flat=True).distinct()
        return [(str(batch), batch_display(batch)) for batch in batches]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{self.lookup: int(value)}).distinct()
        return queryset


class EnterpriseBatchFilter(BatchFilter):
    lookup = "designations__batch"


class ReviewStateFilter(admin.SimpleListFilter):
    """复核状态: the workbench's 复核 items (validity ending within 90 days, or ended without a result) and the
    two results (passed, revoked), by enterprises.validity's rule. The list it filters is already the user's
    provinces only (ScopedAdminMixin). The parameter keeps its name, which the workbench's links use."""

    title = _("复核状态")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return (
            (DUE_SOON, _("90 天内到期")),
            (OVERDUE, _("已到期，尚无复核结果")),
            (PASSED, _("复核通过")),
            (REVOKED, _("已撤销")),
        )

    def queryset(self, request, queryset):
        if self.value() in (DUE_SOON, OVERDUE, PASSED, REVOKED):
            return queryset.filter(review_state_condition(self.value(), today=timezone.localdate()))
        return queryset


REVOCATION_CAUSES = {FAILED_REVIEW: _("复核未通过撤销"), REVOKED_OTHERWISE: _("其他原因撤销")}


class RevocationCauseFilter(admin.SimpleListFilter):
    """撤销原因: revoked by a failed 复核 (a 复核 result list's 未通过 row) or otherwise (enterprises.validity)."""

    title = _("撤销原因")
    parameter_name = "revoked_by"

    def lookups(self, request, model_admin):
        return tuple(REVOCATION_CAUSES.items())

    def queryset(self, request, queryset):
        if self.value() in (FAILED_REVIEW, REVOKED_OTHERWISE):
            return queryset.filter(revocation_cause_condition(self.value()))
        return queryset


class MissingDataFilter(admin.SimpleListFilter):
    """The workbench's missing-data items: what the indicators need (employees, city, industry) or any patent."""

    title = _("缺少的数据")
    parameter_name = "missing"
    CONDITIONS = {
        "employees": Q(employees__isnull=True),
        "city": Q(city__isnull=True),
        "industry": Q(industry_field=""),
        # A reverse join by name: the enterprises app does not import patents (a lower layer).
        "patents": Q(patent_applications__isnull=True),
    }

    def lookups(self, request, model_admin):
        return (
            ("employees", _("缺少参保人数")),
            ("city", _("缺少城市")),
            ("industry", _("缺少产业领域")),
            ("patents", _("没有专利")),
        )

    def queryset(self, request, queryset):
        condition = self.CONDITIONS.get(self.value() or "")
        return queryset if condition is None else queryset.filter(condition)


class OwnProvincesFilter(admin.RelatedFieldListFilter):
    """The provinces the user answers for (all of them for national roles), to filter the list by, named in
    the page's language.

    Django's RelatedOnlyFieldListFilter found them by reading the province of every enterprise on each
    page of the list: 28 ms a page at 10x (130,000 enterprises), growing with the data.
    """

    def field_choices(self, field, request, model_admin):
        codes = user_province_codes(request.user)
        provinces = Province.objects.order_by("code").only("code", "name", "name_en")
        if codes is not ALL_PROVINCES:
            provinces = provinces.filter(code__in=codes)
        return [(province.code, division_name(province)) for province in provinces]


@admin.register(Enterprise)
class EnterpriseAdmin(ChangeHistoryAdminMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    change_list_template = "admin/enterprises/enterprise/change_list.html"
    form = EnterpriseAdminForm
    # Four columns fit a 1366 px laptop next to the navigation and the filters, in both languages; the
    # board has its filter, and employees, founding date and the rest are on the change page.
    list_display = ("name", "credit_code", "region", "industry_field")
    list_filter = (
        CompletenessFilter,
        MissingDataFilter,
        EnterpriseBatchFilter,
        "designations__status",
        "industry_field",
        "listing_board",
        "primary_financing",
        ("province", OwnProvincesFilter),
    )
    search_fields = ("name", "former_names", "=credit_code", "stock_code")  # see get_search_results
    # The list says how many enterprises match, not also how many there are in all: a count of every
    # enterprise on each page (15 ms at 10x).
    show_full_result_count = False
    list_select_related = ("province", "city")
    autocomplete_fields = ("province", "city")
    inlines = [DesignationInline]
    readonly_fields = ("public_profile", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("credit_code", "name", "former_names", "public_profile")}),
        (_("所在地"), {"fields": ("province", "city")}),
        (_("概况"), {"fields": ("industry_field", "employees", "founded_on")}),
        (_("资本市场"), {"fields": ("listing_board", "stock_code", "primary_financing")}),
        (_("记录"), {"fields": ("created_at", "updated_at")}),
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user  # a class of its own per call (modelform_factory)
        return form

    def get_search_results(self, request, queryset, search_term):
        """Each word of the search (quotes keep a phrase) must match: the portal's search, that is a name,
        a former name or the beginning of the credit code (``enterprises.search``, served by its bigram
        index), or the beginning of the stock code.

        The stock ``search_fields`` compared every field with ``LIKE '%…%'``: at 10x (130,000 enterprises)
        a search read the whole table twice, for the page and for its count, 140-220 ms a page.
        """
        # The stock search with no term: only the restriction of an autocomplete to the user's provinces.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, "")
        for word in smart_split(search_term):
            if word[0] in "\"'" and word[0] == word[-1]:
                word = unescape_string_literal(word)
            word = word.strip()
            if word:
                queryset = queryset.filter(search_condition(word) | Q(stock_code__startswith=word.upper()))
        return queryset, may_have_duplicates

    class Media:
        css = {"all": ["officials/admin.css"]}

    @admin.display(description=_("公开页面"))
    def public_profile(self, enterprise: Enterprise):
        """The enterprise's page on the public site (by its credit code; an incomplete enterprise has none)."""
        if enterprise.pk is None or not enterprise.credit_code:
            return _("（有统一社会信用代码后才有公开页面）")
        url = reverse("portal:enterprise", args=[enterprise.credit_code])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("在门户中查看"))

    @admin.display(description=_("所在地"), ordering="province")
    def region(self, enterprise: Enterprise) -> str:
        return " · ".join(
            name
            for name in (
                enterprise.province.short_name or enterprise.province.name,
                enterprise.city and enterprise.city.name,
            )
            if name
        )

    # The import pages (imports.views) are this list's: a user who may add and change enterprises imports
    # files of enterprises, and MIIT lists when they may also write designations.
    def get_urls(self):
        pages = {"model_admin": self, "title": _("导入企业数据")}
        upload = {
            **pages,
            "form_class": ImportUploadForm,
            "preview_template_name": f"{IMPORT_TEMPLATES}/import_preview.html",
        }
        help_page = {
            **pages,
            "title": _("导入文件格式与指标说明"),
            "template_name": f"{IMPORT_TEMPLATES}/import_help.html",
        }
        views = [
            (
                "import/",
                "import",
                ImportUploadView.as_view(template_name=f"{IMPORT_TEMPLATES}/import_form.html", **upload),
            ),
            ("import/<int:record_id>/", "import_decide", ImportDecisionView.as_view(**upload)),
            ("import/help/", "import_help", ImportHelpView.as_view(**help_page)),
            (
                "import/samples/<str:name>/",
                "import_sample",
                ImportSampleView.as_view(
                    samples_dir=SAMPLES_DIR, sample_files=SAMPLE_FILES, sample_for=province_sample, **pages
                ),
            ),
        ]
        return [
            *(
                path(route, self.admin_site.admin_view(view), name=f"enterprises_enterprise_{name}")
                for route, name, view in views
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request: HttpRequest, kind: str | None = None) -> bool:
        """An import creates and changes enterprises; an official list also creates and changes designations."""
        allowed = self.has_add_permission(request) and self.has_change_permission(request)
        if kind in _DESIGNATION_KINDS:
            allowed = allowed and may_write_designations(request.user)
        return allowed

    def import_refusal(self, request: HttpRequest, kind: str, counts: dict) -> str | None:
        """Why this user may not apply this import, or None. An enterprise file may carry designations too."""
        if may_write_designations(request.user):
            return None
        if kind in _DESIGNATION_KINDS or counts.get("designations_created") or counts.get("designations_updated"):
            return _("您没有新建或修改认定的权限，不能导入会写入认定的文件。")
        return None

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)


@admin.register(Designation)
class DesignationAdmin(ChangeHistoryAdminMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    form = DesignationAdminForm
    list_display = (
        "enterprise",
        "program",
        "batch_name",
        "status",
        "designated_on",
        "reviewed_on",
        "revoked_by",
    )
    list_filter = (
        "program",
        BatchFilter,
        "status",
        ReviewStateFilter,
        RevocationCauseFilter,
        ("enterprise__province", OwnProvincesFilter),
    )
    search_fields = ("enterprise__name", "=enterprise__credit_code")
    list_select_related = ("enterprise",)
    autocomplete_fields = ("enterprise",)

    @admin.display(description=_("批次"), ordering="batch")
    def batch_name(self, designation: Designation) -> str:
        return batch_display(designation.batch)

    @admin.display(description=_("撤销"), ordering="revoked_on")
    def revoked_by(self, designation: Designation) -> str:
        """The revocation's date and cause: 复核未通过撤销 (with the list's reason) or 其他原因撤销 (with the
        official's, if any); empty unless revoked. One column for both keeps the list within 1366 px."""
        cause = designation.revocation_cause
        if cause is None:
            return ""
        reason = designation.revocation_reason
        label = REVOCATION_CAUSES[cause]
        said = format_html("{}（{}）", label, reason) if reason and reason != DEFAULT_FAILED_REASON else label
        if designation.revoked_on is None:
            return said
        return format_html("{}<br>{}", date_format(designation.revoked_on), said)
