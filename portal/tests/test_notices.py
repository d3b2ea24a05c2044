"""The notice ledger (portal.mail.send_once): a notification goes out once per key."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from portal import outbox
from portal.mail import send_once
from portal.models import OutboxMessage, SentNotice

pytestmark = pytest.mark.django_db

MAIL = {
    "template": "emails/role_request_decided",
    "to": "ann@example.test",
    "language": "fr",
    "context": {"request": None, "url": "https://portal.example/profile/"},
}


def test_a_notice_goes_out_once_however_often_it_is_asked_for(mailoutbox):
    assert send_once(key="k", claim="task-1", **MAIL) is True
    assert send_once(key="k", claim="task-2", **MAIL) is False  # a duplicated task
    assert send_once(key="k", claim="task-1", **MAIL) is False  # the same one, run again
    assert len(mailoutbox) == 1
    notice = SentNotice.objects.get(key="k")
    assert notice.sent_at is not None and notice.lease_until is None


def test_a_notice_leased_by_a_live_run_is_left_to_it_and_its_own_redelivery_sends_it(mailoutbox):
    SentNotice.objects.create(
        key="k", claimed_by="task-1", lease_until=timezone.now() + timedelta(minutes=2)
    )
    assert send_once(key="k", claim="task-2", **MAIL) is False
    assert mailoutbox == []
    # task-1's worker died: Celery hands the same message (same id) out again.
    assert send_once(key="k", claim="task-1", **MAIL) is True
    assert len(mailoutbox) == 1


def test_a_lease_past_its_end_is_taken_over(mailoutbox):
    SentNotice.objects.create(
        key="k", claimed_by="task-1", lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert send_once(key="k", claim="task-2", **MAIL) is True
    assert len(mailoutbox) == 1


def test_an_smtp_error_leaves_the_notice_unsent_for_the_retry(mailoutbox):
    with (
        mock.patch("portal.mail.send_templated_mail", side_effect=smtplib.SMTPDataError(451, b"x")),
        pytest.raises(smtplib.SMTPDataError),
    ):
        send_once(key="k", claim="task-1", **MAIL)
    notice = SentNotice.objects.get(key="k")
    assert (notice.sent_at, notice.lease_until) == (None, None)
    assert send_once(key="k", claim="task-2", **MAIL) is True  # no lease holds it back
    assert len(mailoutbox) == 1


def test_pruning_forgets_old_deliveries_only():
    old = timezone.now() - timedelta(days=31)
    SentNotice.objects.create(key="old", sent_at=old)
    SentNotice.objects.create(key="recent", sent_at=timezone.now())
    SentNotice.objects.create(key="unsent")
    OutboxMessage.objects.create(task_name="t", enqueued_at=old)
    OutboxMessage.objects.create(task_name="t", enqueued_at=timezone.now())
    OutboxMessage.objects.create(task_name="t")  # never published: the sweeper's
    assert outbox.prune(older_than_days=30) == 2
    assert sorted(SentNotice.objects.values_list("key", flat=True)) == ["recent", "unsent"]
    assert OutboxMessage.objects.count() == 2
