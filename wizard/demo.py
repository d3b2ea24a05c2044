"""Demo data for the wizard: its content (the wizard has no demo accounts)."""

from typing import IO

from django.core.management import call_command


def load(*, password: str, stdout: IO | None = None) -> list[tuple[str, str]]:
    call_command("load_wizard", stdout=stdout, verbosity=1 if stdout else 0)
    return []
