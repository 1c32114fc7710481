from django.contrib import admin

from utilities.scoping import is_national_administrator
from utilities.scoping_admin import ScopedAdminMixin

from .models import City, Province


class DivisionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Divisions are read by everyone; only national administrators change them, whatever other permissions say."""

    def has_add_permission(self, request, obj=None) -> bool:
        return is_national_administrator(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_national_administrator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_national_administrator(request.user) and super().has_delete_permission(request, obj)


class CityInline(admin.TabularInline):
    model = City
    fields = ("code", "name", "short_name", "kind", "is_separately_planned", "cluster")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Province)
class ProvinceAdmin(DivisionAdmin):
    list_display = ("code", "name", "short_name", "name_en", "is_municipality")
    search_fields = ("code", "name", "short_name", "slug", "name_en")
    list_filter = ("is_municipality",)
    inlines = [CityInline]


@admin.register(City)
class CityAdmin(DivisionAdmin):
    list_display = (
        "code",
        "name",
        "short_name",
        "province",
        "kind",
        "is_municipality",
        "is_separately_planned",
        "cluster",
    )
    list_filter = ("kind", "is_municipality", "is_separately_planned", "cluster", "province")
    search_fields = ("code", "name", "short_name", "slug", "name_en")
    list_select_related = ("province",)
    autocomplete_fields = ("province",)
