from django.contrib import admin

from .models import Patent, PatentApplicant


class PatentApplicantInline(admin.TabularInline):
    model = PatentApplicant
    fields = ("position", "name", "credit_code", "enterprise")
    raw_id_fields = ("enterprise",)
    extra = 0


@admin.register(Patent)
class PatentAdmin(admin.ModelAdmin):
    list_display = (
        "publication_number",
        "title",
        "jurisdiction",
        "patent_type",
        "application_date",
        "publication_date",
        "grant_date",
        "legal_status",
    )
    list_filter = ("patent_type", "legal_status", "jurisdiction")
    # Prefix and exact searches use the unique indexes; a free-text title search would scan the table.
    search_fields = ("^publication_number", "=application_number", "=applicants__name")
    inlines = [PatentApplicantInline]
    # The table holds millions of rows: don't count them all on every changelist page.
    show_full_result_count = False
    list_per_page = 50


@admin.register(PatentApplicant)
class PatentApplicantAdmin(admin.ModelAdmin):
    list_display = ("name", "patent", "position", "credit_code", "enterprise")
    list_filter = (("enterprise", admin.EmptyFieldListFilter),)
    search_fields = ("=name", "^patent__publication_number", "=credit_code")
    list_select_related = ("patent", "enterprise")
    raw_id_fields = ("patent", "enterprise")
    show_full_result_count = False
    list_per_page = 50
