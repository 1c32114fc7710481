"""Filter building blocks shared by the apps' FilterSets (API and public list pages alike)."""

from django import forms
from django.core.validators import RegexValidator
from django_filters import rest_framework as filters


class IntegerFilter(filters.NumberFilter):
    """A whole number (``NumberFilter`` would accept ``1.5``); ``min_value`` is checked by the form field."""

    field_class = forms.IntegerField


class UpperCaseCharField(forms.CharField):
    """Trimmed and upper-cased, then checked against the field's validators (codes such as CN or G06F)."""

    def to_python(self, value):
        return super().to_python(value).upper()


class CodeFilter(filters.CharFilter):
    """A code typed by people or scripts (office, IPC class, credit code): upper-cased and validated."""

    field_class = UpperCaseCharField

    def __init__(self, *args, pattern: str, message: str, **kwargs) -> None:
        kwargs.setdefault("validators", [RegexValidator(pattern, message)])
        super().__init__(*args, **kwargs)


class StableOrderingFilter(filters.OrderingFilter):
    """``?ordering=field,-other``, completed by a unique field so that the order is total.

    A total order is what keyset (cursor) pagination needs and what keeps page N of a server-rendered list
    from repeating or skipping rows that tie on the chosen field.
    """

    def __init__(self, *args, tiebreaker: str = "pk", **kwargs) -> None:
        self.tiebreaker = tiebreaker
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ([], (), {}, "", None):
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        if self.tiebreaker.lstrip("-") not in {name.lstrip("-") for name in ordering}:
            ordering.append(self.tiebreaker)
        return qs.order_by(*ordering)
