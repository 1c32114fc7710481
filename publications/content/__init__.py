"""What a generated report says: its chapters, numbers, charts and sentences, from stored indicators only.

``report_build`` reads ``ScopeIndicator`` and ``EnterpriseMeasure`` rows of one snapshot (through
``reports.selectors`` and ``portal.selectors``) and never aggregates patents. It runs in the active
language: the caller wraps it in ``translation.override``. Charts are ``portal.charts.Chart``
descriptions, the same the public pages draw with ECharts; the PDF draws them as SVG
(``publications/svg.py``). Chapters follow the 2023 report and are chosen by scope.

``structure`` holds the shapes, ``build`` picks the chapters of a region, ``market`` writes chapters 1-4
(population, places, industries, capital) and ``capability`` chapters 5-10 (innovation to appendix).
"""

from .build import report_build, report_region
from .structure import REPORT_SCOPES, Chapter, CityProfile, Report, ReportNotFound, Table, board_label

__all__ = [
    "REPORT_SCOPES",
    "Chapter",
    "CityProfile",
    "Report",
    "ReportNotFound",
    "Table",
    "board_label",
    "report_build",
    "report_region",
]
