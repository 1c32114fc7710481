"""Moving ImportRecord to the imports app keeps the grants that name it (imports.0002).

The role groups, users and admin log entries point at the model's content type and its permissions; the
migration renames that content type (enterprises → imports) instead of leaving it behind, so no grant is lost.
"""

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
