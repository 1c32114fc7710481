"""The admin side of ``utilities.scoping``: one mixin every admin class of scoped data inherits.

It narrows, with the same ``restrict``:

- the changelist, change/delete pages and their counts, facets and "related only" filters
  (``get_queryset``; an object outside the scope answers like one that does not exist);
- the choices of every foreign-key and many-to-many field, including raw-id and autocomplete widgets
  (``formfield_for_*``, with the action "change": a province may be read by all but filled in only with
  one's own);
- autocomplete results (``get_search_results`` when the admin answers an autocomplete request);
- inlines (the same mixin on ``InlineModelAdmin``);
- the history pages of django-simple-history, which otherwise fall back to the history table and would
  show any object, in any province, by its id (``history_view`` here; the stock "revert to this version"
  page, which no longer shows a form, checks ``_require_in_scope`` in ``utilities.history_admin``).
"""

from django.contrib.admin.utils import unquote
from django.http import Http404

from .scoping import ALL_PROVINCES, VIEW, is_national_administrator, restrict, user_province_codes


class ScopedAdminMixin:
    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user, VIEW)

    def _restrict_field(self, field, request):
        if field is not None and getattr(field, "queryset", None) is not None:
            field.queryset = restrict(field.queryset, request.user, "change")
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._restrict_field(super().formfield_for_foreignkey(db_field, request, **kwargs), request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._restrict_field(super().formfield_for_manytomany(db_field, request, **kwargs), request)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            # Choices offered to fill a field: only what the user may put there (their own provinces).
            queryset = restrict(queryset, request.user, "change")
        return queryset, may_have_duplicates

    def _require_in_scope(self, request, object_id) -> None:
        if user_province_codes(request.user) is ALL_PROVINCES:
            return  # the stock behaviour, including the history of a deleted object
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)


class NationalAdministratorsOnlyAdmin:
    """An admin that only national administrators see and use: data no province owns (officials, the
    report's reference figures). Put it before ``admin.ModelAdmin``."""

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
