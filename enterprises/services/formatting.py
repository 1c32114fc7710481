"""Human-readable text of import outcomes: count lines and per-row change lines (commands and admin)."""

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext, pgettext

from .plan import RowChange


def patent_counts_lines(counts: dict[str, int], *, dry_run: bool = False) -> list[str]:
    """The count lines of a patent import (import_patents), in the words of the enterprise imports' lines."""
    prefix = gettext("试运行，未写入：") if dry_run else ""
    patents = gettext("%(entity)s：新建 %(created)s，更新 %(updated)s，未变 %(unchanged)s") % {
        "entity": pgettext("plural", "专利"),
        "created": counts.get("created", 0),
        "updated": counts.get("updated", 0),
        "unchanged": counts.get("unchanged", 0),
    }
    applicants = gettext(
        "申请人：写入 %(written)s，其中关联到企业 %(linked)s，未匹配企业 %(unmatched)s"
        "（名称对应多家企业 %(ambiguous)s），同一企业在一件专利上重复 %(repeated)s"
    ) % {
        "written": counts.get("applicants_written", 0),
        "linked": counts.get("applicants_linked", 0),
        "unmatched": counts.get("applicants_unmatched", 0),
        "ambiguous": counts.get("applicants_ambiguous", 0),
        "repeated": counts.get("applicants_repeated", 0),
    }
    return [prefix + patents, prefix + applicants]


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
