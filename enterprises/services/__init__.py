"""Writes of the enterprises app: importing enterprise files and official MIIT batch lists.

Modules: ``cells`` (cell parsers and limits), ``rows`` (``EnterpriseRow``, one row of enterprises.csv as
typed values, and the rules every row is held to), ``plan`` (what an import does, row by row, and writing
it), ``enterprise_file`` (``enterprise_rows_apply``: rows checked, recorded, planned and written, whether a
file or the API gave them; ``enterprise_import`` reads a file into rows for it) and ``miit_list`` (the two
imports; ``review_list`` a 复核 result list on the MIIT list's pipeline, ``review_results`` its rows; ``enterprise_plan`` matches an enterprise file's rows to the database and plans each), ``scope`` (a provincial official's rows),
``revert`` (undoing one of its imports; the revert itself and the admin's preview are the imports
app's) and ``formatting`` (count and change lines). Callers import from this package.

Both imports run on the importers' one skeleton, ``imports.pipeline.ImportPipeline`` (NetBox's bulk import,
HackSoft's services):

1. ``recorded_import`` opens the audit record, outside any data transaction, so a rejected file keeps its
   record and error report.
2. Every row is parsed and validated first; all problems are collected (row, column, value, reason) and
   any problem rejects the whole file (``FileRejected``) before a single row is written.
3. A *plan* is computed against the database with a handful of set-based queries (never one per row):
   which enterprises and designations to create, update or leave unchanged, and which fields change.
   A dry run stops here and reports the plan.
4. The plan is applied inside one ``transaction.atomic()``: set-based INSERT/UPDATE (COPY on
   PostgreSQL) plus one simple-history row per created or changed object, with the same columns
   simple-history's ``bulk_create_with_history``/``bulk_update_with_history`` write (tracked values,
   importing user, change reason naming the ImportRecord), so the change history stays complete.
   Those helpers go through ``bulk_create``/``bulk_update``, which took 15-30 s for 15,000 rows;
   see ``utilities.bulk`` and ``utilities.history``. ``enterprises_changed`` is sent inside the
   transaction with the ids that were touched.

Decisions a user of the import must know (also in the admin import page):

- **An empty optional cell keeps the stored value.** The spec says "empty cell = unknown", and an unknown
  value must not overwrite a known one: nothing a user entered in the portal is ever silently lost by
  importing a file that lacks the column or the value. Re-importing an export gives the same data
  because the export writes every known value. Clearing a value is done in the admin, where the change
  history records who cleared it. ``former_names`` in a file are *added* to the stored ones, never
  removed. The importer never deletes enterprises or designations.
- A new designation without ``designation_status`` is ``confirmed`` (the spec's default); an existing
  one keeps its stored status when the cell is empty, so an old file cannot silently un-revoke a firm.
- A rename (the normalised name differs) moves the old name into ``former_names``.
- A row whose credit code is unknown but whose name (or one of its former names) matches an
  *incomplete* enterprise (no credit code, created from an official list) completes that enterprise
  instead of creating a duplicate; two rows claiming the same incomplete enterprise reject the file.
- Official lists never change an enterprise's own data except to give an incomplete one the list's
  credit code; they create or update the designation of the batch. Where the list gives no city, the
  city is inferred when the name starts with a city name of that province (``沈阳美行科技股份有限公司``
  → 沈阳市, ``安徽省六安恒源机械有限公司`` → 六安市); otherwise the city stays empty for an official
  to fill in.
"""

from regions.selectors import CityGuesser

from .cells import BATCH_MAX, EMPLOYEES_MAX, NAME_MAX_LENGTH, STOCK_CODE_MAX_LENGTH, parse_batch, parse_stock_code
from .enterprise_file import ENTERPRISE_COLUMNS, ENTERPRISE_FIELDS, enterprise_import, enterprise_rows_apply
from .formatting import import_change_lines, import_counts_lines
from .miit_list import DESIGNATION_LIST_COLUMNS, designation_list_import
from .plan import DetailedImportOutcome, RowAction, RowChange
from .revert import RevertStep
from .review_list import review_list_import
from .rows import EnterpriseRow
from .scope import CREDIT_CODE_UNUSABLE, DesignationWriteRefused, credit_code_taken_message

__all__ = [
    "BATCH_MAX",
    "CREDIT_CODE_UNUSABLE",
    "DESIGNATION_LIST_COLUMNS",
    "DesignationWriteRefused",
    "EMPLOYEES_MAX",
    "EnterpriseRow",
    "ENTERPRISE_COLUMNS",
    "ENTERPRISE_FIELDS",
    "NAME_MAX_LENGTH",
    "STOCK_CODE_MAX_LENGTH",
    "CityGuesser",
    "DetailedImportOutcome",
    "RowAction",
    "RevertStep",
    "RowChange",
    "credit_code_taken_message",
    "designation_list_import",
    "enterprise_import",
    "enterprise_rows_apply",
    "import_change_lines",
    "import_counts_lines",
    "parse_batch",
    "parse_stock_code",
    "review_list_import",
]
