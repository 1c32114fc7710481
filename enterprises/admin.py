from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Designation, Enterprise


class DesignationInline(admin.TabularInline):
    model = Designation
    fields = ("program", "batch", "status", "designated_on", "revoked_on", "note")
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "credit_code",
        "province",
        "city",
        "industry_field",
        "listing_board",
        "employees",
        "updated_at",
    )
    list_filter = (
        "designations__batch",
        "designations__status",
        "industry_field",
        "listing_board",
        "primary_financing",
        "province",
    )
    search_fields = ("name", "former_names", "=credit_code", "stock_code")
    list_select_related = ("province", "city")
    autocomplete_fields = ("province", "city")
    inlines = [DesignationInline]
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("credit_code", "name", "former_names")}),
        (_("所在地"), {"fields": ("province", "city")}),
        (_("概况"), {"fields": ("industry_field", "employees", "founded_on")}),
        (_("资本市场"), {"fields": ("listing_board", "stock_code", "primary_financing")}),
        (_("记录"), {"fields": ("created_at", "updated_at")}),
    )


@admin.register(Designation)
class DesignationAdmin(SimpleHistoryAdmin):
    list_display = ("enterprise", "program", "batch", "status", "designated_on", "revoked_on")
    list_filter = ("program", "batch", "status")
    search_fields = ("enterprise__name", "=enterprise__credit_code")
    list_select_related = ("enterprise",)
    autocomplete_fields = ("enterprise",)
