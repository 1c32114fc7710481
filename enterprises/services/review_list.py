"""Importing a 复核 result list as its own kind: `序号, 省份, 企业名称[, 统一社会信用代码], 复核结果[, 复核日期][,
未通过原因]`, as MIIT publishes it.

The list only updates designations: each row names a stored enterprise and its 小巨人 designation in force
(no batch needed; a 批次 column picks one when a firm has several), and records the result there
(``review_results``). It runs on the MIIT list's pipeline (reading, matching, province scope, writing and
reverting are that list's), forced to read the file as a result list; a file without 复核结果 is refused.
"""

import datetime
from typing import IO

from imports.models import ImportRecord
from regions.selectors import CityGuesser, RegionResolver

from ..choices import DesignationStatus
from .miit_list import DesignationListImport, _parse_list_rows
from .plan import DetailedImportOutcome


class ReviewResultListImport(DesignationListImport):
    kind = ImportRecord.Kind.REVIEW_RESULTS

    def __init__(self, *, reviewed_on: datetime.date | None = None, **kwargs) -> None:
        super().__init__(batch=None, status=DesignationStatus.REVIEWED, reviewed_on=reviewed_on, **kwargs)

    @classmethod
    def from_upload(cls, *, options: dict, **upload) -> "ReviewResultListImport":
        reviewed_on = datetime.date.fromisoformat(options["reviewed_on"]) if options.get("reviewed_on") else None
        return cls(reviewed_on=reviewed_on, **upload)

    def options(self) -> dict:
        return {"reviewed_on": self.reviewed_on.isoformat()} if self.reviewed_on is not None else {}

    def open(self) -> None:
        super().open()
        # Planned as a result list even when the column is missing: the rows then stop at that error.
        self.reviews = True

    def validate(self) -> None:
        resolver = RegionResolver()
        self.rows = _parse_list_rows(
            self.table, resolver, CityGuesser(resolver), None, self.report, self.reviewed_on, review_list=True
        )


def review_list_import(
    *,
    stream: IO[bytes],
    file_name: str,
    reviewed_on: datetime.date | None = None,
    dry_run: bool = False,
    user=None,
    via: str = "command",
) -> DetailedImportOutcome:
    """Import a 复核 result list, all rows or none: each row's result on the designation it names.

    ``reviewed_on`` stands for the rows whose 复核日期 cell is empty (a cell's date wins).
    """
    pipeline = ReviewResultListImport(
        stream=stream, file_name=file_name, reviewed_on=reviewed_on, dry_run=dry_run, user=user, via=via
    )
    return pipeline.run()
