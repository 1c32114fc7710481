"""The audit trail of data imports: one ImportRecord per attempt, whatever its outcome."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from utilities.scoping import RestrictedQuerySet


class ImportRecordQuerySet(RestrictedQuerySet):
    def province_filter(self, codes, *, user, action):
        """A record is its importer's, and anyone's whose provinces cover every province its file named."""
        touched = ImportRecord.provinces.through.objects.filter(importrecord=models.OuterRef("pk"))
        inside = models.Exists(touched.filter(province_id__in=codes)) & ~models.Exists(
            touched.exclude(province_id__in=codes)
        )
        own = models.Q(imported_by=user) if getattr(user, "pk", None) else models.Q(pk__in=[])
        return own | models.Q(inside)


class ImportRecord(models.Model):
    """Who imported which file, when, with what outcome: the audit trail of every data import.

    Written for every import attempt (command, admin upload) of enterprise files, patent files and official
    MIIT batch lists, including rejected files and dry runs, so an official can answer "where did this row
    come from?".
    """

    class Kind(models.TextChoices):
        ENTERPRISES = "enterprises", _("企业名单")
        PATENTS = "patents", _("专利数据")
        DESIGNATION_LIST = "designation_list", _("工信部公布名单")
        REVIEW_RESULTS = "review_results", _("复核结果名单")
        REVERT = "revert", _("撤销导入")

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("已导入")
        DRY_RUN = "dry_run", _("试运行")
        PREVIEWED = "previewed", _("待确认")
        CANCELLED = "cancelled", _("已取消")
        REJECTED = "rejected", _("已拒绝")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("文件大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    options = models.JSONField(_("选项"), default=dict, blank=True)
    counts = models.JSONField(_("计数"), default=dict, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    errors = models.JSONField(_("错误（前200条）"), default=list, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入人"),
    )
    via = models.CharField(_("途径"), max_length=20, default="command")
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # How records of one import link up. An admin upload is two records: its preview (the attempt the
    # official sees) names the run that wrote the data (applied_record), which names it back
    # (preview_record). A revert names the import it undid (reverts); that import, both records of an
    # upload, names the revert (reverted_by). PROTECT: an audit trail does not lose a link by a deletion,
    # it refuses the deletion (nothing deletes records; a person trying to must see why not).
    applied_record = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("写入数据的导入")
    )
    preview_record = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("确认的预览")
    )
    reverts = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("撤销的导入")
    )
    reverted_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("撤销记录")
    )
    # Every province a row of the file names: who may see the record (utilities.scoping) follows from it.
    provinces = models.ManyToManyField("regions.Province", blank=True, related_name="+", verbose_name=_("涉及省份"))

    objects = ImportRecordQuerySet.as_manager()

    class Meta:
        # The model moved here from the enterprises app (#24) without moving its rows: the table, and with
        # it the provinces' many-to-many table, keep their names.
        db_table = "enterprises_importrecord"
        ordering = ["-started_at"]
        verbose_name = _("导入记录")
        verbose_name_plural = pgettext_lazy("plural", "导入记录")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} · {self.get_outcome_display()}"
