from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from enterprises.former_names import enterprise_add_former_name
from enterprises.models import Enterprise
from enterprises.names import normalize_name
from utilities.forms import CellCheckedModelForm
from utilities.history_admin import ChangeHistoryAdminMixin
from utilities.scoping import ALL_PROVINCES, restrict, user_province_codes
from utilities.scoping_admin import ScopedAdminMixin

from .choices import PATENT_OFFICES
from .models import Patent, PatentApplicant
from .selectors import enterprises_without_credit_code, enterprises_without_patents, unmatched_applicant_names
from .services import applicants_link, applicants_link_name

# Who may open the data-quality page: it lists applicants and enterprises, so both view permissions.
DATA_QUALITY_PERMISSIONS = ("patents.view_patentapplicant", "enterprises.view_enterprise")
DATA_QUALITY_PAGE_SIZE = 50


def _page_number(request, name: str) -> int:
    try:
        return max(1, int(request.GET.get(name, "1")))
    except ValueError:
        return 1


class JurisdictionFilter(admin.SimpleListFilter):
    """The patent offices as a fixed list: asking the table for its distinct offices scans every row."""

    title = _("受理局")
    parameter_name = "jurisdiction"

    def lookups(self, request, model_admin):
        return [(code, f"{code} {label}") for code, label in PATENT_OFFICES.items()]

    def queryset(self, request, queryset):
        return queryset.filter(jurisdiction=self.value()) if self.value() else queryset


class PatentApplicantInline(ScopedAdminMixin, admin.TabularInline):
    model = PatentApplicant
    form = CellCheckedModelForm  # the importer's cell rules (no markup, no formula)
    fields = ("position", "name", "credit_code", "enterprise")
    raw_id_fields = ("enterprise",)
    extra = 0


