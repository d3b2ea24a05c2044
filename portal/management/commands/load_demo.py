"""Load the demo data: the sample registry and one account per profile.

Idempotent: every app's `demo.load()` creates what is missing and leaves the rest. Each app
owning a profile contributes its part (enterprises: registry and designations; roles:
attributions; wizard: its content and editor). The command ends with what a newcomer needs
to start: the addresses and the demo accounts (as the apps' demo modules declare them).
"""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import NoReverseMatch, reverse

DEMO_PASSWORD = "demo-egov-2026"  # noqa: S105 (published demo password, DEBUG data only)
# Apps contributing demo data, in dependency order.
DEMO_MODULES = [
    "accounts.demo",
    "enterprises.demo",
    "roles.demo",
    "mandates.demo",
    "relying.demo",
    "wizard.demo",
]
# The addresses a newcomer opens, by URL name (the development mailbox exists with DEBUG
# only). Like the rest of the console output, for the developer: English, not translated.
ADDRESSES = [
    ("Portal", "home"),
    ("Development mailbox", "dev_mailbox"),
    ("Administration", "admin:index"),
]


def addresses() -> list[tuple[str, str]]:
    found = []
    for label, name in ADDRESSES:
        try:
            found.append((label, settings.SITE_URL + reverse(name)))
        except NoReverseMatch:
            continue  # not served with these settings: not worth a line
    return found


def summary(accounts: list[tuple[str, str]], notes: list[str] = ()) -> list[str]:
    """The closing lines: where to go, who to sign in as, and what else to start."""
    lines = []
    rows = addresses()
    width = max((len(label) for label, _url in rows), default=0)
    lines += [f"  {(label + ':').ljust(width + 1)}  {url}" for label, url in rows]
    lines.append(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    width = max((len(email) for email, _profile in accounts), default=0)
    lines += [f"  {email.ljust(width)}  {profile}" for email, profile in accounts]
    lines += notes
    return lines


def demo_accounts() -> list[tuple[str, str]]:
    """Every demo module's accounts, without loading anything (for the serving command)."""
    accounts: list[tuple[str, str]] = []
    for module in _modules():
        accounts.extend(getattr(module, "accounts", lambda: [])())
    return accounts


def demo_notes() -> list[str]:
    """What the demo modules add at the end (how to start the sample application)."""
    notes: list[str] = []
    for module in _modules():
        notes.extend(getattr(module, "notes", lambda: [])())
    return notes


def _modules():
    for module_name in DEMO_MODULES:
        try:
            yield import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise


class Command(BaseCommand):
    help = "Load (or complete) the demo data and print the addresses and demo accounts."

    def handle(self, *args, **options):
        accounts: list[tuple[str, str]] = []
        for module in _modules():
            with transaction.atomic():
                accounts.extend(module.load(password=DEMO_PASSWORD, stdout=self.stdout) or [])
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        for line in summary(accounts, demo_notes()):
            self.stdout.write(line)
