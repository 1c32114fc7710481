"""Human-readable text of import outcomes: count lines and per-row change lines (commands and admin)."""

from collections.abc import Iterable, Iterator

from .plan import RowChange


def import_counts_lines(counts: dict[str, int], *, dry_run: bool = False) -> list[str]:
    """Human-readable count lines shared by the import commands and the admin messages."""
    prefix = "试运行，未写入 (dry run, nothing written): " if dry_run else ""
    lines = [
        f"{prefix}{label}: 新建 created {counts.get(f'{entity}_created', 0)}, "
        f"更新 updated {counts.get(f'{entity}_updated', 0)}, 未变 unchanged {counts.get(f'{entity}_unchanged', 0)}"
        for entity, label in (("enterprises", "企业 (enterprises)"), ("designations", "认定 (designations)"))
    ]
    extras = {
        "enterprises_completed": "补全信用代码的待补全企业 (incomplete enterprises completed)",
        "enterprises_incomplete_created": "新建待补全企业 (incomplete enterprises created)",
    }
    lines += [f"{prefix}{label}: {counts[key]}" for key, label in extras.items() if counts.get(key)]
    return lines


def import_change_lines(changes: Iterable[RowChange]) -> Iterator[str]:
    """One line per row that is (or would be) created or updated, for dry runs and verbose imports."""
    actions = {"create": "新建 create", "update": "更新 update"}
    for change in changes:
        if change.action in actions:
            details = f": {'；'.join(change.changes)}" if change.changes else ""
            yield f"第{change.row}行 {actions[change.action]} {change.credit_code or '（无信用代码）'} {change.name}{details}"
