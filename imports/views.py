"""The admin's import pages as class-based views: upload → preview → confirm or cancel, and revert.

As NetBox's generic bulk views are, they know the workflow and none of the data: the owning app's
``ModelAdmin`` mounts them in its ``get_urls`` (wrapped by ``admin_site.admin_view``, so login, the second
factor and CSRF are the admin's) and passes itself as ``model_admin``. From it they take the page's
site context and options, its permissions (``has_import_permission(request, kind=None)``) and the
refusal of a file whose counts the user may not write (``import_refusal(request, kind, counts)``).
"""

from pathlib import Path

from django.contrib import messages
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from utilities.history import RevertRefused
from utilities.scoping import user_province_codes
from utilities.tabular import FileRejected

from .models import ImportRecord
from .previews import PREVIEW_LIFETIME, import_cancel, import_confirm, import_preview, import_previews_expire
from .records import import_counts_words
from .reverts import import_revert, import_revert_plan, may_revert

# The preview lists at most this many rows to create or update; the counts always cover every row.
PREVIEW_ROW_LIMIT = 500


class AdminPageView(View):
    """A page of the admin outside a model's standard pages, for ``model_admin``'s model."""

    model_admin = None
    title = ""
    template_name = ""

    def context(self, **extra) -> dict:
        errors = extra.get("errors")
        if errors is not None:
            extra["hidden_errors"] = errors.total - len(errors.errors)
        return {
            **self.model_admin.admin_site.each_context(self.request),
            "opts": self.model_admin.model._meta,
            "title": self.title,
            "row_limit": PREVIEW_ROW_LIMIT,
            **extra,
        }

    def render(self, template_name: str | None = None, **extra) -> TemplateResponse:
        return TemplateResponse(self.request, template_name or self.template_name, self.context(**extra))

    def url_name(self, suffix: str) -> str:
        return admin_urlname(self.model_admin.model._meta, suffix)


