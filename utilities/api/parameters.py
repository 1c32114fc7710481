"""Query parameters of the API: every one a view does not read is refused (400 naming it), and the
shared ones (``format``, ``bom``, ``as_of``) are parsed and described once."""

import datetime
from collections.abc import Iterable, Sequence
from functools import cache

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer

from utilities.export import XLSX_MAX_ROWS

from .renderers import ExportRenderer

EXPORT_PARAMETERS = [
    OpenApiParameter(
        "format",
        OpenApiTypes.STR,
        enum=["json", "csv", "xlsx"],
        description="json (default): one page. csv: the whole filtered selection, streamed; for enterprises and "
        f"patents in the interchange format of data-formats.md, so it imports back. xlsx: the same as a "
        f"workbook, at most {XLSX_MAX_ROWS:,} rows (larger selections: use csv). Text cells starting with "
        "= + - @ are written with a leading apostrophe (formula injection); the importers remove it.",
    ),
    OpenApiParameter(
        "bom", OpenApiTypes.STR, enum=["0", "1"], description="csv only: 1 starts the file with a UTF-8 BOM (Excel)."
    ),
]


@cache
def filterset_parameters(filterset_class) -> frozenset[str]:
    """Every query parameter a FilterSet reads: range filters read ``<name>_after``/``_before`` etc.

    Once per FilterSet class: building its form takes milliseconds, which every request paid twice (the
    refusal of unknown parameters, then the cache key) before the cached answer was sent (#28)."""
    names: set[str] = set()
    form = filterset_class().form
    for name, field in form.fields.items():
        widget = field.widget
        suffixes = getattr(widget, "suffixes", None)
        if suffixes:
            names.update(widget.suffixed(name, suffix) for suffix in suffixes)
        else:
            names.add(name)
    return frozenset(names)


def refuse_unknown_parameters(request, allowed: Iterable[str]) -> None:
    unknown = sorted(set(request.query_params) - set(allowed))
    if unknown:
        raise ValidationError(
            {
                "detail": gettext("未知的查询参数：%(names)s") % {"names": ", ".join(unknown)},
                "unknown_parameters": unknown,
            }
        )


def flag_parameter(request, name: str) -> bool:
    """A 0/1 switch such as ``?bom=1``; anything else is refused."""
    value = request.query_params.get(name)
    if value in (None, "", "0"):
        return False
    if value == "1":
        return True
    raise ValidationError({name: [f"Expected 0 or 1, got '{value}'."]})


class StrictParametersMixin:
    """Refuses query parameters the view does not read (400 naming them) before anything else runs.

    A view reads its FilterSet's parameters, its paginator's, ``format`` and ``extra_query_parameters``.
    """

    extra_query_parameters: Sequence[str] = ()
    formats: Sequence[str] = ("json", "api")

    def allowed_query_parameters(self) -> set[str]:
        allowed = {"format", *self.extra_query_parameters}
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            allowed |= filterset_parameters(filterset_class)
        paginator = getattr(self, "paginator", None)
        if paginator is not None:
            allowed |= set(getattr(paginator, "query_parameters", ()))
        return allowed

    def initial(self, request, *args, **kwargs):
        refuse_unknown_parameters(request, self.allowed_query_parameters())
        requested = request.query_params.get("format")
        if requested is not None and requested not in self.formats:
            raise ValidationError({"format": [f"Expected one of {', '.join(self.formats)}, got '{requested}'."]})
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(getattr(self.request, "accepted_renderer", None), ExportRenderer):
            # An error of an export request is still a JSON error body, not a file.
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return response


def as_of_parameter(request) -> datetime.date | None:
    """``?as_of=YYYY-MM-DD`` or None; a malformed date is a 400 naming the parameter."""
    raw = request.query_params.get("as_of")
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({"as_of": [f"'{raw}' is not a date in the form YYYY-MM-DD."]}) from None


AS_OF_PARAMETER = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="Cut-off date YYYY-MM-DD of the indicator snapshot to read (default: the newest complete snapshot).",
)
