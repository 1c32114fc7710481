"""Stored indicator results (科创力指标): snapshots, per-enterprise measures and scope indicators.

Following the Zulip-analytics idea, the definitions live in code (``reports/metrics.py``, computed in SQL
by ``reports/rollups.py``) and the results are rows: one ``Snapshot`` per computation, one
``EnterpriseMeasure`` per population member and one ``ScopeIndicator`` per (scope, code). Pages and the
API only ever read these rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import YEAR_SPAN, Scope, SnapshotStatus


class Snapshot(models.Model):
    """One computation of every indicator at a cut-off date (截止日期 ``as_of``).

    A snapshot becomes visible to readers only when ``complete``. Several snapshots may exist for one
    ``as_of`` (a running or failed attempt next to the complete one), but at most one of them is complete:
    a recompute replaces the previous complete snapshot in the transaction that completes it.
    """

    as_of = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=10, choices=SnapshotStatus.choices, default=SnapshotStatus.RUNNING)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    duration = models.DurationField(_("耗时"), null=True, blank=True)
    # When the full run read the data. Incremental refreshes do not move it: a refresh brings a few
    # enterprises up to date, not the whole snapshot. Whether anything is still missing is exact: the
    # pending refreshes (PendingRefresh) of the newest snapshot, see selectors.snapshot_is_stale.
    computed_at = models.DateTimeField(_("数据读取时间"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("最近增量更新"), null=True, blank=True)
    enterprise_count = models.PositiveIntegerField(_("企业数"), default=0)
    patent_count = models.PositiveIntegerField(_("专利数"), default=0, help_text=_("公开日不晚于截止日期的专利"))
    scope_count = models.PositiveIntegerField(_("统计口径数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    task_id = models.CharField(_("任务"), max_length=64, blank=True)

    class Meta:
        ordering = ["-as_of", "-started_at"]
        verbose_name = _("指标快照")
        verbose_name_plural = pgettext_lazy("plural", "指标快照")
        # A full recompute reads every row and replaces every number: national administrators only.
        permissions = [("recompute_snapshot", _("可以启动全量重新计算"))]
        constraints = [
            models.UniqueConstraint(
                fields=["as_of"],
                condition=models.Q(status=SnapshotStatus.COMPLETE),
                name="snapshot_one_complete_per_as_of",
            ),
        ]
        indexes = [models.Index(fields=["status", "as_of"], name="snapshot_status_as_of_idx")]

    def __str__(self) -> str:
        return f"{self.as_of:%Y-%m-%d} · {self.get_status_display()} (#{self.pk})"

    @property
    def data_read_at(self):
        """When the numbers last changed: the computation, or the newest incremental refresh since.

        A refresh rewrites some rows of this snapshot without moving ``computed_at`` (which says how
        fresh the whole run is); page caches, ETags and kept report PDFs key on this instead, so that
        they change whenever the numbers do.
        """
        return self.refreshed_at or self.computed_at

    @property
    def years(self) -> list[int]:
        """The calendar years of the stored series, oldest first, ending with ``as_of``'s year."""
        return list(range(self.as_of.year - YEAR_SPAN + 1, self.as_of.year + 1))


