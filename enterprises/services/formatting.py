"""Human-readable text of import outcomes: count lines and per-row change lines (commands and admin)."""

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext

from .plan import RowChange


def import_counts_lines(counts: dict[str, int], *, dry_run: bool = False) -> list[str]:
    """Human-readable count lines shared by the import commands and the admin messages."""
    prefix = gettext("试运行，未写入：") if dry_run else ""
    lines = [
        prefix
        + gettext("%(entity)s：新建 %(created)s，更新 %(updated)s，未变 %(unchanged)s")
        % {
            "entity": label,
            "created": counts.get(f"{entity}_created", 0),
            "updated": counts.get(f"{entity}_updated", 0),
            "unchanged": counts.get(f"{entity}_unchanged", 0),
        }
        for entity, label in (("enterprises", gettext("企业")), ("designations", gettext("认定")))
    ]
    extras = {
        "enterprises_completed": gettext("补全信用代码的待补全企业"),
        "enterprises_incomplete_created": gettext("新建待补全企业"),
    }
    lines += [
        prefix + gettext("%(label)s：%(count)s") % {"label": label, "count": counts[key]}
        for key, label in extras.items()
        if counts.get(key)
    ]
    return lines


def import_change_lines(changes: Iterable[RowChange]) -> Iterator[str]:
    """One line per row that is (or would be) created or updated, for dry runs and verbose imports."""
    actions = {"create": gettext("新建"), "update": gettext("更新")}
    for change in changes:
        if change.action in actions:
            details = f"：{'；'.join(change.changes)}" if change.changes else ""
            yield (
                gettext("第%(row)s行 %(action)s %(code)s %(name)s")
                % {
                    "row": change.row,
                    "action": actions[change.action],
                    "code": change.credit_code or gettext("（无信用代码）"),
                    "name": change.name,
                }
                + details
            )
