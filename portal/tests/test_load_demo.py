"""`make run` as a newcomer reads it: `load_demo` ends with the addresses and the demo
accounts, and says nothing that reads like a failure when nothing failed."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import include, path

from accounts.demo import DEMO_PEOPLE
from portal import views
from portal.management.commands.load_demo import DEMO_PASSWORD
from relying import demo as relying_demo
from tests.reference_data import ensure_reference_data

ROOT = Path(__file__).resolve().parents[2]
SITE = "http://127.0.0.1:8123"
# What read as failures on a fresh `make run`: Celery's eager trace of tasks with nothing
# left to do ("… succeeded in 0.003s: False") and the wizard's "0 wizard page(s) to load".
ALARMING = ("succeeded in", ": False", "0 wizard page", "Traceback", "error", "fail")

# The development mailbox is routed with DEBUG only; the test settings run without it.
urlpatterns = [
    path("dev/mailbox/", views.mailbox, name="dev_mailbox"),
    path("", include("portal.urls")),
]


def expected_ending() -> list[str]:
    width = max(len(email) for email in DEMO_PEOPLE)
    return [
        "Demo data ready.",
        f"  Portal:               {SITE}/",
        f"  Development mailbox:  {SITE}/dev/mailbox/",
        f"  Administration:       {SITE}/admin/",
        f"Demo accounts (password for all: {DEMO_PASSWORD}):",
        *[f"  {email.ljust(width)}  {values[4]}" for email, values in DEMO_PEOPLE.items()],
        "Sample application (Dimona): in another terminal, `make sample`,",
        f"  then open {relying_demo.SAMPLE_URL} and sign in as the demo user"
        " (user@demo.egov.example).",
    ]


def assert_reads_well(output: str) -> None:
    lines = [line.rstrip() for line in output.splitlines() if line.strip()]
    ending = expected_ending()
    assert lines[-len(ending) :] == ending, output
    for line in lines:
        assert not any(word.lower() in line.lower() for word in ALARMING), line


@pytest.mark.django_db(transaction=True)
def test_load_demo_ends_with_the_addresses_and_the_accounts(settings):
    # A transactional test run before this one flushed the migrations' catalogue.
    ensure_reference_data()
    settings.SITE_URL = SITE
    settings.ROOT_URLCONF = __name__
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert_reads_well(out.getvalue())
    # Idempotent, and as clear the second time (nothing to load is no failure).
    again = io.StringIO()
    call_command("load_demo", stdout=again)
    assert_reads_well(again.getvalue())
    assert "Wizard content already loaded" in again.getvalue()


def test_make_runs_first_output_reads_well_on_the_embedded_default(tmp_path):
    """The real thing: a fresh SQLite database, tasks in-process, the console's log too."""
    # Only what `make run` sets: the test settings put their own values in os.environ.
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    env |= {"DEBUG": "true", "SITE_URL": SITE, "PORTAL_VAR_DIR": str(tmp_path)}
    for command in (["migrate", "--noinput", "-v", "0"], ["load_demo"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    # stderr carries the log (Celery's task lines went there); both are what the person reads.
    assert not result.stderr.strip(), result.stderr
    assert_reads_well(result.stdout)
