"""The admin's history pages: the channel of every change, and reverting one change after a preview."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .history import Channel, RevertRefused, change_revert, change_revert_plan, value_display
from .scoping import CHANGE, restrict


class ChangeHistoryAdminMixin:
    """For a SimpleHistoryAdmin: a channel column and a "撤销此修改" link on every change in the history."""

    history_list_display = ["channel_text", "revert_link"]

    @staticmethod
    def _channel_words(record) -> str:
        channel = getattr(record, "history_channel", "")
        words = str(Channel(channel).label) if channel in Channel.values else channel
        if getattr(record, "history_import_record_id", None):
            url = reverse("admin:enterprises_importrecord_change", args=[record.history_import_record_id])
            return format_html('{} <a href="{}">#{}</a>', words, url, record.history_import_record_id)
        return words

    def channel_text(self, record):
        return self._channel_words(record)

    channel_text.short_description = _("途径")

    def revert_link(self, record):
        if record.history_type != "~":
            return ""
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_revert_change", args=[record.id, record.history_id])
        return format_html('<a href="{}">{}</a>', url, _("撤销此修改"))

    revert_link.short_description = _("撤销")

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/history/<int:history_id>/revert/",
                self.admin_site.admin_view(self.revert_change_view),
                name=f"{opts.app_label}_{opts.model_name}_revert_change",
            ),
            *super().get_urls(),
        ]

    def revert_change_view(self, request, object_id, history_id):
        """GET: what the revert will write (or why it cannot); POST: write it."""
        obj = self.get_queryset(request).filter(pk=unquote(object_id)).first()
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        record = self.model.history.filter(history_id=history_id, id=obj.pk).first()
        if record is None:
            raise Http404
        opts = self.model._meta
        history_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        try:
            plan = change_revert_plan(obj, record)
        except RevertRefused as refused:
            plan, reasons = [], refused.reasons
        else:
            reasons = []
        if request.method == "POST" and not reasons:
            try:
                with transaction.atomic():
                    change_revert(obj, record, user=request.user)
                    # Reverting must not put the object where the user may not (another province).
                    if not restrict(self.model._default_manager.filter(pk=obj.pk), request.user, CHANGE).exists():
                        raise RevertRefused([_("撤销后这条记录将不在您负责的省份内，不能撤销。")])
            except RevertRefused as refused:
                reasons = refused.reasons
            except ValidationError as invalid:
                reasons = [*invalid.messages]
            else:
                self.message_user(request, _("已撤销这次修改。"), messages.SUCCESS)
                return redirect(history_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "object": obj,
            "record": record,
            "channel": self._channel_words(record),
            "title": _("撤销一次修改"),
            "rows": [
                (field.verbose_name, value_display(field, now), value_display(field, then)) for field, now, then in plan
            ],
            "reasons": reasons,
            "history_url": history_url,
        }
        return TemplateResponse(request, "admin/revert_change.html", context)
