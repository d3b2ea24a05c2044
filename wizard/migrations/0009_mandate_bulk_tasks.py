"""The wizard's tasks "propose mandates to many clients at once, with a CSV file" and
"validate at once the mandate proposals waiting for my answer" (the RAE), for databases
loaded before them: the pages published and their choices appended to the RAE's profile
page, through the loader, as 0006 and 0008 did (an editor's changes to the profile page are
kept; a page with unpublished changes keeps the new choices in its draft)."""

from django.db import migrations

from wizard.content.migrating import tasks_added

SLUGS = frozenset({"rae-mandates-bulk", "rae-mandates-validate-many"})


class Migration(migrations.Migration):
    dependencies = [("wizard", "0008_provider_staff_access_task")]

    operations = [tasks_added(SLUGS)]