class ImportHelpView(AdminPageView):
    """The file formats and indicators, in the project's own words, next to the import form."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not self.model_admin.has_view_permission(request):
            raise PermissionDenied
        return self.render()

    post = get  # as the admin's pages answer POST: permission first, then the page


class ImportSampleView(AdminPageView):
    """Small sample files an official can try the import with: only the named ones, from one folder."""

    samples_dir: Path | None = None
    sample_files: tuple[str, ...] = ()
    # (name, the user's province codes) -> the file generated for those provinces, or None for the static one.
    sample_for = None

    def get(self, request: HttpRequest, name: str) -> HttpResponse:
        if not self.model_admin.has_view_permission(request) or name not in self.sample_files:
            raise Http404
        generated = self.sample_for(name, user_province_codes(request.user)) if self.sample_for else None
        if generated is not None:
            return HttpResponse(
                generated,
                content_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        return FileResponse((self.samples_dir / name).open("rb"), as_attachment=True, filename=name)

    post = get


class ImportUploadView(AdminPageView):
    """The upload form, and its preview: the import service run dry, so what is previewed is what is written."""

    form_class = None
    preview_template_name = ""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not self.model_admin.has_import_permission(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(form=self.form_class())

    def post(self, request: HttpRequest) -> HttpResponse:
        # An empty POST shows the empty form again, as a GET does, rather than its "required" errors.
        form = self.form_class(request.POST or None, request.FILES or None)
        if not form.is_valid():
            return self.render(form=form)
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        if not self.model_admin.has_import_permission(request, kind):
            raise PermissionDenied
        try:
            outcome = import_preview(
                kind=kind, stream=upload.file, file_name=upload.name, options=form.options(), user=request.user
            )
        except FileRejected as rejected:
            return self.render(self.preview_template_name, file_name=upload.name, errors=rejected.report, record=None)
        refusal = self.model_admin.import_refusal(request, kind, outcome.counts)
        if refusal:
            import_cancel(record=outcome.record, user=request.user)
            self.model_admin.message_user(request, refusal, messages.ERROR)
            return redirect(self.url_name("import"))
        return self.render(
            self.preview_template_name,
            record=outcome.record,
            file_name=upload.name,
            counts=import_counts_words(outcome.counts),
            changes=[change for change in outcome.changes if change.action != "unchanged"][:PREVIEW_ROW_LIMIT],
            unchanged=outcome.unchanged_rows,
        )


class ImportDecisionView(ImportUploadView):
    """Confirm or cancel one's own preview (POST); what GET shows is the model's list."""

    def get(self, request: HttpRequest, record_id: int) -> HttpResponse:
        self.own_preview(record_id)  # another user's id answers like an unknown one, as for POST
        return redirect(self.url_name("changelist"))

    def own_preview(self, record_id: int) -> ImportRecord:
        kinds = [value for value, _label in self.form_class.base_fields["kind"].choices]
        return get_object_or_404(ImportRecord, pk=record_id, imported_by=self.request.user, kind__in=kinds)

    def post(self, request: HttpRequest, record_id: int) -> HttpResponse:
        record = self.own_preview(record_id)
        if record.outcome == ImportRecord.Outcome.PREVIEWED and record.started_at < timezone.now() - PREVIEW_LIFETIME:
            import_previews_expire()
            record.refresh_from_db()
        if record.outcome != ImportRecord.Outcome.PREVIEWED:
            self.model_admin.message_user(request, closed_message(record), messages.WARNING)
            return redirect(admin_urlname(ImportRecord._meta, "change"), record.pk)
        if "cancel" in request.POST:
            import_cancel(record=record, user=request.user)
            self.model_admin.message_user(request, _("已取消导入，未写入任何数据。"), messages.INFO)
            return redirect(self.url_name("changelist"))
        refusal = self.model_admin.import_refusal(request, record.kind, record.counts or {})
        if refusal or not self.model_admin.has_import_permission(request, record.kind):
            raise PermissionDenied
        try:
            outcome = import_confirm(record=record, user=request.user)
        except FileRejected as rejected:
            return self.render(
                self.preview_template_name, file_name=record.file_name, errors=rejected.report, record=None
            )
        words = "，".join(import_counts_words(outcome.counts)) or "—"
        self.model_admin.message_user(request, _("已导入：%(counts)s") % {"counts": words}, messages.SUCCESS)
        # The official lands on the record of what was just imported (its counts, and its revert from there).
        return redirect(admin_urlname(ImportRecord._meta, "change"), record.pk)


def closed_message(record: ImportRecord) -> str:
    """Why a preview can no longer be confirmed."""
    if record.outcome == ImportRecord.Outcome.APPLIED:
        return _("这个文件已经导入，不能再次确认。")
    if record.outcome == ImportRecord.Outcome.CANCELLED and (record.options or {}).get("expired"):
        return _("这次预览已过期（上传后一天内未确认），请重新上传文件。")
    if record.outcome == ImportRecord.Outcome.CANCELLED:
        return _("这次导入已取消，请重新上传文件。")
    return _("这次导入已被拒绝，请修正文件后重新上传。")


class ImportRevertView(AdminPageView):
    """Preview what reverting an import does (or why it cannot), then revert it on confirmation (POST)."""

    title = _("撤销一次导入")
    template_name = "admin/enterprises/importrecord/revert.html"

    def get(self, request: HttpRequest, record_id: int) -> HttpResponse:
        return self.revert(request, record_id, write=False)

    def post(self, request: HttpRequest, record_id: int) -> HttpResponse:
        return self.revert(request, record_id, write=True)

    def revert(self, request: HttpRequest, record_id: int, *, write: bool) -> HttpResponse:
        record = self.model_admin.get_queryset(request).filter(pk=record_id).first()
        if record is None:
            raise Http404
        if not may_revert(request.user, record):
            raise PermissionDenied
        try:
            steps, reasons = import_revert_plan(record=record, user=request.user), []
        except RevertRefused as refused:
            steps, reasons = [], refused.reasons
        if write and not reasons:
            try:
                revert = import_revert(record=record, user=request.user)
            except RevertRefused as refused:
                reasons = refused.reasons
            else:
                for line in import_counts_words(revert.counts):
                    self.model_admin.message_user(request, line, messages.SUCCESS)
                return redirect(self.url_name("change"), revert.pk)
        return self.render(
            record=record,
            steps=steps[:PREVIEW_ROW_LIMIT],
            hidden_steps=max(0, len(steps) - PREVIEW_ROW_LIMIT),
            deletes=sum(1 for step in steps if step.action == "delete"),
            restores=sum(1 for step in steps if step.action == "restore"),
            reasons=reasons,
        )


def moved_record_pages(request: HttpRequest) -> HttpResponse:
    """The record pages moved with the model (#24): /admin/enterprises/importrecord/… answers with a
    permanent redirect to /admin/imports/importrecord/…, so officials' bookmarks and links keep working.

    Only the path's app label changes: the rest of the path and the query go along, and the new page does
    its own login and permission checks.
    """
    target = request.path.replace("/enterprises/importrecord/", "/imports/importrecord/", 1)
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
