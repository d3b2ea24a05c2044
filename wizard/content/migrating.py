"""What a migration that adds wizard tasks runs, for databases loaded before them (0006,
0008, 0009): the new pages published and their choices appended to the profile pages,
through the loader (wizard/content/loader.py). An editor's changes to those profile pages
are kept, and a page with unpublished changes keeps the new choice in its draft.

A fresh database gets the tasks with the rest of the content (the post-migrate load, which
runs when no page exists yet), so nothing is done then. The loader works with the models of
the code, not the migration's historical ones: it publishes (a snapshot of the page and its
links) the way the portal does, which a copy in each migration would drift from. Imported
by the migrations only when they run, never at their import."""

from django.db import migrations


def tasks_added(slugs: frozenset[str]) -> migrations.RunPython:
    """The operation that adds the tasks `slugs` (and, backwards, removes them)."""

    def forwards(apps, schema_editor):
        if not apps.get_model("wizard", "Page").objects.exists():
            return  # a fresh database: the post-migrate load brings every page
        from wizard.content.loader import load_content

        load_content(only=slugs)

    def backwards(apps, schema_editor):
        apps.get_model("wizard", "Choice").objects.filter(target__slug__in=slugs).delete()
        apps.get_model("wizard", "Page").objects.filter(slug__in=slugs).delete()

    return migrations.RunPython(forwards, backwards)