class EnterpriseMeasure(models.Model):
    """The per-enterprise measures of metrics.md for one population member in one snapshot.

    Region, cluster, industry, board, batch, employees and financing are copied from the enterprise at
    computation time, so that every scope roll-up reads this table alone and old snapshots keep the
    grouping they were computed with. Year series are columns ``applications_y0`` … ``applications_y9``
    (``y9`` = ``as_of``'s year) so that roll-ups are plain ``SUM``s.
    """

    # No index of its own: the unique (snapshot, enterprise) index serves every lookup by snapshot. Right
    # after a recompute the statistics do not know the new snapshot's id yet, and the planner took this
    # index for "one row" and filtered its 12,000 rows for each enterprise of the list page (33 s).
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="measures", verbose_name=_("快照"), db_index=False
    )
    # No database constraint: a snapshot is a historical record and keeps its rows when an enterprise is
    # deleted later (the next refresh removes it from the current snapshot).
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        # For the enterprise list's join with one snapshot's rows (a FilteredRelation needs the name).
        related_name="snapshot_measures",
        verbose_name=_("企业"),
    )
    province_code = models.CharField(_("省份代码"), max_length=6)
    city_code = models.CharField(_("城市代码"), max_length=6, null=True, blank=True)
    cluster = models.CharField(_("城市群"), max_length=3, blank=True)
    industry_field = models.CharField(_("产业领域"), max_length=20, blank=True)
    board = models.CharField(_("上市板块"), max_length=20, help_text=_("未上市为 unlisted"))
    batch = models.PositiveSmallIntegerField(_("批次"))
    employees = models.PositiveIntegerField(_("参保人数"), null=True, blank=True)
    primary_financing = models.BooleanField(_("一级市场融资"), null=True, blank=True)

    applications = models.PositiveIntegerField(_("专利申请"), default=0)
    invention_applications = models.PositiveIntegerField(_("发明申请"), default=0)
    granted_inventions = models.PositiveIntegerField(_("发明授权"), default=0)
    valid_inventions = models.PositiveIntegerField(_("有效发明"), default=0)
    citations = models.BigIntegerField(_("被引次数"), default=0)
    licenses = models.BigIntegerField(_("许可次数"), default=0)
    transfers = models.BigIntegerField(_("转让次数"), default=0)
    pct_applications = models.PositiveIntegerField(_("PCT申请"), default=0)
    overseas_markets = models.PositiveIntegerField(_("海外布局市场数"), default=0)

    class Meta:
        verbose_name = _("企业指标")
        verbose_name_plural = pgettext_lazy("plural", "企业指标")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "enterprise"], name="measure_one_row_per_enterprise"),
        ]
        indexes = [
            # Enterprise pages: percentile rank within the industry.
            models.Index(fields=["snapshot", "industry_field", "applications"], name="measure_industry_idx"),
            # Region pages: a province's, city's or cluster's members (representative enterprises), without
            # reading the whole snapshot.
            models.Index(fields=["snapshot", "province_code"], name="measure_province_idx"),
            models.Index(fields=["snapshot", "city_code"], name="measure_city_idx"),
            models.Index(fields=["snapshot", "cluster"], name="measure_cluster_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.enterprise_id} @ {self.snapshot_id}"

    def applications_by_year(self) -> dict[int, int]:
        return {year: getattr(self, f"applications_y{i}") for i, year in enumerate(self.snapshot.years)}

    def pct_by_year(self) -> dict[int, int]:
        return {year: getattr(self, f"pct_y{i}") for i, year in enumerate(self.snapshot.years)}


# applications_in_year / pct_in_year of metrics.md, one column per year of the window.
for _i in range(YEAR_SPAN):
    EnterpriseMeasure.add_to_class(f"applications_y{_i}", models.PositiveIntegerField(default=0))
    EnterpriseMeasure.add_to_class(f"pct_y{_i}", models.PositiveIntegerField(default=0))
del _i

YEAR_COLUMNS = [f"applications_y{i}" for i in range(YEAR_SPAN)] + [f"pct_y{i}" for i in range(YEAR_SPAN)]


class ScopeIndicator(models.Model):
    """The indicators of metrics.md for one scope and code (e.g. province 320000) in one snapshot.

    ``metrics`` holds exactly the keys of metrics.md; the columns beside it repeat a few of them so that
    lists can be sorted and filtered without reading JSON.
    """

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("快照"))
    scope = models.CharField(_("统计口径"), max_length=10, choices=Scope.choices)
    code = models.CharField(_("代码"), max_length=20)
    name = models.CharField(_("名称"), max_length=60)
    enterprise_count = models.PositiveIntegerField(_("企业数"), default=0)
    applications_total = models.BigIntegerField(_("专利申请总量"), default=0)
    applications_per_enterprise = models.FloatField(_("企均专利申请"), null=True, blank=True)
    metrics = models.JSONField(_("指标"), default=dict)
    # Chart 2.2's 专精特新中小企业 column (reports.sme), read with the other figures in the run's transaction so
    # that a report of this snapshot agrees with itself. Null: computed before the column was stored, or
    # the data holds no SME programme; the report then prints the reference value.
    sme = models.JSONField(_("专精特新中小企业"), null=True, blank=True)

    class Meta:
        ordering = ["scope", "code"]
        verbose_name = _("口径指标")
        verbose_name_plural = pgettext_lazy("plural", "口径指标")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "scope", "code"], name="indicator_one_row_per_scope_code"),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.code} {self.name}"


class DataState(models.Model):
    """When the population or its patent links last changed (a single row, pk 1).

    Bumped once per committed transaction by the receivers in ``reports/receivers.py``. Refreshes only
    keep the newest snapshot up to date, so an older snapshot whose ``computed_at`` is before this is
    *stale* (shown in the admin); the newest one is stale while refreshes are pending for it.
    """

    changed_at = models.DateTimeField(_("数据变更时间"))

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = pgettext_lazy("plural", "数据版本")

    def __str__(self) -> str:
        return f"{self.changed_at:%Y-%m-%d %H:%M:%S}"


class PendingRefresh(models.Model):
    """An enterprise whose data changed and whose measures in the newest snapshot are not refreshed yet.

    The outbox of refresh requests (``reports/outbox.py``): written in the same transaction as the
    change, so a request is never lost, whatever happens to the broker or a worker afterwards; deleted
    in the transaction that refreshes the enterprise, only if no newer change came meanwhile (``token``).
    No database constraint on the enterprise: a deleted enterprise is refreshed out of the snapshot.
    """

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="+",
        verbose_name=_("企业"),
    )
    requested_at = models.DateTimeField(_("请求时间"))
    # Renewed by every change: a refresh deletes the request only if the token it read is still there.
    token = models.UUIDField(_("版本"))

    class Meta:
        verbose_name = _("待更新企业")
        verbose_name_plural = pgettext_lazy("plural", "待更新企业")

    def __str__(self) -> str:
        return f"#{self.enterprise_id} @ {self.requested_at:%Y-%m-%d %H:%M:%S}"


class PendingRecompute(models.Model):
    """A full recompute asked for (admin, command, nightly schedule, or a dead run to redo), not done yet.

    Deleted in the transaction that completes a snapshot of that date; ``dispatched_at`` says when the
    outbox drain last handed it to the broker (it is handed again if no run completes it in time).
    """

    as_of = models.DateField(_("截止日期"), primary_key=True)
    requested_at = models.DateTimeField(_("请求时间"))
    dispatched_at = models.DateTimeField(_("派发时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待重新计算")
        verbose_name_plural = pgettext_lazy("plural", "待重新计算")

    def __str__(self) -> str:
        return f"{self.as_of:%Y-%m-%d}"
