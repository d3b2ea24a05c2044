"""Invitation delivery (roles/delivery.py): chunks over one connection, leases, retries.

Tasks run in-process here, so a retry queued through the outbox runs at once (without its
backoff); the backoff itself is read from the outbox message's ETA. The real worker and
SMTP server are in test_worker_delivery.py and tests/faults.
"""

import smtplib
from contextlib import nullcontext
from datetime import timedelta
from unittest import mock

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent, OutboxMessage
from roles import delivery, selectors, services
from roles.models import Invitation
from roles.services import Invitee
from roles.tasks import send_invitations

from .helpers import TOKEN_RE

pytestmark = pytest.mark.django_db


class ScriptedServer(BaseEmailBackend):
    """An SMTP stand-in that counts connections and fails as the test's script says."""

    connections = 0
    delivered: list = []
    failures: dict = {}  # address -> exceptions (or callables) for its next attempts
    unreachable: list = []  # exceptions for the next connection attempts

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.connection = None

    def open(self):
        if self.connection:
            return False
        if ScriptedServer.unreachable:
            raise ScriptedServer.unreachable.pop(0)
        ScriptedServer.connections += 1
        self.connection = object()
        return True

    def close(self):
        self.connection = None

    def send_messages(self, messages):
        for message in messages:
            script = ScriptedServer.failures.get(message.to[0])
            if script:
                failure = script.pop(0)
                if isinstance(failure, Exception):
                    raise failure
                failure()
            ScriptedServer.delivered.append(message)
        return len(messages)


@pytest.fixture
def server(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.ScriptedServer"}}
    settings.TASK_RETRY_JITTER = False
    ScriptedServer.connections = 0
    ScriptedServer.delivered = []
    ScriptedServer.failures = {}
    ScriptedServer.unreachable = []
    return ScriptedServer


def create(gl, eq, role, count, capture, *, deliver=True, prefix="p") -> list[Invitation]:
    invitees = [Invitee("Prénom", f"Nom{i}", f"{prefix}{i}@example.test") for i in range(count)]
    # Without delivery, the outbox message is written but not handed to the (eager) worker.
    with (
        mock.patch("portal.outbox.publish") if not deliver else nullcontext(),
        capture(execute=True),
    ):
        created = services.invitations_create(
            actor=gl, enterprise_quality=eq, roles=[role], invitees=invitees
        )
    return list(Invitation.objects.filter(pk__in=[i.pk for i in created]).order_by("pk"))


def fresh(invitations) -> list[Invitation]:
    return list(Invitation.objects.filter(pk__in=[i.pk for i in invitations]).order_by("pk"))


def statuses(invitations) -> list[str]:
    return [i.status for i in fresh(invitations)]


def attempts(invitations) -> list[int]:
    return [i.attempts for i in fresh(invitations)]


def test_a_chunk_goes_out_over_one_connection(
    server, gl, eq, dimona, django_capture_on_commit_callbacks
):
    invitations = create(gl, eq, dimona, 30, django_capture_on_commit_callbacks)
    assert statuses(invitations) == ["sent"] * 30
    assert server.connections == 1
    assert len(server.delivered) == 30
    tokens = {TOKEN_RE.search(m.body).group(1) for m in server.delivered}
    assert len(tokens) == 30  # one fresh token each
    assert AuditEvent.objects.filter(action="invitation.sent").count() == 30
    # One task (one outbox message) carried the whole form.
    assert OutboxMessage.objects.filter(task_name="roles.send_invitations").count() == 1
    for invitation in Invitation.objects.filter(pk__in=[i.pk for i in invitations]):
        assert (invitation.attempts, invitation.claimed_by, invitation.resume_after) == (
            1,
            "",
            None,
        )


def test_a_chunk_costs_the_same_queries_for_5_and_for_50_invitations(
    server, gl, eq, dimona, django_capture_on_commit_callbacks, django_assert_num_queries
):
    small = create(gl, eq, dimona, 5, django_capture_on_commit_callbacks, deliver=False)
    # Other people: the first five are invited already (an open invitation is resent, not
    # made twice).
    large = create(
        gl, eq, dimona, 50, django_capture_on_commit_callbacks, deliver=False, prefix="q"
    )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for invitations in (small, large):
        with CaptureQueriesContext(connection) as queries:
            outcome = delivery.deliver([i.pk for i in invitations], claim="t")
        assert len(outcome.sent) == len(invitations)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_running_the_task_again_sends_nothing(
    server, gl, eq, dimona, django_capture_on_commit_callbacks
):
    invitations = create(gl, eq, dimona, 3, django_capture_on_commit_callbacks)
    result = send_invitations.apply(args=[i.pk for i in invitations])
    assert result.result == 0
    assert len(server.delivered) == 3
    assert AuditEvent.objects.filter(action="invitation.sent").count() == 3


def test_a_copy_of_the_task_leaves_a_leased_invitation_to_its_holder(
    server, gl, eq, dimona, django_capture_on_commit_callbacks
):
    invitations = create(gl, eq, dimona, 2, django_capture_on_commit_callbacks, deliver=False)
    ids = [i.pk for i in invitations]
    delivery._claim(ids, "task-a")  # task A holds them, its SMTP conversation under way

    copy = delivery.deliver(ids, claim="task-b")  # the same message, published twice
    assert (copy.sent, copy.skipped) == ([], 2)
    assert statuses(invitations) == ["sending", "sending"]
    assert server.delivered == []

    # Task A's own message handed out again (its worker died): it takes its lease over.
    again = delivery.deliver(ids, claim="task-a")
    assert sorted(again.sent) == ids
    assert statuses(invitations) == ["sent", "sent"]
    assert attempts(invitations) == [2, 2]
    assert AuditEvent.objects.filter(action="invitation.sent").count() == 2


def test_a_refused_recipient_does_not_hold_up_the_rest_of_the_chunk(
    server, gl, eq, dimona, django_capture_on_commit_callbacks
):
    server.failures["p1@example.test"] = [
        smtplib.SMTPRecipientsRefused({"p1@example.test": (450, b"mailbox busy")})
    ]
    invitations = create(gl, eq, dimona, 3, django_capture_on_commit_callbacks)
    assert statuses(invitations) == ["sent"] * 3
    assert [m.to[0] for m in server.delivered] == [
        "p0@example.test",
        "p2@example.test",
        "p1@example.test",  # its retry
    ]
    assert server.connections == 2  # the chunk's, then the retry's
    assert attempts(invitations) == [1, 2, 1]


def test_smtp_errors_are_retried_with_backoff_then_marked_failed_and_resendable(
    client, server, settings, gl, eq, dimona, django_capture_on_commit_callbacks
):
    settings.TASK_MAX_RETRIES = 3
    server.failures["p0@example.test"] = [
        smtplib.SMTPDataError(451, b"try later") for _ in range(4)
    ]
    [invitation] = create(gl, eq, dimona, 1, django_capture_on_commit_callbacks)
    assert invitation.status == Invitation.Status.FAILED
    assert invitation.attempts == 4  # the first try and three retries
    assert "try later" in invitation.last_error
    assert (invitation.claimed_by, invitation.resume_after) == ("", None)
    assert AuditEvent.objects.filter(action="invitation.failed").count() == 1
    assert not AuditEvent.objects.filter(action="invitation.sent").exists()
    # Each retry waited twice as long as the one before (TASK_RETRY_BACKOFF = 1 s here).
    retries = OutboxMessage.objects.filter(eta__isnull=False).order_by("pk")
    delays = [round((m.eta - m.created_at).total_seconds()) for m in retries]
    assert delays == [1, 2, 4]

    client.force_login(gl)
    page = client.get(reverse("roles:invitations", args=[eq.pk])).content.decode()
    assert 'value="resend"' in page and 'class="badge failed"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("roles:invitation_action", args=[eq.pk, invitation.pk]), {"action": "resend"}
        )
    invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts, invitation.last_error) == ("sent", 1, "")
    assert [m.to[0] for m in server.delivered] == ["p0@example.test"]


