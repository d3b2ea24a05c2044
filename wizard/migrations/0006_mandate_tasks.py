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

from wizard.content.migrating import tasks_added

SLUGS = frozenset({"lr-mandates", "rae-mandates", "rae-mandates-end", "gl-mandates-clients"})


class Migration(migrations.Migration):
    dependencies = [("wizard", "0005_link_action_mandates")]

    operations = [tasks_added(SLUGS)]
