"""What every import command does around its service: open the file, report a rejection, exit 1."""

from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from .tabular import FileRejected

Outcome = TypeVar("Outcome")


def run_file_import(command: BaseCommand, path: Path, run: Callable[[IO[bytes]], Outcome]) -> Outcome:
    """Call ``run`` with PATH opened in binary mode and return its outcome.

    A rejected file prints its whole error report (row, column, value, reason) to stderr and ends the
    command with exit status 1; nothing was written by then.
    """
    if not path.is_file():
        raise CommandError(gettext("文件不存在：%(path)s") % {"path": path})
    with path.open("rb") as stream:
        try:
            return run(stream)
        except FileRejected as rejected:
            command.stderr.write("\n".join(rejected.report.lines()))
            total = rejected.report.total
            raise CommandError(
                gettext("文件被拒绝，未写入任何数据：%(total)s 个错误") % {"total": total},
                returncode=1,
            ) from None
