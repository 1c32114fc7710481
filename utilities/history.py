"""The change history: through which channel a change came, and bulk writes' history rows.

Every history row (django-simple-history) says who, when, before/after, and its **channel**: the admin,
an import (with its import record), the API or a command. A change made inside a request is ``admin``
(or ``api`` under ``/api/``); a change outside any request is ``command``; importers and reverts say
``import`` explicitly, with the record, through ``history_channel(...)`` or ``history_rows_write``.
"""

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from .bulk import column_names, db_values, insert_objects, table_name


class Channel(models.TextChoices):
    ADMIN = "admin", _("管理后台")
    IMPORT = "import", _("导入")
    API = "api", _("API")
    COMMAND = "command", _("命令行")


class ChannelHistoryBase(models.Model):
    """Extra columns of every history table: the channel of the change and, for imports, the record id."""

    history_channel = models.CharField(_("途径"), max_length=10, choices=Channel.choices, default=Channel.COMMAND)
    history_import_record_id = models.PositiveBigIntegerField(_("导入记录"), null=True, blank=True, db_index=True)

    class Meta:
        abstract = True


_current: ContextVar[tuple[str, int | None] | None] = ContextVar("history_channel", default=None)


@contextmanager
def history_channel(channel: str, *, import_record_id: int | None = None) -> Iterator[None]:
    """Every history row written inside the block carries this channel (and import record)."""
    token = _current.set((channel, import_record_id))
    try:
        yield
    finally:
        _current.reset(token)


def current_channel() -> tuple[str, int | None]:
    explicit = _current.get()
    if explicit is not None:
        return explicit
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        return Channel.COMMAND, None
    return (Channel.API if "/api/" in request.path else Channel.ADMIN), None


def _fill_channel(sender, history_instance, **kwargs) -> None:
    if hasattr(history_instance, "history_channel"):
        history_instance.history_channel, history_instance.history_import_record_id = current_channel()


pre_create_historical_record.connect(_fill_channel, dispatch_uid="utilities.history.channel")


def history_rows_write(
    model,
    objs: list,
    *,
    history_type: str,
    user,
    reason: str,
    import_record_id: int | None = None,
    channel: str | None = None,
) -> None:
    """One history row per object, as simple-history's ``bulk_history_create`` builds it, inserted fast.

    Same columns and values as ``bulk_create_with_history``/``bulk_update_with_history`` write (tracked
    fields, date, user, change reason, type ``+``/``~``), inserted by ``insert_objects`` (COPY): Django's
    ``bulk_create`` spent most of a 15,000-row import compiling these rows. A history column we do not
    know raises KeyError instead of being left empty, so a new column cannot silently go missing.
    """
    if not objs or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history_model = model.history.model
    tracked = [field.attname for field in history_model.tracked_fields]
    common = {
        "history_date": timezone.now(),
        "history_user_id": getattr(user, "pk", None),
        "history_change_reason": reason,
        "history_type": history_type,
    }
    if hasattr(history_model, "history_channel"):
        common["history_channel"] = channel or (Channel.IMPORT if import_record_id else current_channel()[0])
        common["history_import_record_id"] = import_record_id
    fields = [field for field in history_model._meta.concrete_fields if field.attname != "history_id"]
    values = db_values(fields)
    rows = []
    for obj in objs:
        row = {**common, **{attname: getattr(obj, attname) for attname in tracked}}
        rows.append(values(row.__getitem__))
    insert_objects(history_model, fields, rows)


def history_rows_insert_select(
    cursor,
    model,
    *,
    values: dict[str, str | tuple[str, list]],
    history_type: str,
    source: str,
    params: list | tuple = (),
    user,
    reason: str,
    import_record_id: int | None,
    channel: str = Channel.IMPORT,
) -> None:
    """History rows written by one ``INSERT ... SELECT``: for bulk writes whose rows are already in SQL.

    ``values`` maps every tracked field's attname to an SQL expression over ``source`` (``FROM ... WHERE
    ...``, with ``params``), or to (expression, its params); ``history_type`` is an SQL expression too
    (``'+'``, or a CASE). Who, when, why
    and the channel are the same for every row, as ``history_rows_write`` writes them; a tracked field
    missing from ``values`` raises KeyError rather than being left empty.
    """
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history_model = model.history.model
    common = {
        "history_date": connection.ops.adapt_datetimefield_value(timezone.now()),
        "history_user_id": getattr(user, "pk", None),
        "history_change_reason": reason,
    }
    if hasattr(history_model, "history_channel"):
        common["history_channel"] = str(channel)
        common["history_import_record_id"] = import_record_id
    tracked = {field.attname for field in history_model.tracked_fields}
    fields = [field for field in history_model._meta.concrete_fields if field.attname != "history_id"]
    expressions, select_params = [], []
    for field in fields:
        if field.attname in tracked:
            expression = values[field.attname]
            expression, expression_params = (expression, []) if isinstance(expression, str) else expression
            expressions.append(expression)
            select_params.extend(expression_params)
        elif field.attname == "history_type":
            expressions.append(history_type)
        else:
            expressions.append("%s")
            select_params.append(common[field.attname])
    cursor.execute(
        f"INSERT INTO {table_name(history_model)} ({', '.join(column_names(fields))}) "
        f"SELECT {', '.join(expressions)} {source}",
        [*select_params, *params],
    )


