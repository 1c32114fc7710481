"""The import records in the admin: the read-only audit trail, with each import's revert page."""

from django.contrib import admin, messages
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from utilities.scoping import is_national_administrator
from utilities.scoping_admin import ScopedAdminMixin

from .models import ImportRecord
from .previews import import_cancel, import_previews_expire
from .records import import_counts_words
from .views import ImportRevertView

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
    confirming run writes (its ``preview_record`` set) is shown through it, not as a second row.
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
        revert = ImportRevertView.as_view(model_admin=self)
        return [
            path("<int:record_id>/revert/", self.admin_site.admin_view(revert), name="imports_importrecord_revert"),
            *super().get_urls(),
        ]

    @admin.display(description=_("撤销"))
    def revert_text(self, record: ImportRecord):
        if record.reverted_by_id:
            url = reverse("admin:imports_importrecord_change", args=[record.reverted_by_id])
            return format_html('{} <a href="{}">#{}</a>', _("已撤销，见撤销记录"), url, record.reverted_by_id)
        if record.reverts_id:
            url = reverse("admin:imports_importrecord_change", args=[record.reverts_id])
            return format_html('{} <a href="{}">#{}</a>', _("这是对导入的撤销"), url, record.reverts_id)
        if record.outcome == ImportRecord.Outcome.APPLIED and record.kind != ImportRecord.Kind.REVERT:
            url = reverse("admin:imports_importrecord_revert", args=[record.pk])
            return format_html('<a href="{}" class="button">{}</a>', url, _("预览撤销这次导入"))
        return "—"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(preview_record__isnull=True)

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
        if record.outcome == ImportRecord.Outcome.APPLIED and record.applied_record_id:
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
