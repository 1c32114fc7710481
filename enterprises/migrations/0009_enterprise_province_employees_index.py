"""An index for the enterprise lists of one province by size, largest first.

``?province=…&ordering=-employees`` sorts employees descending with unknown values last (``NULLS LAST``).
Without this index PostgreSQL reads every enterprise of the province and sorts them: 23 ms for Jiangsu's
15,271 enterprises at 10x, growing with the data; with it, the first page is an index range scan
(0.1 ms). Written as SQL when the project still ran on SQLite, which has no ``NULLS LAST`` in an index.
"""

from django.db import migrations

INDEX = "enterprise_province_employees_idx"


def create_index(apps, schema_editor):
    table = schema_editor.quote_name(apps.get_model("enterprises", "Enterprise")._meta.db_table)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table} (province_id, employees DESC NULLS LAST, id DESC)"
    )


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0008_history_date_without_index")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
