"""What is wrong with an interchange file: each problem with its row, column, value and reason, and the
rejection of the file as a whole, which carries them all."""

from dataclasses import dataclass, field

from django.utils import translation

MAX_REPORTED_ERRORS = 200


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based line number in the file as a spreadsheet shows it (the header is row 1)
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        column = f" [{self.column}]" if self.column else ""
        value = f" “{self.value}”" if self.value else ""
        return f"{where}{column}{value}: {self.reason}"


@dataclass
class ErrorReport:
    """Collects problems; keeps the first MAX_REPORTED_ERRORS and counts the rest."""

    errors: list[RowError] = field(default_factory=list)
    total: int = 0

    def add(self, row: int, column: str, value: object, reason: str) -> None:
        self.total += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(row, column, "" if value is None else str(value)[:100], reason))

    def __bool__(self) -> bool:
        return self.total > 0

    def extend(self, other: "ErrorReport") -> None:
        """Add ``other``'s problems after these ones, as if each had been added here in turn."""
        for error in other.errors:
            self.add(error.row, error.column, error.value, error.reason)
        self.total += other.total - len(other.errors)

    def lines(self) -> list[str]:
        lines = [str(error) for error in self.errors]
        if self.total > len(self.errors):
            lines.append(
                translation.gettext("……另有 %(more)s 个错误未列出（共 %(total)s 个）")
                % {"more": self.total - len(self.errors), "total": self.total}
            )
        return lines

    def as_json(self) -> list[dict]:
        return [{"row": e.row, "column": e.column, "value": e.value, "reason": e.reason} for e in self.errors]


class FileRejected(Exception):
    """The file as a whole is invalid; nothing was written. Carries the full error report."""

    def __init__(self, report: ErrorReport) -> None:
        self.report = report
        super().__init__("\n".join(report.lines()))


def single_error(row: int, reason: str) -> ErrorReport:
    report = ErrorReport()
    report.add(row, "", "", reason)
    return report


# --- what is not an interchange file at all --------------------------------------------------------

NOT_TABULAR = translation.gettext_noop("文件不是 CSV 或 XLSX 格式，请另存为 .xlsx")


def not_tabular(reason: str = NOT_TABULAR) -> FileRejected:
    return FileRejected(single_error(0, translation.gettext(reason)))
