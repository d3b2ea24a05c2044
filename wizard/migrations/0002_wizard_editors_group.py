"""The "wizard-editors" staff group: the wizard's model permissions and reversion's, nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "wizard-editors"  # portal.groups.WIZARD_EDITORS (constant copied: migrations are frozen)
APPS = ("wizard", "reversion")


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    for label in APPS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=APPS))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("wizard", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
