"""Forms of the enterprises app: the officials' import upload and the enterprise and designation forms of the admin."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imports.models import ImportRecord
from utilities.forms import CellCheckedFormMixin, CellCheckedModelForm

from .choices import DesignationStatus
from .former_names import former_name_problems
from .models import Enterprise
from .names import normalize_name
from .services import BATCH_MAX, ENTERPRISE_FIELDS, credit_code_taken_message, parse_stock_code
from .services.cells import check_past_date


class ImportUploadForm(forms.Form):
    """An enterprise file, an official MIIT batch list or a 复核 result list, with the options of the matching command."""

    kind = forms.ChoiceField(
        label=_("文件类型"),
        choices=[
            (ImportRecord.Kind.ENTERPRISES, _("企业名单（CSV 或 XLSX）")),
            (ImportRecord.Kind.DESIGNATION_LIST, _("工信部公布名单：序号、省份、企业名称（可有统一社会信用代码）")),
            (
                ImportRecord.Kind.REVIEW_RESULTS,
                _("复核结果名单：序号、省份、企业名称、复核结果（可有统一社会信用代码、复核日期、未通过原因）"),
            ),
        ],
        widget=forms.RadioSelect,
        initial=ImportRecord.Kind.ENTERPRISES,
    )
    file = forms.FileField(label=_("文件"), help_text=_("CSV（UTF-8 或 GB18030）或 XLSX 的第一个工作表"))
    batch = forms.IntegerField(
        label=_("批次"),
        min_value=1,
        max_value=BATCH_MAX,
        required=False,
        help_text=_("仅用于工信部名单；名单含“批次”列时可留空"),
    )
    status = forms.ChoiceField(
        label=_("认定状态"),
        choices=DesignationStatus.choices,
        initial=DesignationStatus.CONFIRMED,
        help_text=_("仅用于工信部名单：名单中企业的认定状态"),
    )
    reviewed_on = forms.DateField(
        label=_("复核日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("仅用于复核结果名单：“复核日期”单元格为空的行按此日期记录，单元格有日期时以单元格为准"),
    )
    ignore_unknown = forms.BooleanField(
        label=_("忽略未知列"),
        required=False,
        help_text=_("仅用于企业名单；默认未知列视为错误"),
    )

    # The fields that apply to one kind of file only: the page shows them for that kind alone
    # (static/enterprises/import_form.js); the others apply to every kind.
    KIND_FIELDS = {
        "batch": ImportRecord.Kind.DESIGNATION_LIST,
        "status": ImportRecord.Kind.DESIGNATION_LIST,
        "reviewed_on": ImportRecord.Kind.REVIEW_RESULTS,
        "ignore_unknown": ImportRecord.Kind.ENTERPRISES,
    }

    def rows(self):
        """(field, the kind of file it applies to, or "" for all) in form order, for the template."""
        return [(field, self.KIND_FIELDS.get(field.name, "")) for field in self]

    def clean_file(self):
        """Refuse a file above ``IMPORT_UPLOAD_MAX_BYTES`` before any import reads it."""
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                gettext("文件超过 %(limit)s MB 的上限（本文件 %(size)s MB），请拆分后分批导入")
                % {"limit": f"{limit / (1024 * 1024):g}", "size": f"{upload.size / (1024 * 1024):.1f}"},
                code="too_large",
            )
        return upload

    def clean_reviewed_on(self):
        """A 复核 took place on a day that has come: the importer's rule for a 复核日期 cell."""
        reviewed_on = self.cleaned_data.get("reviewed_on")
        try:
            return check_past_date(reviewed_on)
        except ValueError as problem:
            raise forms.ValidationError(str(problem)) from None

    def options(self) -> dict:
        """The service options this upload asks for, stored (as JSON) on the ImportRecord until confirmation."""
        data = self.cleaned_data
        if data["kind"] == ImportRecord.Kind.ENTERPRISES:
            return {"ignore_unknown": data["ignore_unknown"]}
        if data["kind"] == ImportRecord.Kind.REVIEW_RESULTS:
            return {"reviewed_on": data["reviewed_on"].isoformat()} if data.get("reviewed_on") else {}
        # A 复核日期 typed before switching to another kind is hidden, so it is not the user's choice.
        return {"batch": data["batch"], "status": data["status"]}


class NamesPerLineField(forms.CharField):
    """A list of names edited as text, one name per line; blank lines and repeats are dropped."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 60})

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return "\n".join(value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        names = []
        for line in text.splitlines():
            name = line.strip()
            if name and name not in names:
                names.append(name)
        return names

    def has_changed(self, initial, data) -> bool:
        return list(initial or []) != self.to_python(data)


class EnterpriseAdminForm(CellCheckedFormMixin, forms.ModelForm):
    """The admin's enterprise form: former names one per line instead of a JSON text box, and the importer's
    rules for cells (no markup, no formula; see ``utilities.forms``) and stock codes.

    ``user`` (set by the admin's ``get_form``) decides how a credit code that is already taken is refused:
    precisely when the user may see the enterprise bearing it, in words that reveal nothing otherwise.
    """

    user = None

    former_names = NamesPerLineField(
        label=Enterprise._meta.get_field("former_names").verbose_name,
        required=False,
        help_text=_("每行一个名称"),
    )

    class Meta:
        model = Enterprise
        # The admin's fieldsets decide what is shown; the form knows every editable field: the enterprise
        # columns of an enterprise file, so the admin and the import edit the same data.
        fields = list(ENTERPRISE_FIELDS)

    def clean_former_names(self) -> list[str]:
        """Names added here must not be another enterprise's current name (``enterprises.former_names``);
        names stored before are left alone, so an old clash does not block unrelated edits."""
        names = self.cleaned_data.get("former_names") or []
        stored = {normalize_name(name) for name in self.instance.former_names or []}
        added = [name for name in names if normalize_name(name) not in stored]
        problems = former_name_problems(added, enterprise_pk=self.instance.pk)
        if problems:
            raise forms.ValidationError(problems)
        return names

    def clean_stock_code(self) -> str:
        try:
            return parse_stock_code(self.cleaned_data.get("stock_code") or "")
        except ValueError as problem:
            raise forms.ValidationError(str(problem)) from None

    def validate_unique(self) -> None:
        super().validate_unique()
        code = self.instance.credit_code  # add_error took it out of cleaned_data
        if not code or "credit_code" not in self.errors:
            return
        holder = Enterprise.objects.filter(credit_code=code).exclude(pk=self.instance.pk).first()
        if holder is None:
            return
        precise = self.errors["credit_code"][0]
        message = credit_code_taken_message(user=self.user, holder=holder, precise=precise)
        self.errors["credit_code"] = self.error_class([message])


class DesignationAdminForm(CellCheckedModelForm):
    """A designation in the admin (its page and the enterprise's inline): the importer's cell rules."""