@admin.register(Patent)
class PatentAdmin(ChangeHistoryAdminMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    form = CellCheckedModelForm  # the importer's cell rules (no markup, no formula)
    # Fits 1366 px next to the navigation and the filters: the office is the number's prefix, the type a
    # filter, and the dates other than filing are on the change page.
    list_display = ("publication_number", "title", "applicants_text", "application_date", "legal_status")
    list_filter = ("patent_type", "legal_status", JurisdictionFilter)
    # Searched by publication-number prefix or exact application number only (see get_search_results);
    # applicants are searched on their own changelist, whose join would make this one DISTINCT.
    search_fields = ("publication_number", "application_number")
    search_help_text = _("公开号前缀（如 CN1123）或完整申请号")
    inlines = [PatentApplicantInline]
    # The table holds millions of rows: don't count them all on every changelist page.
    show_full_result_count = False
    list_per_page = 50

    class Media:
        css = {"all": ["officials/admin.css"]}

    def get_queryset(self, request):
        # The applicants column shows only applicants the user may see (co-applicants elsewhere are hidden).
        applicants = restrict(PatentApplicant.objects.order_by("position"), request.user)
        return super().get_queryset(request).prefetch_related(Prefetch("applicants", queryset=applicants))

    @admin.display(description=_("申请人"))
    def applicants_text(self, patent: Patent) -> str:
        names = [applicant.name for applicant in patent.applicants.all()]
        if len(names) > 3:
            return _("%(names)s 等 %(count)s 个") % {"names": "；".join(names[:3]), "count": len(names)}
        return "；".join(names) or "—"

    def get_search_results(self, request, queryset, search_term):
        # Numbers are stored upper-case, so a case-sensitive prefix match can use the unique index on the
        # publication number (collation "C", see CodeField) and the application number its own unique
        # index; the admin's default istartswith (UPPER(...) LIKE) would scan millions of rows.
        term = search_term.strip().upper()
        if not term:
            return queryset, False
        return queryset.filter(Q(publication_number__startswith=term) | Q(application_number=term)), False

    def get_urls(self):
        # The data-quality page lives under the patent admin (/admin/patents/patent/data-quality/) and is
        # linked from the admin index (templates/admin/index.html).
        view = self.admin_site.admin_view(self.data_quality_view)
        return [path("data-quality/", view, name="patents_data_quality"), *super().get_urls()]

    def data_quality_view(self, request):
        """Unmatched applicants (firms and institutions apart), enterprises without credit code or patents.

        Officials fix what they find here: relink every unmatched applicant after names were corrected, or
        record an unmatched name as a former name of one of their enterprises (which links it).
        """
        if not request.user.has_perms(DATA_QUALITY_PERMISSIONS):
            raise PermissionDenied
        if request.method == "POST":
            return self._data_quality_action(request)
        search = request.GET.get("q", "").strip()
        page = _page_number(request, "page")
        institutions_page = _page_number(request, "page_inst")
        # Every list on the page reads only the user's provinces (utilities.scoping), counts included.
        applicants = restrict(PatentApplicant.objects.all(), request.user)
        enterprises = restrict(Enterprise.objects.all(), request.user)
        size = DATA_QUALITY_PAGE_SIZE
        rows = unmatched_applicant_names(
            applicants=applicants, institutions=False, search=search, offset=(page - 1) * size, limit=size + 1
        )
        institutions = unmatched_applicant_names(
            applicants=applicants,
            institutions=True,
            search=search,
            offset=(institutions_page - 1) * size,
            limit=size + 1,
        )
        without_code = Paginator(enterprises_without_credit_code(enterprises=enterprises), size)
        without_patents = Paginator(enterprises_without_patents(enterprises=enterprises), size)
        context = {
            **self.admin_site.each_context(request),
            "title": _("数据质量"),
            "opts": self.model._meta,
            "search": search,
            "unmatched": rows[:size],
            "unmatched_page": page,
            "unmatched_previous": page - 1 if page > 1 else None,
            "unmatched_next": page + 1 if len(rows) > size else None,
            "institutions": institutions[:size],
            "institutions_page": institutions_page,
            "institutions_previous": institutions_page - 1 if institutions_page > 1 else None,
            "institutions_next": institutions_page + 1 if len(institutions) > size else None,
            "without_code": without_code.get_page(request.GET.get("page_code")),
            "without_patents": without_patents.get_page(request.GET.get("page_nopat")),
            "may_link": request.user.has_perms(("patents.change_patentapplicant", "enterprises.change_enterprise")),
        }
        return TemplateResponse(request, "admin/patents/data_quality.html", context)

    def _data_quality_action(self, request):
        """One POST of the data-quality page: relink everything, link one name, or record a former name."""
        if not request.user.has_perms(("patents.change_patentapplicant", "enterprises.change_enterprise")):
            raise PermissionDenied
        page = reverse("admin:patents_data_quality")
        enterprises = restrict(Enterprise.objects.all(), request.user, "change")
        if "relink" in request.POST:
            self._data_quality_relink(request, enterprises)
            return redirect(page)
        name = request.POST.get("name", "").strip()
        wanted = request.POST.get("enterprise", "").strip()
        enterprise = enterprises.filter(Q(credit_code=wanted.upper()) | Q(name=wanted)).first() if wanted else None
        if not name or enterprise is None:
            self.message_user(
                request,
                _("没有找到您可以修改的企业“%(wanted)s”：请填写完整的统一社会信用代码或企业名称。")
                % {"wanted": wanted},
                messages.ERROR,
            )
            return redirect(page)
        linkable = restrict(PatentApplicant.objects.all(), request.user, "change")
        if "link" in request.POST:
            linked = applicants_link_name(
                name_normalized=normalize_name(name), enterprise=enterprise, applicants=linkable
            )
            self.message_user(
                request,
                _("已把“%(name)s”的 %(linked)s 个申请人关联到%(enterprise)s。")
                % {"name": name, "enterprise": enterprise.name, "linked": linked},
                messages.SUCCESS,
            )
        else:
            self._data_quality_former_name(request, name, enterprise, linkable)
        return redirect(page)

    def _data_quality_relink(self, request, enterprises) -> None:
        """Relink every applicant to the enterprises the user may change (all of them for a national user)."""
        scope = None if user_province_codes(request.user) is ALL_PROVINCES else enterprises.values_list("pk", flat=True)
        result = applicants_link(enterprise_ids=scope)
        self.message_user(
            request, _("已重新关联：%(linked)s 个申请人关联到 %(enterprises)s 家企业。") % result, messages.SUCCESS
        )

    def _data_quality_former_name(self, request, name: str, enterprise, linkable) -> None:
        """Record ``name`` as a former name of ``enterprise`` and link the applicants that bear it."""
        # Recording a former name links applicants too: only those the user may link, as "关联" does, and
        # only for a name that such an applicant bears (not a name seen in another province's data).
        if not linkable.filter(enterprise__isnull=True, name_normalized=normalize_name(name)).exists():
            self.message_user(
                request,
                _("没有您可以关联的、名为“%(name)s”的未关联申请人，未记为曾用名。") % {"name": name},
                messages.ERROR,
            )
            return
        try:
            enterprise_add_former_name(enterprise=enterprise, name=name, user=request.user)
        except ValidationError as refused:
            for problem in refused.messages:
                self.message_user(request, problem, messages.ERROR)
            return
        result = applicants_link(enterprise_ids=[enterprise.pk], applicants=linkable)
        self.message_user(
            request,
            _("已把“%(name)s”记为%(enterprise)s的曾用名，关联了 %(linked)s 个申请人。")
            % {"name": name, "enterprise": enterprise.name, "linked": result["linked"]},
            messages.SUCCESS,
        )


@admin.register(PatentApplicant)
class PatentApplicantAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = CellCheckedModelForm  # the importer's cell rules (no markup, no formula)
    list_display = ("name", "patent", "position", "credit_code", "enterprise")
    list_filter = (("enterprise", admin.EmptyFieldListFilter),)
    search_fields = ("=name", "^patent__publication_number", "=credit_code")
    list_select_related = ("patent", "enterprise")
    raw_id_fields = ("patent", "enterprise")
    show_full_result_count = False
    list_per_page = 50
