"""Set-based writes shared by the importers, through PostgreSQL's COPY.

Django's ``bulk_create``/``bulk_update`` spent most of a 15,000-row import compiling SQL, so the importers
write through these helpers instead:

* ``insert_rows`` appends rows to a table with ``COPY ... FROM STDIN`` (psycopg formats the rows in C;
  Django's client-side binding quotes in Python);
* ``update_rows`` updates fields of many objects in one statement (COPY into a temporary table, then
  ``UPDATE ... FROM``);
* ``reserve_pks`` draws fresh primary keys, so the rows of new objects and of what refers to them can be
  written without reading the new rows back;
* ``indexes_rebuilt`` drops a table's secondary indexes around a bulk load and builds them again, sorted,
  which is several times faster than inserting a million keys one by one into each B-tree.

Every helper takes a Django cursor (``connection.cursor()``); COPY reaches the psycopg cursor under it.
Table and column names come from the model (``table_name``, ``column_names``), quoted, never by hand.
"""

import functools
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table_name(model) -> str:
    """The model's table, quoted for SQL: the one way SQL in this project names a model's table."""
    return quote(model._meta.db_table)


def column_names(fields: Iterable) -> list[str]:
    """The quoted columns of model fields."""
    return [quote(field.column) for field in fields]


def chunks(values: Iterable, size: int | None = None, *, per_value: int = 1) -> Iterator[list]:
    """Split ``values`` for ``__in`` lookups, so that no query carries an unbounded list of parameters.

    ``per_value``: parameters each value takes (a pair of columns takes two), for the default size.
    """
    size = size or 10_000 // per_value
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def copy_rows(cursor, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """PostgreSQL ``COPY table (columns) FROM STDIN`` through the psycopg cursor under Django's ``cursor``."""
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert_rows(cursor, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Append ``rows`` to ``table`` (quoted names) with COPY; ``rows`` may be an iterator, COPY streams it."""
    if isinstance(rows, Sequence) and not rows:
        return
    copy_rows(cursor, table, columns, rows)


def update_rows(model, objs: list, field_names: Iterable[str]) -> None:
    """UPDATE the given fields of ``objs`` by primary key, set-based.

    ``QuerySet.bulk_update`` builds a CASE WHEN per field and row, and a statement per row costs a round trip
    each: the new values are COPYed into a temporary table and the rows updated from it in one statement.
    """
    fields = [model._meta.get_field(name.removesuffix("_id")) for name in field_names]
    pk = model._meta.pk
    table = table_name(model)
    params = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        temporary = quote(f"import_{model._meta.db_table}")
        columns = column_names([*fields, pk])
        cursor.execute(temp_table_like(temporary, table, columns))
        copy_rows(cursor, temporary, columns, params)
        assignments = ", ".join(f"{column} = {temporary}.{column}" for column in columns[:-1])
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {temporary} WHERE {table}.{columns[-1]} = {temporary}.{columns[-1]}"
        )
        drop_tables(cursor, temporary)


def reserve_pks(cursor, model, count: int) -> list[int]:
    """``count`` new primary keys of ``model``'s table, never used before, safe against concurrent writers.

    They are drawn from the identity sequence, so a deleted row's key, which its history rows still carry,
    is never reused.
    """
    table, pk = model._meta.db_table, model._meta.pk.column
    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count])
    return [key for (key,) in cursor.fetchall()]


def next_pk_sql(cursor, model) -> str:
    """An SQL expression drawing the next primary key of ``model`` from its sequence.

    The sequence is looked up once, here: ``nextval(pg_get_serial_sequence(...))`` looks it up again for
    every row, which made numbering a million new rows take ~10 s instead of ~2 s.
    """
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table_name(model), model._meta.pk.column])
    (sequence,) = cursor.fetchone()
    literal = sequence.replace("'", "''")  # from the catalogue; quoted as a string literal all the same
    return f"nextval('{literal}'::regclass)"


def db_values(fields) -> Callable[[Callable[[str], object]], list]:
    """A function turning ``get(attname)`` into the row's column values, preparing only what needs it.

    ``Field.get_db_prep_save`` per value was a third of a large import; strings, integers, booleans and
    NULL go to psycopg unchanged, so only dates, timestamps and JSON are prepared by their field.
    """
    passthrough = {"CharField", "IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "BooleanField"}
    passthrough |= {"BigIntegerField", "AutoField", "BigAutoField", "ForeignKey"}
    plans = [
        (model_field.attname, model_field.get_internal_type() in passthrough, model_field) for model_field in fields
    ]

    def values(get: Callable[[str], object]) -> list:
        row = []
        for attname, plain, model_field in plans:
            value = get(attname)
            row.append(value if plain or value is None else model_field.get_db_prep_save(value, connection))
        return row

    return values


def insert_objects(model, fields, rows: Sequence[Sequence]) -> None:
    """INSERT rows (values of ``fields``, in order) into ``model``'s table, without returning keys."""
    with connection.cursor() as cursor:
        insert_rows(cursor, table_name(model), column_names(fields), rows)


def insert_with_new_pks(model, objs: list) -> None:
    """INSERT new objects with freshly reserved primary keys and set them on the objects.

    Whatever refers to the new objects (designations, history rows) needs their keys; reserving them first
    saves reading the rows back.
    """
    pk = model._meta.pk
    fields = [pk] + [field for field in model._meta.concrete_fields if not field.primary_key]
    with connection.cursor() as cursor:
        for obj, key in zip(objs, reserve_pks(cursor, model, len(objs)), strict=True):
            obj.pk = key
            obj._state.adding = False
            obj._state.db = connection.alias
    values = db_values(fields)
    insert_objects(model, fields, [values(functools.partial(getattr, obj)) for obj in objs])


# --- temporary tables ------------------------------------------------------------------------------


def temp_table_like(temporary: str, table: str, columns: Sequence[str]) -> str:
    """SQL creating an empty temporary table with ``columns`` typed as in ``table`` (all names quoted)."""
    return f"CREATE TEMPORARY TABLE {temporary} AS SELECT {', '.join(columns)} FROM {table} WITH NO DATA"


def drop_tables(cursor, *tables: str) -> None:
    for table in tables:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def analyze(cursor, *tables: str) -> None:
    """Statistics for freshly filled temporary tables (autovacuum never analyses them).

    Without them the planner guesses 1,000 rows and may pick nested loops over a million.
    """
    for table in tables:
        cursor.execute(f"ANALYZE {table}")


# --- bulk loads -------------------------------------------------------------------------------------


def table_rows_estimate(cursor, model) -> int:
    """PostgreSQL's estimate of the table's rows (``pg_class.reltuples``; 0 for a never-analysed table)."""
    cursor.execute("SELECT GREATEST(reltuples, 0) FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
    return int(cursor.fetchone()[0])


def _constraints(cursor, table: str, *, kind: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's constraints of ``kind`` (``u`` unique, ``f`` foreign key)."""
    cursor.execute(
        f"""SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = '{table}'::regclass AND contype = %s ORDER BY conname""",
        [kind],
    )
    return cursor.fetchall()


def _pending_checks_run(cursor) -> None:
    """Run the deferred checks of this transaction's earlier writes (say, a caller that imported enterprises
    in the same transaction): ALTER TABLE and CREATE INDEX refuse while any are pending. Then defer again,
    as Django creates every foreign key (DEFERRABLE INITIALLY DEFERRED)."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def indexes_rebuilt(cursor, model, *, enabled: bool) -> Iterator[None]:
    """When ``enabled``: drop the secondary indexes of ``model``'s table, then build them again.

    Everything but the primary key (which the rows reach in key order anyway, and which foreign keys need):
    unique constraints and the indexes Django made, each recreated with the same name and definition as
    read from the catalogue, inside the caller's transaction, so a failure (a duplicate a unique constraint
    catches when it is rebuilt) rolls the DDL back with the data. The price is the table's ACCESS
    EXCLUSIVE lock until commit, so callers enable it for bulk loads only (many rows compared with the
    table). Statistics are refreshed after the build: the next query over the new rows is planned well.
    """
    if not enabled:
        yield
        return
    table = table_name(model)
    constraints = _constraints(cursor, table, kind="u")
    cursor.execute(
        f"""SELECT quote_ident(c.relname), pg_get_indexdef(i.indexrelid) FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = '{table}'::regclass AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                              AND k.conrelid = i.indrelid)
            ORDER BY c.relname"""
    )
    indexes = cursor.fetchall()
    _pending_checks_run(cursor)
    for name, _ in constraints:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    # Sorting a million keys in memory instead of in temporary files; this transaction only.
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for _, definition in indexes:
        cursor.execute(definition)
    for name, definition in constraints:
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
    cursor.execute(f"ANALYZE {table}")


# From this many rows on, a write is a bulk load: worth checking the table's foreign keys once, set-based.
BULK_ROWS = 100_000


def bulk_load(cursor, model, rows: int, *, from_rows: int) -> bool:
    """Whether inserting ``rows`` into ``model``'s table is a bulk load (at least ``from_rows``, usually
    ``BULK_ROWS``): the table's secondary indexes are then built again afterwards (``indexes_rebuilt``)
    rather than updated a row at a time.

    Rebuilding costs a sort of the whole table, inserting costs a random B-tree descent per row and index:
    from a quarter of the table's size on, the rebuild wins (measured at report scale: the first import's
    INSERT of 1.58 million patents, 91 s with the indexes kept, took 33 s with the builds, on a loaded machine).
    """
    return rows >= from_rows and large_against(cursor, model, rows)


def large_against(cursor, model, rows: int) -> bool:
    """Whether ``rows`` written to ``model``'s table are a quarter of it or more, as its statistics last
    counted it (a table never analysed counts 0 rows): then the statistics and the visibility map are worth
    renewing at once (``vacuumed``) rather than left to autovacuum."""
    return rows > 0 and rows * 4 >= table_rows_estimate(cursor, model)


@contextmanager
def foreign_keys_checked_once(cursor, model, *, enabled: bool) -> Iterator[None]:
    """When ``enabled``: drop the foreign keys of ``model``'s table around a bulk insert, then
    add them again, validated, unchanged.

    Otherwise every inserted row queues a deferred check of its own, run one at a time at the end; adding
    the constraint again checks all the rows with one anti-join. Same names and definitions (read from the
    catalogue), inside the caller's transaction, so a failure rolls the DDL back with the data. The price:
    the table is locked against readers until commit, so callers enable it for bulk loads only.
    """
    if not enabled:
        yield
        return
    table = table_name(model)
    foreign_keys = _constraints(cursor, table, kind="f")
    _pending_checks_run(cursor)
    for name, _ in foreign_keys:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    yield
    for name, definition in foreign_keys:
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")


def vacuumed(*models, analyze: bool = True) -> bool:
    """Outside any transaction: ``VACUUM (ANALYZE)`` the tables of ``models`` after a bulk write.

    A freshly loaded table has no visibility map, so no index-only scan is possible on it until a vacuum
    has run, and its first readers set the hint bits of every row. Measured at 10x after an import: one
    enterprise's measures (through the applicants' (enterprise, patent) index) took 66 ms, 14 ms once the
    patent tables were vacuumed (7 s for both). Autovacuum gets there at its own pace, or never where it
    is off (as on our test machines), so a bulk write does it at once. VACUUM stops no reader or writer.

    ``analyze=False`` for tables whose statistics the write refreshed itself (a plain VACUUM of the
    indicator tables takes 20 ms, with ANALYZE of their fifty columns 0.3 s).

    A table another session holds locked against it (its own ANALYZE, a LOCK TABLE, a dead worker's
    open transaction) is skipped rather than waited for: the write it follows has committed, and a
    worker or an import must not hang on a best-effort vacuum.

    Returns whether it ran: VACUUM cannot run inside a transaction (a caller's atomic block, a test), and
    is then left to autovacuum.
    """
    if connection.in_atomic_block:
        return False
    tables = ", ".join(table_name(model) for model in models)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ({'ANALYZE, ' if analyze else ''}SKIP_LOCKED) {tables}")
    except DatabaseError:
        # The write it follows has committed: a vacuum refused (a role that does not own the tables) must
        # not report it as failed. Autovacuum remains.
        logger.warning("VACUUM of %s failed", tables, exc_info=True)
        return False
    return True
