"""Admin for officials: snapshots with their status and staleness, read-only indicators, recompute now."""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Exists, Q, Subquery, Value, When
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import services
from .choices import SnapshotStatus
from .formatting import scope_code_name, value_text
from .models import DataState, PendingRecompute, PendingRefresh, ScopeIndicator, Snapshot


def duration_display(duration: datetime.timedelta | None) -> str:
    """0.17 秒, 12.3 秒, 4 分 5 秒: how long a computation took, as a person says it."""
    if duration is None:
        return "—"
    seconds = duration.total_seconds()
    if seconds < 60:
        return _("%(seconds)s 秒") % {"seconds": f"{seconds:.2f}" if seconds < 10 else f"{seconds:.1f}"}
    minutes, rest = divmod(round(seconds), 60)
    return _("%(minutes)s 分 %(seconds)s 秒") % {"minutes": minutes, "seconds": rest}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Computed rows are written by the engine only."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "as_of",
        "status",
        "started_at",
        "duration_text",
        "enterprise_count",
        "patent_count",
        "scope_count",
        "stale_mark",
    ]
    list_filter = ["status", "as_of"]
    date_hierarchy = "as_of"
    actions = ["recompute_now"]
    readonly_fields = [
        "duration_text" if f.name == "duration" else f.name for f in Snapshot._meta.fields if f.name != "task_id"
    ]

    def get_deleted_objects(self, objs, request):
        """A snapshot's indicator rows, measures and rendered reports are parts of it, written by the engine
        alone: whoever may delete the snapshot deletes them with it. The national role holds no permission on
        the parts themselves (nobody deletes them one by one), which made Django refuse every snapshot delete.
        The page lists the snapshots and counts the parts instead of naming thousands of rows."""
        _listed, model_count, _parts_permissions, protected = super().get_deleted_objects(objs, request)
        return [str(obj) for obj in objs], model_count, set(), protected

    def get_queryset(self, request):
        # Staleness for the whole page in the list query itself, not one query per row; the same rule as
        # selectors.snapshot_is_stale: the newest snapshot is stale while refreshes are pending, an older
        # one when the data changed after its run.
        changed_at = Subquery(DataState.objects.filter(pk=1).values("changed_at")[:1])
        newest = Subquery(Snapshot.objects.filter(status=SnapshotStatus.COMPLETE).order_by("-as_of").values("pk")[:1])
        return (
            super()
            .get_queryset(request)
            .annotate(
                stale=Case(
                    When(Q(status=SnapshotStatus.COMPLETE) & Q(pk=newest), then=Exists(PendingRefresh.objects.all())),
                    When(Q(status=SnapshotStatus.COMPLETE) & Q(computed_at__lt=changed_at), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
        )

    def get_urls(self):
        urls = [
            path(
                "recompute-today/",
                self.admin_site.admin_view(self.recompute_today_view),
                name="reports_snapshot_recompute_today",
            )
        ]
        return urls + super().get_urls()

    def recompute_today_view(self, request):
        """The changelist's "recompute now" button: queue a full recompute at today's date."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_recompute_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        self._recompute_requested(request, today, services.snapshot_recompute_enqueue(as_of=today))
        return redirect("admin:reports_snapshot_changelist")

    def _recompute_requested(self, request, as_of, sent: bool) -> None:
        if sent:
            message = _(
                "已开始重新计算截止 %(as_of)s 的全部指标。计算在后台进行，通常需要几分钟；完成后新快照会以“已完成”"
                "出现在本列表中，并替换同一日期的旧快照。"
            )
            self.message_user(request, message % {"as_of": as_of.isoformat()}, messages.SUCCESS)
        else:
            self.message_user(
                request,
                _("已记录重新计算 %(as_of)s 的请求；任务队列暂时不可用，恢复后自动执行") % {"as_of": as_of},
                messages.WARNING,
            )

    @admin.display(description=_("数据是否最新"), ordering="stale")
    def stale_mark(self, obj) -> str:
        if obj.status != SnapshotStatus.COMPLETE:
            return "—"
        return _("已过期") if getattr(obj, "stale", False) else _("最新")

    @admin.display(description=_("耗时"), ordering="duration")
    def duration_text(self, obj) -> str:
        return duration_display(obj.duration)

    def has_recompute_permission(self, request) -> bool:
        """A full recompute reads and rewrites everything: national administrators only (officials.roles)."""
        return request.user.has_perm("reports.recompute_snapshot")

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "has_recompute_permission": self.has_recompute_permission(request)}
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("重新计算所选快照日期的全部指标"), permissions=["recompute"])
    def recompute_now(self, request, queryset):
        for as_of in sorted(set(queryset.values_list("as_of", flat=True))):
            self._recompute_requested(request, as_of, services.snapshot_recompute_enqueue(as_of=as_of))


@admin.register(ScopeIndicator)
class ScopeIndicatorAdmin(ReadOnlyAdmin):
    """Computed indicators, read-only; values formatted and codes named (``reports.formatting``)."""

    list_display = [
        "scope",
        "code_text",
        "name",
        "enterprise_count",
        "applications_total",
        "per_enterprise_text",
        "snapshot",
    ]
    list_filter = ["scope", "snapshot"]
    search_fields = ["code", "name"]
    list_select_related = ["snapshot"]
    readonly_fields = fields = [
        "snapshot",
        "scope",
        "code_text",
        "name",
        "enterprise_count",
        "applications_total",
        "per_enterprise_text",
        "metrics_table",
    ]

    @admin.display(description=_("代码"), ordering="code")
    def code_text(self, indicator: ScopeIndicator) -> str:
        name = scope_code_name(indicator.scope, indicator.code)
        return indicator.code if name == indicator.code else f"{name}（{indicator.code}）"

    @admin.display(description=_("企均专利申请"), ordering="applications_per_enterprise")
    def per_enterprise_text(self, indicator: ScopeIndicator) -> str:
        return value_text("applications_per_enterprise", indicator.applications_per_enterprise)

    @admin.display(description=_("指标"))
    def metrics_table(self, indicator: ScopeIndicator):
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td></tr>",
            ((key, value_text(key, value)) for key, value in indicator.metrics.items()),
        )
        return format_html('<table class="indicator-metrics">{}</table>', rows)


@admin.register(PendingRefresh)
class PendingRefreshAdmin(ReadOnlyAdmin):
    """Which enterprises have changes the newest snapshot does not show yet (drained every minute)."""

    list_display = ["enterprise_id", "enterprise_name", "requested_at"]
    ordering = ["requested_at"]

    @admin.display(description=_("企业"))
    def enterprise_name(self, obj) -> str:
        from enterprises.models import Enterprise

        # No database constraint: the enterprise may have been deleted (its rows leave the snapshot).
        name = Enterprise.objects.filter(pk=obj.enterprise_id).values_list("name", flat=True).first()
        return name or _("（已删除）")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PendingRecompute)
class PendingRecomputeAdmin(ReadOnlyAdmin):
    list_display = ["as_of", "requested_at", "dispatched_at"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DataState)
class DataStateAdmin(ReadOnlyAdmin):
    list_display = ["changed_at"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
