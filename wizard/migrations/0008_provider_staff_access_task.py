"""The wizard's task "give my staff access to a client's applications" (the provider's local
manager), for databases loaded before it: the page published and its choice appended to the
local manager's profile page, through the loader, as 0006 did for the first mandate tasks
(an editor's changes to the profile page are kept; a page with unpublished changes keeps the
new choice in its draft)."""

from django.db import migrations

from wizard.content.migrating import tasks_added

SLUGS = frozenset({"gl-provider-staff-access"})


class Migration(migrations.Migration):
    dependencies = [("wizard", "0007_link_action_provider_clients")]

    operations = [tasks_added(SLUGS)]
