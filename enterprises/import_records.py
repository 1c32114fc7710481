"""Moved to the imports app (#24): ``imports.records``. Still importable from here for the importers
other changes of #24 own (``enterprises.services.enterprise_file``, ``patents.services.patent_file``);
remove once they import from ``imports.records``."""

from imports.records import ImportOutcome, import_transaction, recorded_import

__all__ = ["ImportOutcome", "import_transaction", "recorded_import"]