def test_an_unreachable_server_fails_the_attempt_for_the_whole_chunk(
    server, gl, eq, dimona, django_capture_on_commit_callbacks
):
    server.unreachable = [ConnectionRefusedError(111, "Connection refused")]
    invitations = create(gl, eq, dimona, 3, django_capture_on_commit_callbacks)
    assert statuses(invitations) == ["sent"] * 3
    assert attempts(invitations) == [2, 2, 2]
    # One retry for the three (same attempt, same backoff), one connection for it.
    assert OutboxMessage.objects.filter(eta__isnull=False).count() == 1
    assert server.connections == 1


def test_a_dropped_connection_is_opened_again_for_the_next_message(
    server, gl, eq, dimona, django_capture_on_commit_callbacks
):
    server.failures["p1@example.test"] = [smtplib.SMTPServerDisconnected("gone")]
    invitations = create(gl, eq, dimona, 3, django_capture_on_commit_callbacks)
    assert statuses(invitations) == ["sent"] * 3
    assert server.connections == 3  # first, after the drop, then the retry's


def test_an_address_the_mail_library_refuses_fails_at_once(
    server, gl, eq, dimona, django_capture_on_commit_callbacks
):
    real = delivery._message

    def message(invitation, raw):
        if invitation.email == "p0@example.test":
            raise ValueError("Invalid address")
        return real(invitation, raw)

    with mock.patch("roles.delivery._message", side_effect=message):
        invitations = create(gl, eq, dimona, 2, django_capture_on_commit_callbacks)
    assert statuses(invitations) == ["failed", "sent"]
    assert Invitation.objects.get(pk=invitations[0].pk).attempts == 1  # no retry can help


