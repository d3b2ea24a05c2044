"""The wizard's tasks "propose mandates to many clients at once, with a CSV file" and
"validate at once the mandate proposals waiting for my answer" (the RAE), for databases
loaded before them: the pages published and their choices appended to the RAE's profile
page, through the loader, as 0006 and 0008 did (an editor's changes to the profile page are
kept; a page with unpublished changes keeps the new choices in its draft)."""

from django.db import migrations

SLUGS = frozenset({"rae-mandates-bulk", "rae-mandates-validate-many"})


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
    dependencies = [("wizard", "0008_provider_staff_access_task")]

    operations = [migrations.RunPython(forwards, backwards)]
