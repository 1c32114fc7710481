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
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .history import (
    CHANGE_REVERT_REASON,
    IMPORT_REASON,
    IMPORT_REVERT_REASON,
    Channel,
    RevertRefused,
    change_revert,
    change_revert_plan,
    history_who,
    value_display,
)
from .scoping import CHANGE, may_act_on, restrict


def reason_display(reason: str | None) -> str:
    """A history row's reason as an official reads it, in their language: "—" when none was given; the
    reasons the code writes (an import, its revert, a change's revert) translated, naming the import
    record as a link; a reason a person typed as it was typed."""
    if not reason:
        return "—"
    if match := IMPORT_REASON.match(reason):
        return format_html(
            gettext("导入 {file_name}（{record}）"), file_name=match["file_name"], record=_record_link(match)
        )
    if match := IMPORT_REVERT_REASON.match(reason):
        return format_html(gettext("撤销{record}"), record=_record_link(match))
    if match := CHANGE_REVERT_REASON.match(reason):
        return gettext("撤销修改 #%(history_id)s") % {"history_id": match["history_id"]}
    return reason


def _record_link(match) -> str:
    url = reverse("admin:imports_importrecord_change", args=[int(match["pk"])])
    return format_html('<a href="{}">{}</a>', url, gettext("导入记录 #%(pk)s") % {"pk": match["pk"]})


class ChangeHistoryAdminMixin:
    """For a SimpleHistoryAdmin (with ScopedAdminMixin): a channel column and a "撤销此修改" link on every
    change in the history, and the stock "revert to this version" page made read-only (no form, no write)."""

    history_list_display = ["channel_text", "reason_text", "revert_link"]
    object_history_list_template = "admin/change_history_list.html"

    @staticmethod
    def _channel_words(record) -> str:
        channel = getattr(record, "history_channel", "")
        words = str(Channel(channel).label) if channel in Channel.values else channel
        if getattr(record, "history_import_record_id", None):
            url = reverse("admin:imports_importrecord_change", args=[record.history_import_record_id])
            return format_html('{} <a href="{}">#{}</a>', words, url, record.history_import_record_id)
        return words

    def channel_text(self, record):
        return self._channel_words(record)

    channel_text.short_description = _("途径")

    def reason_text(self, record):
        """Why, as the official reads it: "—" when none was given, an import's or a revert's as a link."""
        return reason_display(record.history_change_reason)

    reason_text.short_description = _("原因")

    def revert_link(self, record):
        if record.history_type != "~":
            return ""
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_revert_change", args=[record.id, record.history_id])
        return format_html('<a href="{}">{}</a>', url, _("撤销此修改"))

    revert_link.short_description = _("撤销修改")

    def revert_disabled(self, request, obj=None) -> bool:
        """simple-history's "revert to this version" is off (``history_form_view``): changes are undone one at
        a time, by the "撤销此修改" link, so its page must not invite choosing a date to revert to."""
        return True

    def render_history_view(self, request, template, context, **kwargs):
        """The columns' labels, and each row's cells in their order, for ``change_history_list.html``."""
        columns = list(self.get_history_list_display(request))
        context["history_columns"] = [getattr(getattr(self, name, None), "short_description", name) for name in columns]
        for record in context["page_obj"].object_list:
            record.who_text = history_who(record)
            record.history_cells = [getattr(record, name, "") for name in columns]
        return super().render_history_view(request, template, context, **kwargs)

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

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """django-simple-history's "revert to this version" page, made unable to write.

        The stock page saves whatever is posted to it and checks only view permission (and the
        ``SIMPLE_HISTORY_REVERT_DISABLED`` setting only hides its button): an analyst could rename an
        enterprise or move it to another province through it. Changes are undone only through
        ``revert_change_view``, which previews, and checks change permission and scope. So: any method
        but GET/HEAD is refused outright (403, whoever asks, before anything is looked up); a GET is sent
        to the object's history page, with the checks of that page (404 outside the user's provinces).
        """
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        self._require_in_scope(request, object_id)  # ScopedAdminMixin: 404 outside the user's provinces
        opts = self.model._meta
        found = str(version_id).isdigit() and (
            self.model.history.filter(**{opts.pk.attname: unquote(object_id), "history_id": version_id}).exists()
        )
        if not found:
            raise Http404
        if not self.has_view_history_or_change_history_permission(request):
            raise PermissionDenied
        return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[unquote(object_id)]))

    def revert_change_view(self, request, object_id, history_id):
        """GET: what the revert will write (or why it cannot); POST: write it.

        Change permission and change scope are checked on the object as it is, and again on the object
        as the revert leaves it (inside the transaction, which a refusal rolls back).
        """
        obj = self.get_queryset(request).filter(pk=unquote(object_id)).first()
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj) or not may_act_on(request.user, obj, CHANGE):
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
