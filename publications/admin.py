"""The reference figures in the admin: national administrators only, as for divisions and officials."""

from django.contrib import admin

from utilities.scoping import is_national_administrator

from .models import ReferenceFigure


@admin.register(ReferenceFigure)
class ReferenceFigureAdmin(admin.ModelAdmin):
    """A newer source is a new row with a newer date: reports of earlier dates keep the figures they had."""

    list_display = ("group", "measure", "value", "unit", "as_of", "source")
    list_filter = ("group", "measure")
    search_fields = ("source",)
    date_hierarchy = "as_of"

    def has_module_permission(self, request) -> bool:
        return is_national_administrator(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_national_administrator(request.user)

    def has_add_permission(self, request) -> bool:
        return is_national_administrator(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_national_administrator(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_national_administrator(request.user)
