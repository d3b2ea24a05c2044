"""Load the demo data: the sample registry and one account per profile.

Idempotent: every app's `demo.load()` creates what is missing and leaves the rest. Each app
owning a profile contributes its part (enterprises: registry and designations; roles:
attributions; wizard: its content and editor).
"""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_PASSWORD = "demo-egov-2026"  # noqa: S105 (published demo password, DEBUG data only)
# Apps contributing demo data, in dependency order.
DEMO_MODULES = ["accounts.demo", "enterprises.demo", "roles.demo", "wizard.demo"]


class Command(BaseCommand):
    help = "Load (or complete) the demo data and print the demo accounts."

    def handle(self, *args, **options):
        accounts: list[tuple[str, str]] = []
        for module_name in DEMO_MODULES:
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            with transaction.atomic():
                accounts.extend(module.load(password=DEMO_PASSWORD, stdout=self.stdout) or [])
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD}):"))
        width = max((len(email) for email, _ in accounts), default=0)
        for email, profile in accounts:
            self.stdout.write(f"  {email.ljust(width)}  {profile}")
