"""Moving ImportRecord to the imports app keeps the grants that name it (imports.0002).

The role groups, users and admin log entries point at the model's content type and its permissions; the
migration renames that content type (enterprises → imports) instead of leaving it behind, so no grant is lost.
"""

import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("enterprises", "0011_stock_code_index"), ("imports", None)]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()


def leaf_targets() -> list:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_a_group_granted_the_record_permission_before_the_move_keeps_it_after(admin_user):
    leaves = leaf_targets()
    migrate(BEFORE)
    old = Permission.objects.get(content_type__app_label="enterprises", codename="view_importrecord")
    group = Group.objects.create(name="审计")
    group.permissions.add(old)
    LogEntry.objects.create(user=admin_user, content_type=old.content_type, object_id="1", action_flag=CHANGE)

    migrate(leaves)

    moved = group.permissions.get()
    assert (moved.pk, moved.content_type.app_label, moved.codename) == (old.pk, "imports", "view_importrecord")
    assert LogEntry.objects.get().content_type.app_label == "imports"
    assert not ContentType.objects.filter(app_label="enterprises", model="importrecord").exists()


def _record_with_options(options: dict) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO enterprises_importrecord (kind, outcome, file_name, file_size, sha256, options, counts,
                   error_count, errors, via, started_at)
               VALUES ('enterprises', 'applied', 'a.csv', 1, '', %s::jsonb, '{}', 0, '[]', 'admin', now())
               RETURNING id""",
            [json.dumps(options)],
        )
        return cursor.fetchone()[0]


def test_the_links_kept_in_options_become_foreign_keys_and_leave_options(admin_user):
    leaves = leaf_targets()
    migrate([("imports", "0002_importrecord_content_type")])
    preview = _record_with_options({"stored_file": "imports/x"})
    applied = _record_with_options({"preview_record_id": preview})
    revert = _record_with_options({"reverts": preview})
    gone = 10**9  # a record deleted since: its link is dropped, not left dangling
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE enterprises_importrecord SET options = %s::jsonb WHERE id = %s",
            [json.dumps({"stored_file": "imports/x", "applied_record_id": applied, "reverted_by": revert}), preview],
        )
        cursor.execute(
            "UPDATE enterprises_importrecord SET options = %s::jsonb WHERE id = %s",
            [json.dumps({"preview_record_id": preview, "reverted_by": gone}), applied],
        )

    migrate(leaves)

    from imports.models import ImportRecord

    links = {
        record.pk: (record.applied_record_id, record.preview_record_id, record.reverts_id, record.reverted_by_id)
        for record in ImportRecord.objects.all()
    }
    assert links == {
        preview: (applied, None, None, revert),
        applied: (None, preview, None, None),
        revert: (None, None, preview, None),
    }
    options = dict(ImportRecord.objects.values_list("pk", "options"))
    assert options == {preview: {"stored_file": "imports/x"}, applied: {}, revert: {}}
