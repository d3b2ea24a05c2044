"""The wizard's tasks of mandates between enterprises, for databases loaded before them.

A fresh database gets them with the rest of the content (the post-migrate load, which runs
when no page exists yet, so nothing is done here then). An existing one gets the new pages,
and their choices appended to the profile pages (legal representative, RAE, local manager),
through the loader (wizard/content/loader.py): an editor's changes to those profile pages
are kept, and a page with unpublished changes keeps the new choice in its draft.

The loader works with the models of the code, not this migration's historical ones: it
publishes (a snapshot of the page and its links) the way the portal does, which a copy
here would drift from. The pages it touches are the wizard's own tables as of 0005.
"""

from django.db import migrations

SLUGS = frozenset({"lr-mandates", "rae-mandates", "rae-mandates-end", "gl-mandates-clients"})


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
    dependencies = [("wizard", "0005_link_action_mandates")]

    operations = [migrations.RunPython(forwards, backwards)]
