"""The character pairs of each enterprise's names, in a generated column with a GIN index.

They serve the text search ``?q=`` of the enterprise list and API: ``enterprises.search`` explains it and
queries them. The column holds the pairs of the current and former names upper-cased, as ``icontains``
compares them, and of the normalised name as stored, joined by line breaks. A pair that spans two names
contains a line break, which no search has.

The column is generated, so every write path keeps it, and stored, so a query reads the pairs instead of
computing them again for every row it tests. Django's model does not declare it: only the search's SQL
reads it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION text_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(SELECT substr(value, i, 2) FROM generate_series(1, length(value) - 1) AS i)
$$;
ALTER TABLE {table} ADD COLUMN search_bigrams text[] GENERATED ALWAYS AS (
    text_bigrams(
        upper(name) || chr(10) || upper(coalesce(former_names::text, '')) || chr(10) || name_normalized
    )
) STORED;
CREATE INDEX enterprise_search_bigrams_idx ON {table} USING gin (search_bigrams);
"""
DROP = """
ALTER TABLE {table} DROP COLUMN search_bigrams;
DROP FUNCTION text_bigrams(text);
"""


def _execute(sql):
    def operation(apps, schema_editor):
        table = schema_editor.quote_name(apps.get_model("enterprises", "Enterprise")._meta.db_table)
        schema_editor.execute(sql.format(table=table))

    return operation


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0009_enterprise_province_employees_index")]

    operations = [migrations.RunPython(_execute(CREATE), _execute(DROP), elidable=False)]
