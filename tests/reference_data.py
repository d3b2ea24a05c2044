"""Reference rows that data migrations create (catalogues, staff groups).

Transactional tests (browser, worker, faults) flush the database when they end, taking these
rows with them; tests that need them call `ensure_reference_data()`, which re-runs the same
migration code, idempotently.
"""

from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group, Permission

from portal.groups import WIZARD_EDITORS


def ensure_reference_data() -> None:
    import_module("enterprises.migrations.0003_quality_catalogue_contact_centre_group").forwards(
        apps, None
    )
    import_module("roles.migrations.0002_catalogue").forwards(apps, None)
    import_module("roles.migrations.0007_application_groups").forwards(apps, None)
    editors, _ = Group.objects.get_or_create(name=WIZARD_EDITORS)
    editors.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["wizard", "reversion"])
    )