def test_an_address_the_mail_backend_refuses_fails_at_once_and_the_chunk_goes_on(
    server, gl, eq, dimona, django_capture_on_commit_callbacks
):
    # Django's SMTP backend checks each address as it sends (prep_address: ValueError).
    server.failures["p0@example.test"] = [ValueError("Invalid address")]
    invitations = create(gl, eq, dimona, 2, django_capture_on_commit_callbacks)
    assert statuses(invitations) == ["failed", "sent"]
    assert attempts(invitations) == [1, 1]
    assert "Invalid address" in fresh(invitations)[0].last_error


def test_an_invitation_revoked_while_it_is_sent_stays_revoked(
    server, gl, eq, dimona, django_capture_on_commit_callbacks
):
    invitations = create(gl, eq, dimona, 2, django_capture_on_commit_callbacks, deliver=False)
    first = invitations[0]
    server.failures["p0@example.test"] = [
        lambda: services.invitation_revoke(actor=gl, invitation=first)
    ]
    outcome = delivery.deliver([i.pk for i in invitations], claim="t")
    assert len(outcome.sent) == 2  # the message had gone when the manager revoked it
    assert statuses(invitations) == ["revoked", "sent"]
    assert not AuditEvent.objects.filter(action="invitation.sent", target_id=str(first.pk))
    assert AuditEvent.objects.filter(action="invitation.revoked", target_id=str(first.pk))


def test_a_chunk_out_of_time_gives_the_rest_back_untried(
    server, gl, eq, dimona, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(delivery, "SEND_BUDGET", timedelta(0))  # one message per run
    invitations = create(gl, eq, dimona, 3, django_capture_on_commit_callbacks)
    assert statuses(invitations) == ["sent"] * 3
    # Messages never tried are not attempts: each invitation was sent at its first.
    assert attempts(invitations) == [1, 1, 1]
    assert server.connections == 3


def test_an_unexpected_error_releases_the_chunk_to_the_sweeper_without_a_loop(
    server, gl, eq, dimona, django_capture_on_commit_callbacks
):
    invitations = create(gl, eq, dimona, 3, django_capture_on_commit_callbacks, deliver=False)
    queued_before = OutboxMessage.objects.count()
    with (
        mock.patch("roles.delivery._message", side_effect=RuntimeError("broken template")),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
    ):
        delivery.deliver([i.pk for i in invitations], claim="t")
    # Nothing left leased, nothing queued again at once; the sweeper resumes them later.
    assert statuses(invitations) == ["queued"] * 3
    assert attempts(invitations) == [0, 0, 0]
    assert all(i.resume_after > timezone.now() for i in fresh(invitations))
    assert OutboxMessage.objects.count() == queued_before
    assert server.delivered == []


def test_stalled_deliveries_are_resumed_and_live_ones_left_alone(
    server, gl, eq, dimona, django_capture_on_commit_callbacks
):
    dead, lost, live = create(gl, eq, dimona, 3, django_capture_on_commit_callbacks, deliver=False)
    delivery._claim([dead.pk, live.pk], "worker-that-died")
    past = timezone.now() - timedelta(seconds=1)
    Invitation.objects.filter(pk__in=[dead.pk, lost.pk]).update(resume_after=past)

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.resume_stalled() == 2
    assert statuses([dead, lost, live]) == ["sent", "sent", "sending"]
    assert Invitation.objects.get(pk=dead.pk).attempts == 2  # the dead run's attempt counts
    assert sorted(m.to[0] for m in server.delivered) == ["p0@example.test", "p1@example.test"]
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.resume_stalled() == 0


def test_a_queued_invitation_is_resumed_once_per_period_not_at_every_sweep(
    gl, eq, dimona, django_capture_on_commit_callbacks
):
    [lost] = create(gl, eq, dimona, 1, django_capture_on_commit_callbacks, deliver=False)
    Invitation.objects.filter(pk=lost.pk).update(resume_after=timezone.now() - timedelta(1))
    with mock.patch("portal.outbox.publish"), django_capture_on_commit_callbacks(execute=True):
        assert delivery.resume_stalled() == 1
        assert delivery.resume_stalled() == 0
    lost.refresh_from_db()
    assert lost.resume_after > timezone.now() + delivery.STALLED_AFTER - timedelta(minutes=1)


def test_progress_counts_invitations_being_sent_as_waiting(
    server, client, gl, eq, django_capture_on_commit_callbacks
):
    import io

    upload = io.BytesIO(
        "\n".join(f"P{i},N{i},b{i}@example.test,dimona-declaration,," for i in range(3)).encode()
    )
    upload.name = "team.csv"
    batch = services.batch_parse(actor=gl, enterprise_quality=eq, uploaded=upload)
    with mock.patch("portal.outbox.publish"), django_capture_on_commit_callbacks(execute=True):
        services.batch_confirm(actor=gl, batch=batch)
    first = Invitation.objects.filter(batch=batch).order_by("pk").first()
    delivery._claim([first.pk], "t")
    progress = selectors.batch_progress(batch)
    assert (progress["queued"], progress["done"], progress["finished"]) == (3, 0, False)
