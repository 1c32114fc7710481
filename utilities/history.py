"""History rows of bulk writes, as django-simple-history writes them, inserted set-based."""

from django.conf import settings
from django.utils import timezone

from .bulk import db_values, insert_objects


def history_rows_write(model, objs: list, *, history_type: str, user, reason: str) -> None:
    """One history row per object, as simple-history's ``bulk_history_create`` builds it, inserted fast.

    Same columns and values as ``bulk_create_with_history``/``bulk_update_with_history`` write (tracked
    fields, date, user, change reason, type ``+``/``~``), inserted by ``insert_objects`` (COPY or one
    prepared statement): Django's ``bulk_create`` spent most of a 15,000-row import compiling these rows
    (SQLite also caps it at 999 parameters, about 60 rows per statement). A history column we do not
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
    fields = [field for field in history_model._meta.concrete_fields if field.attname != "history_id"]
    values = db_values(fields)
    rows = []
    for obj in objs:
        row = {**common, **{attname: getattr(obj, attname) for attname in tracked}}
        rows.append(values(row.__getitem__))
    insert_objects(history_model, fields, rows)
