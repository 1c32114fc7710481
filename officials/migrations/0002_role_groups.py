"""Create the three role groups with their permissions, so that no role is ever set up by hand.

Permissions are normally created after ``migrate`` (post_migrate); a fresh database has none yet, so this
migration creates those of every installed app first. ``OfficialsConfig.ready`` re-syncs after each
migrate, for permissions added by later migrations.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations


def create_role_groups(apps, schema_editor):
    from officials.roles import roles_sync

    for app_config in global_apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0)
        create_permissions(app_config, verbosity=0)
    roles_sync(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("officials", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("enterprises", "0007_history_channel"),
        ("patents", "0005_historicalpatent"),
        ("regions", "0001_initial"),
        ("reports", "0003_snapshot_recompute_permission"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
