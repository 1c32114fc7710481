"""Rendered report PDFs, kept per snapshot, region and language (渲染好的报告).

A report is a pure function of a snapshot's rows, so its PDF is rendered once and served as a file. The
row remembers the snapshot's ``data_read_at`` it was rendered from: an incremental refresh of the snapshot
moves it, and a kept PDF from before it is stale and rendered again on request.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reports.models import Snapshot

from .choices import ReferenceGroup, ReferenceMeasure


def report_upload_to(instance: "RenderedReport", filename: str) -> str:
    # Keyed by snapshot id: pruning a snapshot removes its directory's files (receivers.py).
    return f"reports/{instance.snapshot_id}/{instance.scope}-{instance.code}-{instance.language}.pdf"


class RenderedReport(models.Model):
    """The PDF of one region's report (scope, code) in one language, rendered from one snapshot."""

    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="rendered_reports", verbose_name=_("快照")
    )
    scope = models.CharField(_("统计口径"), max_length=10)
    code = models.CharField(_("代码"), max_length=20)
    language = models.CharField(_("语言"), max_length=10)
    computed_at = models.DateTimeField(_("数据读取时间"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to=report_upload_to, max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    pages = models.PositiveIntegerField(_("页数"), default=0)
    rendered_at = models.DateTimeField(_("渲染时间"), auto_now=True)
    duration = models.DurationField(_("耗时"), null=True, blank=True)

    class Meta:
        verbose_name = _("渲染好的报告")
        verbose_name_plural = pgettext_lazy("plural", "渲染好的报告")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "scope", "code", "language"], name="rendered_report_one_per_region_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope}/{self.code} · {self.language} @ {self.snapshot_id}"

    @property
    def is_fresh(self) -> bool:
        """Rendered from the snapshot's current data (no refresh since)."""
        return self.computed_at == self.snapshot.data_read_at


class ReferenceFigure(models.Model):
    """A published figure for a group the portal does not hold as data (科创板 firms, 单项冠军, national
    totals …), with its source and date.

    The report shows these beside its live figures, always with their source in a note and never summed
    into them. A national administrator adds a row with a newer ``as_of`` when a newer source appears; a
    report reads the newest row of each (group, measure) not after its own date. ``source_en`` is the
    source as English reports cite it (a translated title); Chinese reports, and English ones when it is
    empty, cite ``source``.
    """

    group = models.CharField(_("对象"), max_length=20, choices=ReferenceGroup.choices)
    measure = models.CharField(_("指标"), max_length=40, choices=ReferenceMeasure.choices)
    value = models.DecimalField(
        _("数值"), max_digits=18, decimal_places=6, help_text=_("占比和比率填小数（45.4%填0.454）")
    )
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    source = models.CharField(_("来源"), max_length=300)
    source_en = models.CharField(
        _("来源（英文）"), max_length=300, blank=True, help_text=_("英文报告引用的来源；留空则英文报告也用中文来源")
    )
    as_of = models.DateField(_("截止日期"), help_text=_("数值所对应的日期"))

    class Meta:
        verbose_name = _("参考数据")
        verbose_name_plural = pgettext_lazy("plural", "参考数据")
        ordering = ["group", "measure", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["group", "measure", "as_of"], name="reference_one_per_group_measure_date")
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()} · {self.get_measure_display()} @ {self.as_of}"
