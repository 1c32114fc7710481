from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from utilities.tabular import FileRejected

from .forms import ImportUploadForm
from .models import Designation, Enterprise, ImportRecord
from .services import import_cancel, import_confirm, import_counts_lines, import_preview

# The preview lists at most this many rows to create or update; the counts always cover every row.
PREVIEW_ROW_LIMIT = 500


class DesignationInline(admin.TabularInline):
    model = Designation
    fields = ("program", "batch", "status", "designated_on", "revoked_on", "note")
    extra = 0


class CompletenessFilter(admin.SimpleListFilter):
    """Incomplete enterprises come from official lists without a credit code and wait for an enterprise file."""

    title = _("信息完整性 (completeness)")
    parameter_name = "complete"

    def lookups(self, request, model_admin):
        return (("no", _("待补全：无统一社会信用代码 (incomplete)")), ("yes", _("完整 (complete)")))

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(credit_code__isnull=True)
        if self.value() == "yes":
            return queryset.filter(credit_code__isnull=False)
        return queryset


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    change_list_template = "admin/enterprises/enterprise/change_list.html"
    list_display = (
        "name",
        "credit_code",
        "province",
        "city",
        "industry_field",
        "listing_board",
        "employees",
        "updated_at",
    )
    list_filter = (
        CompletenessFilter,
        "designations__batch",
        "designations__status",
        "industry_field",
        "listing_board",
        "primary_financing",
        "province",
    )
    search_fields = ("name", "former_names", "=credit_code", "stock_code")
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

    # --- import: upload → preview (a dry run of the same service) → confirm or cancel ----------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="enterprises_enterprise_import"),
            path(
                "import/<int:record_id>/", view(self.import_decision_view), name="enterprises_enterprise_import_decide"
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request: HttpRequest) -> bool:
        # An import both creates and changes enterprises (and their designations).
        return self.has_add_permission(request) and self.has_change_permission(request)

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
            "title": _("导入企业数据 (import)"),
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
        return TemplateResponse(
            request,
            "admin/enterprises/enterprise/import_preview.html",
            self._context(
                request,
                record=outcome.record,
                file_name=upload.name,
                counts=import_counts_lines(outcome.counts, dry_run=True),
                changes=[change for change in outcome.changes if change.action != "unchanged"][:PREVIEW_ROW_LIMIT],
                unchanged=sum(1 for change in outcome.changes if change.action == "unchanged"),
            ),
        )

    def import_decision_view(self, request: HttpRequest, record_id: int) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        record = get_object_or_404(
            ImportRecord,
            pk=record_id,
            outcome=ImportRecord.Outcome.PREVIEWED,
            kind__in=[ImportRecord.Kind.ENTERPRISES, ImportRecord.Kind.DESIGNATION_LIST],
        )
        changelist = reverse("admin:enterprises_enterprise_changelist")
        if request.method != "POST":
            return redirect(changelist)
        if "cancel" in request.POST:
            import_cancel(record=record, user=request.user)
            self.message_user(
                request, _("已取消导入，未写入任何数据 (import cancelled, nothing written)"), messages.INFO
            )
            return redirect(changelist)
        try:
            outcome = import_confirm(record=record, user=request.user)
        except FileRejected as rejected:
            return TemplateResponse(
                request,
                "admin/enterprises/enterprise/import_preview.html",
                self._context(request, file_name=record.file_name, errors=rejected.report, record=None),
            )
        for line in import_counts_lines(outcome.counts):
            self.message_user(request, line, messages.SUCCESS)
        return redirect(changelist)


@admin.register(Designation)
class DesignationAdmin(SimpleHistoryAdmin):
    list_display = ("enterprise", "program", "batch", "status", "designated_on", "revoked_on")
    list_filter = ("program", "batch", "status")
    search_fields = ("enterprise__name", "=enterprise__credit_code")
    list_select_related = ("enterprise",)
    autocomplete_fields = ("enterprise",)


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    """The audit trail of imports: read-only, it is written by the import services only."""

    list_display = ("started_at", "imported_by", "kind", "file_name", "outcome", "counts_summary", "error_count", "via")
    list_filter = ("kind", "outcome", "via")
    search_fields = ("file_name", "=sha256")
    list_select_related = ("imported_by",)
    date_hierarchy = "started_at"

    @admin.display(description=_("计数 (counts)"))
    def counts_summary(self, record: ImportRecord) -> str:
        return "; ".join(f"{key} {value}" for key, value in (record.counts or {}).items() if value)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
