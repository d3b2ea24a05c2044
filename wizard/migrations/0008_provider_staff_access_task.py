"""The wizard's task "give my staff access to a client's applications" (the provider's local
manager), for databases loaded before it: the page published and its choice appended to the
local manager's profile page, through the loader, as 0006 did for the first mandate tasks
(an editor's changes to the profile page are kept; a page with unpublished changes keeps the
new choice in its draft)."""

from django.db import migrations

SLUGS = frozenset({"gl-provider-staff-access"})


def forwards(apps, schema_editor):
    Page = apps.get_model("wizard", "Page")
    if not Page.objects.exists():
        return  # a fresh database: the post-migrate load brings every page
    from wizard.content.loader import load_content

    load_content(only=SLUGS)


def backwards(apps, schema_editor):
    Page = apps.get_model("wizard", "Page")
    Choice = apps.get_model("wizard", "Choice")
    Choice.objects.filter(target__slug__in=SLUGS).delete()
    Page.objects.filter(slug__in=SLUGS).delete()


class Migration(migrations.Migration):
    dependencies = [("wizard", "0007_link_action_provider_clients")]

    operations = [migrations.RunPython(forwards, backwards)]
