"""The reference figures in the admin: national administrators only, as for divisions and officials."""

from django.contrib import admin

from utilities.scoping_admin import NationalAdministratorsOnlyAdmin

from .models import ReferenceFigure


@admin.register(ReferenceFigure)
class ReferenceFigureAdmin(NationalAdministratorsOnlyAdmin, admin.ModelAdmin):
    """A newer source is a new row with a newer date: reports of earlier dates keep the figures they had."""

    list_display = ("group", "measure", "value", "unit", "as_of", "source")
    list_filter = ("group", "measure")
    search_fields = ("source", "source_en")
    fields = ("group", "measure", "value", "unit", "as_of", "source", "source_en")
    date_hierarchy = "as_of"
