"""Demo data for the wizard: its content (the wizard has no demo accounts)."""

from typing import IO

from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.models import User
from portal.groups import WIZARD_EDITORS


def load(*, password: str, stdout: IO | None = None) -> list[tuple[str, str]]:
    call_command("load_wizard", stdout=stdout, verbosity=1 if stdout else 0)
    # The demo content editor: staff, in the editors' group (wizard permissions only).
    editor = User.objects.filter(email="editor@demo.egov.example").first()
    if editor is not None:
        editor.is_staff = True
        editor.save(update_fields=["is_staff"])
        editor.groups.add(Group.objects.get(name=WIZARD_EDITORS))
    return []
