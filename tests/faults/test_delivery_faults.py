"""Faults on the way from a manager's invitation to the invitee's mailbox.

Each test runs a real `celery -A portal worker` process on the test's PostgreSQL database,
a private redis-server as broker and a local SMTP server (aiosmtpd) it can make fail.
Skipped (with the reason) without PostgreSQL and REDIS_URL.
"""

import os
import re
import signal
import time

import pytest
from django.urls import reverse

from portal import outbox
from portal.celery import app
from portal.models import AuditEvent, OutboxMessage
from roles import services
from roles.models import Invitation

from .conftest import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def invite(gl, eq, role, *emails):
    return services.invitations_create(
        actor=gl,
        enterprise_quality=eq,
        roles=[role],
        invitees=[services.Invitee("Prénom", "Nom", email) for email in emails],
    )


def sent_count() -> int:
    return Invitation.objects.filter(status=Invitation.Status.SENT).count()


def test_invitations_sent_while_redis_is_down_are_delivered_once_it_is_back(
    start_worker, broker, smtp, gl_quality, client
):
    gl, eq, role = gl_quality
    start_worker()
    broker.stop()

    client.force_login(gl)
    emails = []
    for batch in range(3):
        lines = [f"P{batch}{i}; N{batch}{i}; p{batch}{i}@example.test" for i in range(2)]
        emails += [line.split("; ")[2] for line in lines]
        started = time.monotonic()
        response = client.post(
            reverse("roles:invite", args=[eq.pk]),
            {"roles": [role.pk], "invitees": "\n".join(lines)},
        )
        elapsed = time.monotonic() - started
        assert response.status_code == 302, response.content.decode()[:2000]
        # The publish fails fast (connection refused, no retry sleeps): the outbox keeps it.
        assert elapsed < 3, f"a request took {elapsed:.1f} s while the broker was down"

    pending = OutboxMessage.objects.filter(enqueued_at__isnull=True)
    assert pending.count() == 3  # one delivery task per form, for its two invitees
    assert all(message.attempts == 1 and message.last_error for message in pending)
    assert Invitation.objects.filter(status=Invitation.Status.QUEUED).count() == 6

    broker.start()  # same port, empty: whatever was not in the outbox would be lost
    assert outbox.sweep() == 3
    wait_until(lambda: sent_count() == 6, 60, message="not every invitation was delivered")
    assert smtp.recipients() == sorted(emails)  # each exactly once
    assert outbox.sweep() == 0
    assert not OutboxMessage.objects.filter(enqueued_at__isnull=True).exists()


def test_a_worker_killed_mid_send_delivers_every_invitation_exactly_once(
    start_worker, smtp, gl_quality
):
    gl, eq, role = gl_quality
    # Prefork, one pool process: SIGKILL of the process that runs the task is what an OOM
    # kill does. The SMTP server takes 4 s to answer the first message (the client waits
    # up to 10 s here), so the kill lands in the middle of the SMTP conversation.
    worker = start_worker(pool="prefork", extra_env={"EMAIL_TIMEOUT": "10"})
    smtp.slow_seconds = 4
    smtp.program("slow")
    emails = ["anne@example.test", "bart@example.test", "carla@example.test"]
    invite(gl, eq, role, *emails)

    assert smtp.receiving.wait(30), worker.output()
    [victim_pid] = worker.children()
    # The chunk is leased to the task while the first message is in the SMTP conversation.
    leased = Invitation.objects.filter(attempts=1, status=Invitation.Status.SENDING)
    assert leased.count() == 3
    assert len(set(leased.values_list("claimed_by", flat=True))) == 1
    os.kill(victim_pid, signal.SIGKILL)

    # Late acks + reject_on_worker_lost: the message goes back to the queue, a new pool
    # process starts and runs it again; with the same task id it takes its own lease over
    # at once and sends each invitation exactly once.
    wait_until(lambda: sent_count() == 3, 60, message=worker.output())
    wait_until(lambda: victim_pid not in worker.children(), 10)
    assert worker.children(), "the worker did not start a new pool process"
    assert smtp.recipients() == sorted(emails)
    for invitation in Invitation.objects.all():
        assert invitation.status == Invitation.Status.SENT
        assert invitation.attempts == 2  # the killed attempt, then the one that delivered
        assert (invitation.claimed_by, invitation.resume_after) == ("", None)
    assert AuditEvent.objects.filter(action="invitation.sent").count() == 3
    assert "SIGKILL" in worker.output() or "signal 9" in worker.output()