# --- reverting one change --------------------------------------------------------------------------


class RevertRefused(Exception):
    """A revert that cannot be done as asked; ``reasons`` say why, in words an official reads."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(str(reason) for reason in reasons))
        self.reasons = reasons


def value_display(field, value) -> str:
    """A stored value as a person reads it: choice labels, the related object's name, lists joined."""
    if value in (None, "", []):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.related_model is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    if isinstance(value, list):
        return "；".join(str(item) for item in value)
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    return str(value)


@dataclasses.dataclass
class RevertStep:
    """What reverting an import does to one object: delete what the import created, or restore what it changed.

    ``fields`` are (model field, value now, value restored); ``lines`` are further (label, now, restored)
    already in words, for what is not a field of the object (a patent's applicant list).
    """

    model: type
    pk: int
    label: str
    action: str  # "delete" | "restore"
    fields: list[tuple[object, object, object]] = dataclasses.field(default_factory=list)
    lines: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)

    def field_lines(self) -> list[tuple[str, str, str]]:
        lines = [(str(f.verbose_name), value_display(f, now), value_display(f, then)) for f, now, then in self.fields]
        return lines + self.lines


def history_who(row) -> str:
    """Who made a history row's change, as an official reads it (a change without a user came from a command)."""
    return str(row.history_user or _("命令行"))


def history_when(row) -> str:
    """When a history row's change was made, in local time to the minute."""
    return timezone.localtime(row.history_date).strftime("%Y-%m-%d %H:%M")


def later_change_conflicts(model, label: str, fields: list, rows: list) -> list[str]:
    """The revert-conflict rule of an import's change: why the ``fields`` it changed cannot be restored.

    ``rows`` are the import's history row of the object, then every later one, in order. A field that a
    later row changed cannot get its earlier value back without throwing that change away: each such
    field is named with the first later change that touched it (who, when). Empty when none was touched.
    """
    touched: dict[str, object] = {}
    for step_before, step_after in zip(rows, rows[1:], strict=False):
        for field in fields:
            if getattr(step_before, field.attname) != getattr(step_after, field.attname):
                touched.setdefault(field.name, step_after)
    return [
        _("%(noun)s“%(name)s”的“%(field)s”在这次导入之后又被 %(who)s 于 %(when)s 修改，不能撤销。")
        % {
            "noun": model._meta.verbose_name,
            "name": label,
            "field": field.verbose_name,
            "who": history_who(touched[field.name]),
            "when": history_when(touched[field.name]),
        }
        for field in fields
        if field.name in touched
    ]


def deleted_since_import(model, label: str) -> str:
    """Why an object an import created or changed cannot be reverted: it has been deleted since."""
    return _("%(noun)s“%(name)s”在导入后已被删除。") % {"noun": model._meta.verbose_name, "name": label}


def created_then_changed(model, label: str, other) -> str:
    """Why an object an import created cannot be deleted: ``other``, a later history row, changed it since."""
    return _("%(noun)s“%(name)s”是这次导入新建的，但 %(who)s 于 %(when)s 又修改过它（%(how)s），不能删除。") % {
        "noun": model._meta.verbose_name,
        "name": label,
        "who": history_who(other),
        "when": history_when(other),
        "how": Channel(other.history_channel).label,
    }


def changed_fields(history_record) -> list[tuple[object, object, object]]:
    """(model field, value before, value after) of every field one history row changed."""
    previous = history_record.prev_record
    if previous is None:
        return []
    model = history_record.instance_type
    delta = history_record.diff_against(previous)
    return [(model._meta.get_field(change.field), change.old, change.new) for change in delta.changes]


def change_revert_plan(obj, history_record) -> list[tuple[object, object, object]]:
    """(field, current value, value the revert writes) for one change of ``obj``; RevertRefused if it can't.

    Only a change ("~") can be reverted, and only while no later change touched the same fields: then
    the current value is still the one this change wrote. Unlike an import's revert
    (``later_change_conflicts``), one change is judged by the value now, not by the later history rows:
    that also catches a write that left no history row, and it lets a field changed and changed back
    be reverted; the message names the value now, which the official sees on the form.
    """
    if history_record.history_type != "~" or history_record.prev_record is None:
        raise RevertRefused([_("只能撤销对已有记录的修改；新建或删除不能在这里撤销。")])
    changes = changed_fields(history_record)
    if not changes:
        raise RevertRefused([_("这条历史记录没有改动任何字段。")])
    reasons = []
    plan = []
    for field, before, after in changes:
        current = getattr(obj, field.attname)
        if current != after:
            reasons.append(
                _("“%(field)s”在这次修改之后又被改过（现在是 %(current)s），不能撤销这次修改。")
                % {"field": field.verbose_name, "current": value_display(field, current)}
            )
        plan.append((field, current, before))
    if reasons:
        raise RevertRefused(reasons)
    return plan


def change_revert(obj, history_record, *, user) -> None:
    """Write the values before ``history_record`` back, validated and recorded like any edit."""
    for field, _current, before in change_revert_plan(obj, history_record):
        setattr(obj, field.attname, before)
    obj.full_clean()
    obj._history_user = user
    obj._change_reason = f"撤销修改 #{history_record.history_id}"
    obj.save()
