"""The import record's content type follows the model (app_label enterprises → imports).

Renaming the row rather than creating a new one keeps everything that points at it: the permissions
(``view_importrecord`` …, so the role groups' and users' grants), and the admin's log entries.
"""

from django.db import migrations

OLD, NEW = "enterprises", "imports"


def _move(apps, source: str, target: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    moving = content_type.objects.filter(app_label=source, model="importrecord").first()
    if moving is None:
        return  # a fresh database: the content type is created for the new app after migrate
    arrived = content_type.objects.filter(app_label=target, model="importrecord").first()
    if arrived is not None:
        # Created for the new app meanwhile (a migration that created every app's content types): the old
        # row carries the grants and the log, so it is the one kept; what pointed at the new one follows it.
        permission = apps.get_model("auth", "Permission")
        log_entry = apps.get_model("admin", "LogEntry")
        kept = set(permission.objects.filter(content_type=moving).values_list("codename", flat=True))
        permission.objects.filter(content_type=arrived, codename__in=kept).delete()
        permission.objects.filter(content_type=arrived).update(content_type=moving)
        log_entry.objects.filter(content_type=arrived).update(content_type=moving)
        arrived.delete()
    moving.app_label = target
    moving.save(update_fields=["app_label"])
    content_type.objects.clear_cache()


def forwards(apps, schema_editor):
    _move(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _move(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