def test_a_whole_worker_killed_mid_send_leaves_the_invitation_to_the_next_worker(
    start_worker, smtp, gl_quality
):
    gl, eq, role = gl_quality
    # The worker process itself (solo pool) is SIGKILLed while the SMTP server has not
    # answered yet: nothing acknowledges or rejects the message. Redis keeps it as
    # unacknowledged and hands it out again after the visibility timeout (short here).
    first = start_worker(extra_env={"EMAIL_TIMEOUT": "10"})
    smtp.slow_seconds = 4
    smtp.program("slow")
    emails = ["farid@example.test", "greta@example.test"]
    invite(gl, eq, role, *emails)
    assert smtp.receiving.wait(30), first.output()
    assert Invitation.objects.filter(attempts=1, status=Invitation.Status.SENDING).count() == 2
    first.kill()
    time.sleep(smtp.slow_seconds + 0.5)  # the server's answer finds the client gone
    assert smtp.delivered == []

    second = start_worker(visibility_timeout=3)
    wait_until(lambda: sent_count() == 2, 60, message=second.output())
    assert smtp.recipients() == sorted(emails)
    assert list(Invitation.objects.values_list("attempts", flat=True)) == [2, 2]
    assert AuditEvent.objects.filter(action="invitation.sent").count() == 2


def test_smtp_4xx_then_5xx_then_timeout_retries_with_backoff_then_shows_delivery_failed(
    start_worker, smtp, gl_quality, client
):
    gl, eq, role = gl_quality
    # worker_settings: three attempts, 1 s then 2 s apart (no jitter); EMAIL_TIMEOUT 2 s.
    smtp.hang_seconds = 5
    smtp.program("4xx", "5xx", "hang")
    start_worker()
    [invitation] = invite(gl, eq, role, "dana@example.test")

    wait_until(
        lambda: Invitation.objects.filter(pk=invitation.pk, status="failed").exists(),
        60,
        message=f"not failed: {Invitation.objects.values('status', 'attempts', 'last_error')}",
    )
    invitation.refresh_from_db()
    assert invitation.attempts == 3
    assert [behaviour for _t, _r, behaviour in smtp.attempts] == ["4xx", "5xx", "hang"]
    times = [t for t, _r, _b in smtp.attempts]
    # Backoff: the second attempt at least 1 s after the first, the third at least 2 s after
    # the second answered (the timeout itself adds 2 s).
    assert times[1] - times[0] >= 0.9
    assert times[2] - times[1] >= 1.9
    assert smtp.delivered == []
    assert "timed out" in invitation.last_error.lower() or "timeout" in invitation.last_error
    assert AuditEvent.objects.filter(action="invitation.failed").count() == 1

    client.force_login(gl)
    page = client.get(reverse("roles:invitations", args=[eq.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    action = reverse("roles:invitation_action", args=[eq.pk, invitation.pk])
    row = re.search(r"<tr>(?:(?!</tr>).)*dana@example\.test(?:(?!</tr>).)*</tr>", html, re.S)
    assert row, html
    assert 'class="badge failed"' in row.group(0)
    assert f'action="{action}"' in row.group(0)
    assert re.search(r'<button[^>]*name="action"[^>]*value="resend"', row.group(0))

    # The resend button works once the server accepts again: one e-mail, a fresh attempt count.
    response = client.post(action, {"action": "resend"})
    assert response.status_code == 302
    wait_until(lambda: sent_count() == 1, 30)
    assert smtp.recipients() == ["dana@example.test"]
    invitation.refresh_from_db()
    assert invitation.attempts == 1


def test_the_same_task_queued_three_times_sends_one_email_and_one_audit_event(
    start_worker, smtp, gl_quality
):
    gl, eq, role = gl_quality
    [invitation] = invite(gl, eq, role, "emile@example.test")  # published once, on commit
    for _ in range(2):
        app.send_task("roles.send_invitations", args=[invitation.pk])
    # All three copies wait in Redis before any worker runs.
    worker = start_worker()

    def finished() -> int:
        return len(re.findall(r"roles\.send_invitations\[[^\]]+\] succeeded", worker.output()))

    wait_until(lambda: finished() == 3, 60, message=worker.output())
    assert smtp.recipients() == ["emile@example.test"]
    assert (
        AuditEvent.objects.filter(action="invitation.sent", target_id=str(invitation.pk)).count()
        == 1
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
    assert invitation.attempts == 1
