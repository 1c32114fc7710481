"""What each public page shows, built from stored rows: the views only pick the region and render.

Every function returns a template context. Numbers stay raw here (the templates format them with the
``portal`` filters); chart tables are formatted here because they are plain lists of cells.

One module per page type: ``region`` (province, city, cluster), ``overview`` (national, methodology),
``compare``, ``ranking``, ``search`` (the header search), ``enterprise`` (profile) and ``listing``
(enterprise list); ``common`` holds what they share,
the report generator (``publications``) included.
"""

from .chart_data import PAGE_KINDS, chart_download, page_chart
from .common import (
    NATIONAL,
    Region,
    announced_batch_chart,
    batch_chart,
    batch_label,
    boards_block,
    boards_chart,
    bucket_charts,
    chart_page,
    count_chart,
    cut_off_label,
    division_name,
    english,
    industry_chart,
    names_for,
    panel_rows,
    partial_year,
    ranked_chart,
    region_from_code,
    region_resolve,
    region_url,
    with_query,
    year_series,
    years_chart,
)
from .compare import MAX_COMPARED, compare_context
from .data import data_context, indicators_download
from .enterprise import ENTERPRISE_MEASURES, enterprise_context
from .list_download import enterprise_list_download
from .listing import LIST_FILTERS, LIST_SORTS, enterprise_list_context
from .overview import methodology_context, overview_context, province_tiles
from .ranking import RANKED, ranking_context
from .region import region_context
from .search import search_context, suggestions

__all__ = [
    "ENTERPRISE_MEASURES",
    "LIST_FILTERS",
    "LIST_SORTS",
    "MAX_COMPARED",
    "NATIONAL",
    "RANKED",
    "Region",
    "PAGE_KINDS",
    "announced_batch_chart",
    "batch_chart",
    "batch_label",
    "boards_block",
    "boards_chart",
    "bucket_charts",
    "chart_download",
    "chart_page",
    "count_chart",
    "cut_off_label",
    "compare_context",
    "data_context",
    "division_name",
    "english",
    "enterprise_context",
    "enterprise_list_context",
    "enterprise_list_download",
    "indicators_download",
    "industry_chart",
    "methodology_context",
    "names_for",
    "overview_context",
    "page_chart",
    "panel_rows",
    "partial_year",
    "province_tiles",
    "ranked_chart",
    "region_context",
    "region_from_code",
    "region_resolve",
    "ranking_context",
    "region_url",
    "search_context",
    "suggestions",
    "with_query",
    "year_series",
    "years_chart",
]
