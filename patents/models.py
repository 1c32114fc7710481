"""Patents (专利) and the applicants printed on them, linked to enterprises where we can."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from utilities.fields import CodeField
from utilities.history import ChannelHistoryBase
from utilities.scoping import RestrictedQuerySet

from .choices import HOME_OFFICE, LegalStatus, PatentType


def _applicants_in(codes):
    return PatentApplicant.objects.filter(enterprise__province_id__in=codes)


class PatentQuerySet(RestrictedQuerySet):
    def province_filter(self, codes, *, user, action):
        """A patent belongs to every province of an enterprise linked as one of its applicants."""
        return models.Q(models.Exists(_applicants_in(codes).filter(patent=models.OuterRef("pk"))))


class PatentApplicantQuerySet(RestrictedQuerySet):
    def province_filter(self, codes, *, user, action):
        """An applicant belongs to its enterprise's province; an unmatched one to its co-applicants'."""
        co_applicant = models.Exists(_applicants_in(codes).filter(patent=models.OuterRef("patent")))
        return models.Q(enterprise__province_id__in=codes) | (
            models.Q(enterprise__isnull=True) & models.Q(co_applicant)
        )


class Patent(models.Model):
    """One patent application at one office (jurisdiction), identified by its first publication number.

    A ``WO`` jurisdiction is a PCT international application; any other office than ``CN`` and ``WO`` is an
    overseas market. ``legal_status`` is today's status, whatever snapshot date the indicators use.
    """

    publication_number = CodeField(_("公开号"), max_length=32, unique=True)
    application_number = CodeField(_("申请号"), max_length=40)
    # No index of its own: a handful of office codes over millions of rows, CN nearly all of them; the
    # partial index below serves lists of another office.
    jurisdiction = CodeField(_("受理局"), max_length=2)
    patent_type = models.CharField(_("专利类型"), max_length=16, choices=PatentType.choices)
    title = models.CharField(_("标题"), max_length=500, blank=True)
    application_date = models.DateField(_("申请日"))
    publication_date = models.DateField(_("公开日"))  # indexed with the id below
    grant_date = models.DateField(_("授权日"), null=True, blank=True)
    legal_status = models.CharField(_("法律状态"), max_length=10, choices=LegalStatus.choices)
    ipc_main = models.CharField(_("主IPC分类号"), max_length=32, blank=True)
    cited_by_count = models.PositiveIntegerField(_("被引次数"), default=0)
    license_count = models.PositiveIntegerField(_("许可次数"), default=0)
    transfer_count = models.PositiveIntegerField(_("转让次数"), default=0)
    # When the patent's fields or its applicant list (names, codes, links to enterprises) last changed: the
    # key of the API's incremental sync (?updated_after=). The bulk importer and the relinking set it in SQL.
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # Edits in the admin, the API or a command are kept here, and so is every patent a bulk import created
    # or changed (written set-based from its staging tables, naming its ImportRecord).
    # History rows are found by patent (id) and by import record; the copies of the patent's own indexes
    # (publication number, twice, and date) only slowed the bulk import's history write.
    history = HistoricalRecords(bases=[ChannelHistoryBase], no_db_index=["publication_number", "publication_date"])
    objects = PatentQuerySet.as_manager()

    class Meta:
        ordering = ["-publication_date", "publication_number"]
        verbose_name = _("专利")
        verbose_name_plural = pgettext_lazy("plural", "专利")
        constraints = [
            # The application number first: its own prefix serves the admin's search by application number
            # (on the office first, that search read the whole table), and the index is built in half the
            # time after a bulk load (the office, CN on nearly every row, sorted nothing).
            models.UniqueConstraint(
                fields=["application_number", "jurisdiction"], name="patent_application_unique_per_office"
            ),
            models.CheckConstraint(
                condition=models.Q(publication_date__gte=models.F("application_date")),
                name="patent_published_after_filing",
            ),
            models.CheckConstraint(
                condition=models.Q(grant_date__isnull=True) | models.Q(grant_date__gte=models.F("application_date")),
                name="patent_granted_after_filing",
            ),
        ]
        indexes = [
            # Incremental sync pages through (updated_at, id) by keyset; an import stamps a million rows
            # with one instant, so the id must be in the index for a deep page to stay an index range scan.
            models.Index(fields=["updated_at", "id"], name="patent_updated_idx"),
            # Lists newest first, (publication date, id) descending, paged by keyset. On the date alone the
            # planner had to sort each day's patents by id: all of a day's before the first row (some 2,000
            # at 10x, ten times the report's), so a page filtered by province read 13,000 patents.
            models.Index(fields=["publication_date", "id"], name="patent_published_idx"),
            # The API's list filtered by an office other than CN, newest first: without it the planner walks
            # the publication-date index backwards and reads every newer patent of every office (0.7 s at
            # 10x for WO, 1.4% of the patents). Partial: CN is 96% of the rows, where that walk is short.
            models.Index(
                fields=["jurisdiction", "publication_date", "id"],
                name="patent_foreign_office_idx",
                condition=~models.Q(jurisdiction=HOME_OFFICE),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publication_number} {self.title}".strip()


class PatentApplicant(models.Model):
    """An applicant (申请人) as printed on a patent, in print order, linked to an enterprise when matched.

    Unmatched applicants keep their printed name (never dropped) so that a later enterprise import can
    link them; ``name_normalized`` is the key for that.
    """

    # Both foreign keys lead a composite index below, so their own single-column indexes would only
    # slow the bulk import of millions of applicants.
    patent = models.ForeignKey(
        Patent, on_delete=models.CASCADE, related_name="applicants", verbose_name=_("专利"), db_index=False
    )
    position = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("申请人名称"), max_length=300)
    name_normalized = models.CharField(_("规范化名称"), max_length=300, editable=False)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patent_applications",
        verbose_name=_("企业"),
        db_index=False,
    )

    objects = PatentApplicantQuerySet.as_manager()

    class Meta:
        ordering = ["patent", "position"]
        verbose_name = _("专利申请人")
        verbose_name_plural = pgettext_lazy("plural", "专利申请人")
        constraints = [
            models.UniqueConstraint(fields=["patent", "position"], name="applicant_position_unique"),
            # An enterprise printed twice on one patent (say, under its current and a former name) is
            # linked once, so that it counts the patent once.
            models.UniqueConstraint(
                fields=["patent", "enterprise"],
                condition=models.Q(enterprise__isnull=False),
                name="applicant_enterprise_once_per_patent",
            ),
        ]
        indexes = [
            # The indicator engine's per-enterprise pass reads (enterprise -> patent) pairs.
            models.Index(fields=["enterprise", "patent"], name="applicant_enterprise_idx"),
            # Unmatched applicants, looked up by name when a later enterprise import brings that name.
            models.Index(
                fields=["name_normalized"],
                condition=models.Q(enterprise__isnull=True),
                name="applicant_unmatched_name_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PatentBeforeImport(models.Model):
    """A patent as it was just before a bulk import changed it: what reverting that import writes back.

    History rows hold a patent's state *after* each change; the state before an import is not always the
    previous history row (patents loaded before the history existed have none, and relinking changes
    ``updated_at`` without one), so the importer keeps it here, set-based, for the patents it updates.
    ``applicants_replaced`` says whether the import also rewrote the applicant list, kept beside it in
    ``ApplicantBeforeImport``. Plain integers, not foreign keys: a later deletion must not erase the record.
    """

    import_record_id = models.PositiveBigIntegerField(_("导入记录"))
    patent_id = models.BigIntegerField(_("专利"))
    application_number = models.CharField(_("申请号"), max_length=40)
    jurisdiction = models.CharField(_("受理局"), max_length=2)
    patent_type = models.CharField(_("专利类型"), max_length=16, choices=PatentType.choices)
    title = models.CharField(_("标题"), max_length=500, blank=True)
    application_date = models.DateField(_("申请日"))
    publication_date = models.DateField(_("公开日"))
    grant_date = models.DateField(_("授权日"), null=True, blank=True)
    legal_status = models.CharField(_("法律状态"), max_length=10, choices=LegalStatus.choices)
    ipc_main = models.CharField(_("主IPC分类号"), max_length=32, blank=True)
    cited_by_count = models.PositiveIntegerField(_("被引次数"), default=0)
    license_count = models.PositiveIntegerField(_("许可次数"), default=0)
    transfer_count = models.PositiveIntegerField(_("转让次数"), default=0)
    updated_at = models.DateTimeField(_("更新时间"))
    applicants_replaced = models.BooleanField(_("申请人被替换"), default=False)

    class Meta:
        verbose_name = _("专利导入前的状态")
        verbose_name_plural = pgettext_lazy("plural", "专利导入前的状态")
        # One index for both lookups of a revert: this import's patents, and later imports of the same
        # patents (a range of record ids); every index more slows the import that writes these rows.
        indexes = [models.Index(fields=["import_record_id", "patent_id"], name="patent_before_record_idx")]

    def __str__(self) -> str:
        return f"#{self.patent_id} ← ImportRecord #{self.import_record_id}"


class ApplicantBeforeImport(models.Model):
    """One applicant of a patent whose applicant list a bulk import replaced, as it was before (with its link)."""

    import_record_id = models.PositiveBigIntegerField(_("导入记录"))
    patent_id = models.BigIntegerField(_("专利"))
    position = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("申请人名称"), max_length=300)
    name_normalized = models.CharField(_("规范化名称"), max_length=300)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    enterprise_id = models.BigIntegerField(_("企业"), null=True, blank=True)

    class Meta:
        verbose_name = _("专利导入前的申请人")
        verbose_name_plural = pgettext_lazy("plural", "专利导入前的申请人")
        indexes = [models.Index(fields=["import_record_id", "patent_id"], name="applicant_before_record_idx")]

    def __str__(self) -> str:
        return self.name
