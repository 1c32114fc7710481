"""ImportRecord now belongs to the imports app (#24): removed from this app's state only.

The table keeps its name and its rows (``imports.0001`` takes the model over with ``db_table``).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0011_stock_code_index"),
        ("imports", "0002_importrecord_content_type"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="ImportRecord")],
        ),
    ]
