"""The change history: who, when, why and through which channel, and the one way history rows are written.

Every history row (django-simple-history) says who, when, before/after, why, and its **channel**: the
admin, an import (with its import record), the API or a command. Those four are a ``HistoryStamp``, built
by one rule, ``history_stamp``, whichever way the rows are written:

* one ``save()``/``delete()`` at a time: simple-history's signal fills the row (``_stamp_saved_row``),
  with the stamp of an enclosing ``history_stamped(stamp)`` block, or else by the rule from the save
  (its user and reason, the request it happens in);
* a bulk write: ``history_write(model, rows, stamp=...)``, where ``rows`` are the written objects
  (inserted by COPY) or a ``HistorySelect`` over rows already in SQL (one ``INSERT ... SELECT``).
"""

import dataclasses
import datetime
import enum
import re
from collections.abc import Iterator, Mapping, Sequence
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


@dataclasses.dataclass(frozen=True)
class HistoryStamp:
    """Who, when, why and through which channel: the columns every history row of one write shares."""

    user_id: int | None
    date: datetime.datetime
    reason: str | None
    channel: str
    import_record_id: int | None = None

    def columns(self, history_model) -> dict[str, object]:
        """The stamp as history columns (the channel and record only where the history table has them)."""
        columns = {"history_date": self.date, "history_user_id": self.user_id, "history_change_reason": self.reason}
        if hasattr(history_model, "history_channel"):
            columns |= {"history_channel": str(self.channel), "history_import_record_id": self.import_record_id}
        return columns


# The reasons written by the code, not typed by a person: stored in one form, which the history page
# recognises (``history_admin.reason_display``) and shows translated, with a link to the import record.
_IMPORT_REASON = "导入 {file_name} (ImportRecord #{pk})"
IMPORT_REASON = re.compile(r"^导入 (?P<file_name>.*) \(ImportRecord #(?P<pk>\d+)\)$")
IMPORT_REVERT_REASON = re.compile(r"^撤销导入 #(?P<pk>\d+)$")  # imports.reverts
_CHANGE_REVERT_REASON = "撤销修改 #{history_id}"
CHANGE_REVERT_REASON = re.compile(r"^撤销修改 #(?P<history_id>\d+)$")


def history_stamp(
    *, user=None, reason: str | None = None, import_record=None, channel: str | None = None, date=None
) -> HistoryStamp:
    """The one rule of who, when, why and channel, for every way a history row is written.

    * when: ``date`` (a saved object's own moment), else now; every row of one stamp shares it;
    * who: ``user``; none for a command;
    * why: ``reason``; an import's rows say "导入 <file> (ImportRecord #n)" unless told otherwise;
    * channel: ``channel`` when the caller says; for an ``import_record``, ``api`` when the API made the
      import (an API write goes through the importer), else ``import``; else the request the change happens
      in: ``api`` under ``/api/``, ``admin`` for any other; ``command`` outside a request.
    """
    record_id = getattr(import_record, "pk", None)
    if import_record is not None and reason is None:
        reason = _IMPORT_REASON.format(file_name=import_record.file_name, pk=record_id)[:100]
    if channel is None and import_record is not None:
        channel = Channel.API if import_record.via == "api" else Channel.IMPORT
    return HistoryStamp(
        user_id=getattr(user, "pk", None),
        date=date or timezone.now(),
        reason=reason,
        channel=channel or _request_channel(),
        import_record_id=record_id,
    )


def _request_channel() -> str:
    """``api`` inside a request under ``/api/``, ``admin`` inside any other request, ``command`` outside one."""
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        return Channel.COMMAND
    return Channel.API if "/api/" in request.path else Channel.ADMIN


_stamped: ContextVar[HistoryStamp | None] = ContextVar("history_stamp", default=None)


@contextmanager
def history_stamped(stamp: HistoryStamp) -> Iterator[None]:
    """Every history row a ``save()``/``delete()`` writes inside the block carries ``stamp``.

    One stamp is one moment: save each object once inside the block (simple-history finds a row's
    previous row by date), as a revert does.
    """
    token = _stamped.set(stamp)
    try:
        yield
    finally:
        _stamped.reset(token)


def _stamp_saved_row(sender, history_instance, **kwargs) -> None:
    """simple-history's signal, before it saves a row: the stamp in force, or the rule applied to the save."""
    stamp = _stamped.get() or history_stamp(
        user=history_instance.history_user,
        reason=history_instance.history_change_reason,
        date=history_instance.history_date,
    )
    for attname, value in stamp.columns(type(history_instance)).items():
        setattr(history_instance, attname, value)


pre_create_historical_record.connect(_stamp_saved_row, dispatch_uid="utilities.history.channel")


@dataclasses.dataclass(frozen=True)
class HistorySelect:
    """History rows whose values are already in SQL, written by one ``INSERT ... SELECT``.

    ``values`` maps every tracked field's attname to an SQL expression over ``source`` (``FROM ... WHERE
    ...``, with ``params``), or to (expression, its params); ``history_type`` is an SQL expression too
    (``'+'``, or a CASE when one statement both creates and changes).
    """

    values: Mapping[str, str | tuple[str, Sequence]]
    source: str
    history_type: str
    params: Sequence = ()


