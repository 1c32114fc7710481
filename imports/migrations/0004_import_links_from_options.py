"""The links between import records move from ``options`` JSON keys to the foreign keys of 0003.

Set-based, in SQL: one UPDATE fills the four columns, one removes the keys. An id naming a record that no
longer exists becomes NULL rather than a broken reference. Reversed, the keys are written back.
"""

from django.db import migrations

TABLE = "enterprises_importrecord"  # ImportRecord's table (Meta.db_table), kept from the enterprises app
# (JSON key, column)
LINKS = [
    ("applied_record_id", "applied_record_id"),
    ("preview_record_id", "preview_record_id"),
    ("reverts", "reverts_id"),
    ("reverted_by", "reverted_by_id"),
]
KEYS = "ARRAY[" + ", ".join(f"'{key}'" for key, _column in LINKS) + "]"

FORWARDS = [
    f"""UPDATE "{TABLE}" AS r SET """
    + ", ".join(
        f""""{column}" = (SELECT t.id FROM "{TABLE}" AS t WHERE t.id = (r.options ->> '{key}')::bigint)"""
        for key, column in LINKS
    )
    + f" WHERE r.options ?| {KEYS}",
    f"""UPDATE "{TABLE}" SET options = options - {KEYS}::text[] WHERE options ?| {KEYS}""",
]

BACKWARDS = [
    f"""UPDATE "{TABLE}" SET options = options || jsonb_strip_nulls(jsonb_build_object("""
    + ", ".join(f"""'{key}', "{column}\"""" for key, column in LINKS)
    + "))"
    + " WHERE "
    + " OR ".join(f'"{column}" IS NOT NULL' for _key, column in LINKS),
]


class Migration(migrations.Migration):
    dependencies = [("imports", "0003_import_links")]

    operations = [migrations.RunSQL(FORWARDS, BACKWARDS)]
