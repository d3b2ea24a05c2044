"""Two submissions at the same moment (a double click, two tabs): one invitation, no 500
(PostgreSQL only: SQLite serialises every write anyway)."""

import os
import threading
import time
from unittest import mock

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from portal.models import SubmissionKey
from roles.models import Invitation
from roles.services import invitations

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]

real_check = invitations._check_not_invited


def slow_check(*args, **kwargs):
    # The first submission checks, then stays inside its transaction a moment: the other
    # one arrives while the first has neither committed nor rolled back.
    real_check(*args, **kwargs)
    time.sleep(0.5)


def post_together(gl, url, *payloads) -> list:
    barrier = threading.Barrier(len(payloads))
    outcomes: list = [None] * len(payloads)

    def worker(index, data):
        client = Client()
        client.force_login(gl)
        try:
            barrier.wait()
            outcomes[index] = client.post(url, data)
        except Exception as exc:  # a 500 raises in the test client: recorded, asserted below
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, p)) for i, p in enumerate(payloads)]
    with mock.patch("roles.services.invitations._check_not_invited", slow_check):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    return outcomes


def payload(dimona, key: str) -> dict:
    return {
        "roles": [dimona.pk],
        "invitees": "Marie; Peeters; marie@example.test",
        "submission_key": key,
    }


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql"


def test_a_double_click_sends_one_invitation_and_answers_both(gl, eq, dimona):
    url = reverse("roles:invite", args=[eq.pk])
    key = "double-click-key-0001"
    outcomes = post_together(gl, url, payload(dimona, key), payload(dimona, key))
    assert [getattr(o, "status_code", o) for o in outcomes] == [302, 302], outcomes
    assert Invitation.objects.count() == 1
    assert SubmissionKey.objects.filter(key=key).count() == 1


def test_two_tabs_with_the_same_invitation_send_one(gl, eq, dimona):
    # Two renders, two keys: the quality's lock lets the second see the first's invitation.
    url = reverse("roles:invite", args=[eq.pk])
    outcomes = post_together(
        gl, url, payload(dimona, "tab-one-key-000001"), payload(dimona, "tab-two-key-000002")
    )
    assert sorted(getattr(o, "status_code", o) for o in outcomes) == [200, 302], outcomes
    assert Invitation.objects.count() == 1
