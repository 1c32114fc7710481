"""The workbench pages of the admin site (registered by ``WorkbenchConfig.ready``): thin, over selectors."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from enterprises.validity import VALID_YEARS
from regions.selectors import division_name
from reports.selectors import snapshots_stale_for
from reports.services import snapshots_stale_enqueue
from utilities.scoping import user_province_codes

from .selectors import CHANGES_SINCE, workbench_for

# Who may ask for stale snapshots to be recomputed: whoever curates data (provincial and national roles).
QUEUE_PERMISSION = "enterprises.change_enterprise"


@require_safe
def workbench_view(request):
    """工作台: what falls due in the official's provinces, each item a count and a link to where it is done."""
    bench = workbench_for(request.user)
    context = {
        **admin.site.each_context(request),
        "title": _("工作台"),
        "bench": bench,
        "province_names": [division_name(province) for province in bench.provinces],
        "valid_years": VALID_YEARS,
        # The indicators' population rule for lapsed designations (reports.sql.measures.population).
        "exclude_lapsed": settings.INDICATORS_EXCLUDE_LAPSED,
        "changes_days": CHANGES_SINCE.days,
        "may_queue": request.user.has_perm(QUEUE_PERMISSION),
    }
    return TemplateResponse(request, "workbench/workbench.html", context)


def stale_recompute_view(request):
    """POST: recompute the older snapshots that changes in the official's provinces made stale (the outbox)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    codes = user_province_codes(request.user)
    if not request.user.has_perm(QUEUE_PERMISSION) or codes == frozenset():
        raise PermissionDenied
    dates = snapshots_stale_enqueue(snapshots=snapshots_stale_for(province_codes=codes))
    if dates:
        messages.success(
            request,
            _("已请求重新计算截止 %(dates)s 的快照，完成后“已过期”标记消失。")
            % {"dates": "、".join(day.isoformat() for day in dates)},
        )
    else:
        messages.info(request, _("没有需要重新计算的过期快照（或已在等待计算）。"))
    return redirect("admin:workbench")
