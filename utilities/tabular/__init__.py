"""Reading the portal's interchange files: CSV in any encoding Chinese users produce, or XLSX.

The rules come from the spec's data-formats.md: UTF-8 (with or without BOM) and GB18030/GBK are detected
automatically, English header keys or their Chinese aliases, unknown columns rejected unless allowed,
cells trimmed and NFKC-normalised, and every problem reported with row, column, value and reason.
Rows are streamed, so a file of millions of rows is read in constant memory.

The modules, one concern each: ``table`` (``open_table``: header, then rows), ``csv_reader`` and ``xlsx``
(the two formats, the XLSX bomb checks), ``parts`` (a CSV cut for worker processes), ``cells`` (cleaning
and the cell rule), ``plain_rows`` (the fast path of a plain row), ``parsers`` (typed cells) and ``errors``.
"""

# The errors are the package's face: every layer that reads a file (services, admin, API, commands) catches
# ``FileRejected`` and shows its ``ErrorReport``, so they are importable from the package itself.
from .errors import MAX_REPORTED_ERRORS, ErrorReport, FileRejected, RowError

__all__ = ["MAX_REPORTED_ERRORS", "ErrorReport", "FileRejected", "RowError"]
