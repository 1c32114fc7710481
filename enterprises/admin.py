from pathlib import Path

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from regions.models import Province
from regions.selectors import division_name
from utilities.history import RevertRefused
from utilities.history_admin import ChangeHistoryAdminMixin
from utilities.scoping import ALL_PROVINCES, is_national_administrator, user_province_codes
from utilities.scoping_admin import ScopedAdminMixin
from utilities.tabular import FileRejected

from .choices import batch_display
from .forms import DesignationAdminForm, EnterpriseAdminForm, ImportUploadForm
from .import_records import PREVIEW_LIFETIME, import_counts_words, import_previews_expire
from .models import Designation, Enterprise, ImportRecord
from .search import search_condition
from .services import (
    import_cancel,
    import_confirm,
    import_preview,
    import_revert,
    import_revert_plan,
)

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
SAMPLE_FILES = ("enterprises-sample.csv", "designation-list-sample.csv")

# The preview lists at most this many rows to create or update; the counts always cover every row.
PREVIEW_ROW_LIMIT = 500


class DesignationInline(ScopedAdminMixin, admin.TabularInline):
    model = Designation
    form = DesignationAdminForm
    fields = ("program", "batch", "status", "designated_on", "revoked_on", "note")
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
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("credit_code", "name", "former_names")}),
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

    # --- import: upload → preview (a dry run of the same service) → confirm or cancel ----------------

    class Media:
        css = {"all": ["officials/admin.css"]}

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

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="enterprises_enterprise_import"),
            path(
                "import/<int:record_id>/", view(self.import_decision_view), name="enterprises_enterprise_import_decide"
            ),
            path("import/help/", view(self.import_help_view), name="enterprises_enterprise_import_help"),
            path(
                "import/samples/<str:name>/",
                view(self.import_sample_view),
                name="enterprises_enterprise_import_sample",
            ),
            *super().get_urls(),
        ]

    def import_help_view(self, request: HttpRequest) -> HttpResponse:
        """The file formats and indicators, in the project's own words, next to the import form."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = self._context(request, title=_("导入文件格式与指标说明"))
        return TemplateResponse(request, "admin/enterprises/enterprise/import_help.html", context)

    def import_sample_view(self, request: HttpRequest, name: str) -> HttpResponse:
        """Small sample files an official can try the import with (enterprises/samples/)."""
        if not self.has_view_permission(request) or name not in SAMPLE_FILES:
            raise Http404
        return FileResponse((SAMPLES_DIR / name).open("rb"), as_attachment=True, filename=name)

    def has_import_permission(self, request: HttpRequest, kind: str | None = None) -> bool:
        """An import creates and changes enterprises; an official list also creates and changes designations."""
        allowed = self.has_add_permission(request) and self.has_change_permission(request)
        if kind == ImportRecord.Kind.DESIGNATION_LIST:
            allowed = allowed and self._may_write_designations(request)
        return allowed

    @staticmethod
    def _may_write_designations(request: HttpRequest) -> bool:
        return request.user.has_perms(("enterprises.add_designation", "enterprises.change_designation"))

    def _designation_refusal(self, request: HttpRequest, kind: str, counts: dict) -> str | None:
        """Why this user may not apply this import, or None. An enterprise file may carry designations too."""
        if self._may_write_designations(request):
            return None
        if (
            kind == ImportRecord.Kind.DESIGNATION_LIST
            or counts.get("designations_created")
            or counts.get("designations_updated")
        ):
            return _("您没有新建或修改认定的权限，不能导入会写入认定的文件。")
        return None

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def _context(self, request: HttpRequest, **extra) -> dict:
        errors = extra.get("errors")
        if errors is not None:
            extra["hidden_errors"] = errors.total - len(errors.errors)
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("导入企业数据"),
            "row_limit": PREVIEW_ROW_LIMIT,
            **extra,
        }

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method != "POST" or not form.is_valid():
            return TemplateResponse(
                request, "admin/enterprises/enterprise/import_form.html", self._context(request, form=form)
            )
        upload = form.cleaned_data["file"]
        if not self.has_import_permission(request, form.cleaned_data["kind"]):
            raise PermissionDenied
        try:
            outcome = import_preview(
                kind=form.cleaned_data["kind"],
                stream=upload.file,
                file_name=upload.name,
                options=form.options(),
                user=request.user,
            )
        except FileRejected as rejected:
            return TemplateResponse(
                request,
                "admin/enterprises/enterprise/import_preview.html",
                self._context(request, file_name=upload.name, errors=rejected.report, record=None),
            )
        refusal = self._designation_refusal(request, form.cleaned_data["kind"], outcome.counts)
        if refusal:
            import_cancel(record=outcome.record, user=request.user)
            self.message_user(request, refusal, messages.ERROR)
            return redirect("admin:enterprises_enterprise_import")
        return TemplateResponse(
            request,
            "admin/enterprises/enterprise/import_preview.html",
            self._context(
                request,
                record=outcome.record,
                file_name=upload.name,
                counts=import_counts_words(outcome.counts),
                changes=[change for change in outcome.changes if change.action != "unchanged"][:PREVIEW_ROW_LIMIT],
                unchanged=outcome.unchanged_rows,
            ),
        )

    @staticmethod
    def _closed_message(record: ImportRecord) -> str:
        if record.outcome == ImportRecord.Outcome.APPLIED:
            return _("这个文件已经导入，不能再次确认。")
        if record.outcome == ImportRecord.Outcome.CANCELLED and (record.options or {}).get("expired"):
            return _("这次预览已过期（上传后一天内未确认），请重新上传文件。")
        if record.outcome == ImportRecord.Outcome.CANCELLED:
            return _("这次导入已取消，请重新上传文件。")
        return _("这次导入已被拒绝，请修正文件后重新上传。")

    def import_decision_view(self, request: HttpRequest, record_id: int) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        # Only the importer decides on their own preview: another user's id answers like an unknown one.
        record = get_object_or_404(
            ImportRecord,
            pk=record_id,
            imported_by=request.user,
            kind__in=[ImportRecord.Kind.ENTERPRISES, ImportRecord.Kind.DESIGNATION_LIST],
        )
        changelist = reverse("admin:enterprises_enterprise_changelist")
        if request.method != "POST":
            return redirect(changelist)
        if record.outcome == ImportRecord.Outcome.PREVIEWED and record.started_at < timezone.now() - PREVIEW_LIFETIME:
            import_previews_expire()
            record.refresh_from_db()
        if record.outcome != ImportRecord.Outcome.PREVIEWED:
            self.message_user(request, self._closed_message(record), messages.WARNING)
            return redirect("admin:enterprises_importrecord_change", record.pk)
        if "cancel" not in request.POST:
            refusal = self._designation_refusal(request, record.kind, record.counts or {})
            if refusal or not self.has_import_permission(request, record.kind):
                raise PermissionDenied
        if "cancel" in request.POST:
            import_cancel(record=record, user=request.user)
            self.message_user(request, _("已取消导入，未写入任何数据。"), messages.INFO)
            return redirect(changelist)
        try:
            outcome = import_confirm(record=record, user=request.user)
        except FileRejected as rejected:
            return TemplateResponse(
                request,
                "admin/enterprises/enterprise/import_preview.html",
                self._context(request, file_name=record.file_name, errors=rejected.report, record=None),
            )
        self.message_user(
            request,
            _("已导入：%(counts)s") % {"counts": "，".join(import_counts_words(outcome.counts)) or "—"},
            messages.SUCCESS,
        )
        return redirect(changelist)


@admin.register(Designation)
class DesignationAdmin(ChangeHistoryAdminMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    form = DesignationAdminForm
    list_display = ("enterprise", "program", "batch_name", "status", "designated_on", "revoked_on")
    list_filter = ("program", BatchFilter, "status")
    search_fields = ("enterprise__name", "=enterprise__credit_code")
    list_select_related = ("enterprise",)
    autocomplete_fields = ("enterprise",)

    @admin.display(description=_("批次"), ordering="batch")
    def batch_name(self, designation: Designation) -> str:
        return batch_display(designation.batch)


IMPORT_CHANNELS = {"admin": _("管理后台"), "command": _("命令行"), "api": _("API")}


class ChannelFilter(admin.SimpleListFilter):
    title = _("途径")
    parameter_name = "via"

    def lookups(self, request, model_admin):
        return list(IMPORT_CHANNELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(via=self.value()) if self.value() else queryset


@admin.register(ImportRecord)
class ImportRecordAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The audit trail of imports: read-only, written by the import services only.

    One row per attempt: an upload's preview record carries its outcome once confirmed; the record the
    confirming run writes (``options.preview_record_id``) is shown through it, not as a second row.
    """

    list_display = (
        "started_at",
        "imported_by",
        "kind",
        "file_name",
        "size_text",
        "outcome_text",
        "counts_text",
        "error_count",
        "channel",
    )
    list_filter = ("kind", "outcome", ChannelFilter)
    search_fields = ("file_name", "=sha256")
    list_select_related = ("imported_by",)
    date_hierarchy = "started_at"
    actions = ["cancel_previews"]
    fields = (
        "kind",
        "outcome_text",
        "file_name",
        "size_text",
        "sha256",
        "imported_by",
        "channel",
        "started_at",
        "finished_at",
        "counts_text",
        "error_count",
        "errors_text",
        "revert_text",
    )
    readonly_fields = fields

    def get_urls(self):
        return [
            path(
                "<int:record_id>/revert/",
                self.admin_site.admin_view(self.revert_view),
                name="enterprises_importrecord_revert",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("撤销"))
    def revert_text(self, record: ImportRecord):
        options = record.options or {}
        if options.get("reverted_by"):
            url = reverse("admin:enterprises_importrecord_change", args=[options["reverted_by"]])
            return format_html('{} <a href="{}">#{}</a>', _("已撤销，见撤销记录"), url, options["reverted_by"])
        if options.get("reverts"):
            url = reverse("admin:enterprises_importrecord_change", args=[options["reverts"]])
            return format_html('{} <a href="{}">#{}</a>', _("这是对导入的撤销"), url, options["reverts"])
        if record.outcome == ImportRecord.Outcome.APPLIED and record.kind != ImportRecord.Kind.REVERT:
            url = reverse("admin:enterprises_importrecord_revert", args=[record.pk])
            return format_html('<a href="{}" class="button">{}</a>', url, _("预览撤销这次导入"))
        return "—"

    def revert_view(self, request: HttpRequest, record_id: int) -> HttpResponse:
        """Preview what reverting the import does (or why it cannot), then revert it on confirmation."""
        record = self.get_queryset(request).filter(pk=record_id).first()
        if record is None:
            raise Http404
        if record.kind == ImportRecord.Kind.PATENTS:
            allowed = request.user.has_perms(("patents.change_patent", "patents.delete_patent"))
        else:
            enterprise_admin = self.admin_site._registry[Enterprise]
            allowed = enterprise_admin.has_import_permission(request, ImportRecord.Kind.DESIGNATION_LIST)
        if not allowed:
            raise PermissionDenied
        try:
            steps, reasons = import_revert_plan(record=record, user=request.user), []
        except RevertRefused as refused:
            steps, reasons = [], refused.reasons
        if request.method == "POST" and not reasons:
            try:
                revert = import_revert(record=record, user=request.user)
            except RevertRefused as refused:
                reasons = refused.reasons
            else:
                for line in import_counts_words(revert.counts):
                    self.message_user(request, line, messages.SUCCESS)
                return redirect("admin:enterprises_importrecord_change", revert.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "record": record,
            "title": _("撤销一次导入"),
            "steps": steps[:PREVIEW_ROW_LIMIT],
            "hidden_steps": max(0, len(steps) - PREVIEW_ROW_LIMIT),
            "deletes": sum(1 for step in steps if step.action == "delete"),
            "restores": sum(1 for step in steps if step.action == "restore"),
            "reasons": reasons,
        }
        return TemplateResponse(request, "admin/enterprises/importrecord/revert.html", context)

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(options__has_key="preview_record_id")

    def changelist_view(self, request, extra_context=None):
        # Forgotten previews expire here too, so a portal without a beat scheduler never shows stale ones.
        import_previews_expire()
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("文件大小"), ordering="file_size")
    def size_text(self, record: ImportRecord) -> str:
        return filesizeformat(record.file_size)

    @admin.display(description=_("结果"), ordering="outcome")
    def outcome_text(self, record: ImportRecord) -> str:
        if record.outcome == ImportRecord.Outcome.CANCELLED and (record.options or {}).get("expired"):
            return _("已过期（一天内未确认）")
        if record.outcome == ImportRecord.Outcome.PREVIEWED:
            return _("待确认（上传后一天内有效）")
        if record.outcome == ImportRecord.Outcome.APPLIED and (record.options or {}).get("applied_record_id"):
            return _("已预览并确认导入")
        return record.get_outcome_display()

    @admin.display(description=_("计数"))
    def counts_text(self, record: ImportRecord) -> str:
        return "，".join(import_counts_words(record.counts)) or "—"

    @admin.display(description=_("途径"), ordering="via")
    def channel(self, record: ImportRecord) -> str:
        return IMPORT_CHANNELS.get(record.via, record.via)

    @admin.display(description=_("错误（前200条）"))
    def errors_text(self, record: ImportRecord):
        if not record.errors:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            "{}",
            ((_("第%(row)s行 %(column)s “%(value)s”：%(reason)s") % error,) for error in record.errors),
        )

    def has_cancel_permission(self, request) -> bool:
        return self.has_view_permission(request)

    @admin.action(description=_("取消所选的待确认导入"), permissions=["cancel"])
    def cancel_previews(self, request, queryset):
        mine = queryset.filter(outcome=ImportRecord.Outcome.PREVIEWED)
        if not is_national_administrator(request.user):
            mine = mine.filter(imported_by=request.user)
        cancelled = 0
        for record in mine:
            import_cancel(record=record, user=request.user)
            cancelled += 1
        self.message_user(
            request,
            ngettext("已取消 %(count)d 个待确认的导入。", "已取消 %(count)d 个待确认的导入。", cancelled)
            % {"count": cancelled},
            messages.SUCCESS if cancelled else messages.WARNING,
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
