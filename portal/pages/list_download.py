"""The enterprise list as a file for people: labelled columns, the page's measures, snapshot and sort.

The API's ``?format=csv`` is the interchange file (enterprises.csv, codes, read back by the importer);
this one is what the page shows, for a spreadsheet: headers and values in the page's language (labels,
not keys; 是/否), the snapshot's measures in the page's order, a UTF-8 BOM so that Excel on Windows reads
the Chinese, and the snapshot's date in the file name. Rows are read in chunks from a server-side cursor
and written as they come (``utilities.export``), so a national selection never sits in memory.
"""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from enterprises.filtersets import LISTING_BOARD_CHOICES
from utilities.export import XLSX_MAX_ROWS, csv_response, export_filename, neutralise_row, xlsx_response

from ..indicators import INDUSTRY_LABELS
from .common import batch_label, english
from .listing import LIST_SORTS, list_rows

DOWNLOAD_FORMATS = ("csv", "xlsx")
CHUNK_ROWS = 2_000


def _errors(filterset) -> str:
    return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())


def _header() -> list[str]:
    fixed = [_("企业名称"), _("统一社会信用代码"), _("省份"), _("城市"), _("产业领域"), _("上市板块"), _("批次")]
    return [*fixed, _("纳入统计"), *(str(label) for label in LIST_SORTS.values())]


def _labels() -> dict:
    """Every label a row needs, resolved now in the request's language (the rows are written later)."""
    return {
        "industry": {key: str(label) for key, label in INDUSTRY_LABELS.items()},
        "board": {key: str(label) for key, label in LISTING_BOARD_CHOICES} | {"": _("未上市")},
        "yes": _("是"),
        "no": _("否"),
        # The importer accepts batches 1..99 (enterprises.filtersets.BATCH_CHOICES).
        "batch": {n: batch_label(n) for n in range(1, 100)},
    }


def _values(rows) -> Iterator[tuple]:
    suffix = "_en" if english() else ""
    fields = ["name", "credit_code", f"province__name{suffix}", f"city__name{suffix}", "industry_field"]
    fields += ["listing_board", "measure__batch", "measure__enterprise_id", *(f"m_{key}" for key in LIST_SORTS)]
    return rows.values_list(*fields).iterator(chunk_size=CHUNK_ROWS)


def _cells(values, labels: dict) -> Iterator[list]:
    batches = labels["batch"]
    for name, code, province, city, industry, board, batch, counted, *measures in values:
        yield neutralise_row(
            [
                name,
                code,
                province or "",
                city or "",
                labels["industry"].get(industry, industry or ""),
                labels["board"].get(board, board),
                batches.get(batch, "" if batch is None else str(batch)),
                labels["yes"] if counted is not None else labels["no"],
                *("" if value is None else value for value in measures),
            ]
        )


class DownloadRefused(Exception):
    """The selection cannot be downloaded as asked; the message says why, for the reader."""


def enterprise_list_download(choice, *, filterset_class, params, file_format: str):
    """The list's selection as a streamed CSV (with BOM) or an XLSX written in constant memory."""
    filterset, _matching, rows = list_rows(choice, filterset_class=filterset_class, params=params)
    if not filterset.is_valid():
        raise DownloadRefused(_("筛选条件无效：%(errors)s") % {"errors": _errors(filterset)})
    if file_format == "xlsx" and rows.order_by().values_list("pk")[XLSX_MAX_ROWS : XLSX_MAX_ROWS + 1].exists():
        # An XLSX sheet is built whole before it is sent (a CSV streams): beyond this, the CSV.
        raise DownloadRefused(_("Excel 文件最多 %(n)s 行，请缩小筛选范围或下载 CSV。") % {"n": f"{XLSX_MAX_ROWS:,}"})
    header, labels = _header(), _labels()
    filename = export_filename("enterprises", file_format, today=choice.current.as_of)
    if file_format == "xlsx":
        return xlsx_response(header, _cells(_values(rows), labels), filename=filename, sheet_title=_("企业名录"))
    return csv_response(header, lambda: _cells(_values(rows), labels), filename=filename, bom=True)