def history_write(model, rows, *, stamp: HistoryStamp, history_type: str | None = None) -> None:
    """One history row per written object of ``model``, all with ``stamp``: the bulk writes' history.

    ``rows`` are the objects as written, with ``history_type`` ``+``, ``~`` or ``-`` (inserted by COPY:
    Django's ``bulk_create`` spent most of a 15,000-row import compiling these rows), or a
    ``HistorySelect``, which carries its own type. The columns and values are those simple-history writes
    on a save. A tracked field without a value raises KeyError instead of being left empty, so a new
    column cannot silently go missing.
    """
    if isinstance(rows, HistorySelect):
        if history_type is not None:
            raise TypeError("a HistorySelect carries its own history_type")
    elif history_type not in ("+", "~", "-"):
        raise ValueError(f"history_type must be '+', '~' or '-', not {history_type!r}")
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history_model = model.history.model
    fields = [field for field in history_model._meta.concrete_fields if field.attname != "history_id"]
    tracked = {field.attname for field in history_model.tracked_fields}
    if isinstance(rows, HistorySelect):
        _insert_select(history_model, fields, tracked, rows, stamp)
    elif rows:
        common = {**stamp.columns(history_model), "history_type": history_type}
        values = db_values(fields)
        written = []
        for obj in rows:
            row = {**common, **{attname: getattr(obj, attname) for attname in tracked}}
            written.append(values(row.__getitem__))
        insert_objects(history_model, fields, written)


def _insert_select(history_model, fields, tracked: set[str], select: HistorySelect, stamp: HistoryStamp) -> None:
    common = stamp.columns(history_model)
    common["history_date"] = connection.ops.adapt_datetimefield_value(stamp.date)
    expressions, params = [], []
    for field in fields:
        if field.attname in tracked:
            expression = select.values[field.attname]
            expression, expression_params = (expression, []) if isinstance(expression, str) else expression
            expressions.append(expression)
            params.extend(expression_params)
        elif field.attname == "history_type":
            expressions.append(select.history_type)
        else:
            expressions.append("%s")
            params.append(common[field.attname])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table_name(history_model)} ({', '.join(column_names(fields))}) "
            f"SELECT {', '.join(expressions)} {select.source}",
            [*params, *select.params],
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


class ConflictTest(enum.Enum):
    """How a revert tells that a field was changed after the change it undoes: see ``revert_conflicts``."""

    LATER_ROWS = "later rows"  # an import's revert
    VALUE_NOW = "value now"  # one change, reverted from an object's history page


def revert_conflicts(model, label: str, fields: list, rows: list, *, judged_by: ConflictTest, now=None) -> list[str]:
    """The one revert-conflict rule: why the ``fields`` a change wrote cannot get their earlier values back.

    A field changed after the change being reverted cannot be restored without throwing that later change
    away; each such field is named. ``rows`` are the change's history row, then (``LATER_ROWS``) every
    later one of the object, in order; ``now`` is the object as it is (``VALUE_NOW``). Empty when none.

    What "changed after" means is the one difference, and ``judged_by`` names it:

    * ``VALUE_NOW``, for one change: the value now differs from the value the change wrote. A field
      changed and changed back holds that value again, so reverting throws nothing away and must not be
      refused; the value now also catches a write that left no history row, and the message names it as
      the official sees it on the form.
    * ``LATER_ROWS``, for an import: some later history row changed the field, even if back again, and
      the first is named (who, when). An import's revert undoes many objects at once, previewed as a
      list: whoever worked on a field since is named for the official to check before a bulk undo, and
      the kept before-states (a patent's applicant list has no history) are compared with rows, not values.
    """
    if judged_by is ConflictTest.VALUE_NOW:
        return [
            _("“%(field)s”在这次修改之后又被改过（现在是 %(current)s），不能撤销这次修改。")
            % {"field": field.verbose_name, "current": value_display(field, getattr(now, field.attname))}
            for field in fields
            if getattr(now, field.attname) != getattr(rows[0], field.attname)
        ]
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

    Only a change ("~") can be reverted, and only while no field it wrote has been changed since, judged
    by the value now (``revert_conflicts``, ``ConflictTest.VALUE_NOW``: changed and changed back is fine).
    """
    if history_record.history_type != "~" or history_record.prev_record is None:
        raise RevertRefused([_("只能撤销对已有记录的修改；新建或删除不能在这里撤销。")])
    changes = changed_fields(history_record)
    if not changes:
        raise RevertRefused([_("这条历史记录没有改动任何字段。")])
    fields = [field for field, _before, _after in changes]
    reasons = revert_conflicts(type(obj), str(obj), fields, [history_record], judged_by=ConflictTest.VALUE_NOW, now=obj)
    if reasons:
        raise RevertRefused(reasons)
    return [(field, getattr(obj, field.attname), before) for field, before, _after in changes]


def change_revert(obj, history_record, *, user) -> None:
    """Write the values before ``history_record`` back, validated and recorded like any edit."""
    for field, _current, before in change_revert_plan(obj, history_record):
        setattr(obj, field.attname, before)
    obj.full_clean()
    with history_stamped(
        history_stamp(user=user, reason=_CHANGE_REVERT_REASON.format(history_id=history_record.history_id))
    ):
        obj.save()
