"""The acceptance link: e-mailed by the Celery task, single use, expiring, personal."""

import re
import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from enterprises import services
from enterprises.models import Designation
from portal.models import AuditEvent
from portal.tokens import hash_token
from tests.personas import person, signed_in

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s]+/designations/accept/([^/\s]+)/")


def designate(chain, invitee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        designation = services.co_rae_designate(
            actor=chain.rae, enterprise=chain.enterprise, person=person(invitee)
        )
    return designation


def token_from(mail) -> str:
    return LINK.search(mail.body).group(1)


def test_designating_sends_the_link_in_the_persons_language(
    chain, mailoutbox, django_capture_on_commit_callbacks
):
    invitee = UserFactory(language="nl")
    mailoutbox.clear()
    designation = designate(chain, invitee, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [invitee.email]
    token = token_from(mail)
    designation.refresh_from_db()
    # Only the hash is stored; the raw token is in the mail only.
    assert designation.token_hash == hash_token(token) != token
    assert designation.sent_at is not None
    assert designation.expires_at > timezone.now() + timedelta(days=13)
    assert mail.alternatives and token in mail.alternatives[0][0]


def test_the_task_is_idempotent(chain, mailoutbox, django_capture_on_commit_callbacks):
    from enterprises.tasks import send_designation_link

    designation = designate(chain, UserFactory(), django_capture_on_commit_callbacks)
    mailoutbox.clear()
    assert send_designation_link.apply(args=[designation.pk]).get() is False
    assert mailoutbox == []


def test_accepting_with_the_matching_account(chain, mailoutbox, django_capture_on_commit_callbacks):
    invitee = UserFactory()
    designation = designate(chain, invitee, django_capture_on_commit_callbacks)
    url = reverse("enterprises:accept", args=[token_from(mailoutbox[-1])])
    client = signed_in(invitee)
    page = client.get(url)
    assert page.status_code == 200 and chain.enterprise.name.encode() in page.content
    response = client.post(url)
    assert response.status_code == 302
    designation.refresh_from_db()
    assert designation.is_active and designation.person == invitee
    assert invitee.has_perm("enterprises.view_chain", chain.enterprise)
    assert AuditEvent.objects.filter(
        action="designation.accepted", target_id=str(designation.pk), actor=invitee
    ).exists()
    # Replayed: a clear page, nothing changes.
    again = client.post(url)
    assert again.status_code == 410
    assert b"already used" in again.content or again.context["problem"] == "used"


def test_a_link_for_another_person_is_refused(
    chain, mailoutbox, django_capture_on_commit_callbacks
):
    designation = designate(chain, UserFactory(), django_capture_on_commit_callbacks)
    url = reverse("enterprises:accept", args=[token_from(mailoutbox[-1])])
    intruder = UserFactory()
    response = signed_in(intruder).post(url)
    assert response.status_code == 403
    assert response.context["problem"] == "wrong_person"
    designation.refresh_from_db()
    assert designation.is_pending and designation.person is None


def test_an_account_without_national_number_is_told_to_add_it(
    chain, mailoutbox, django_capture_on_commit_callbacks
):
    designate(chain, UserFactory(), django_capture_on_commit_callbacks)
    url = reverse("enterprises:accept", args=[token_from(mailoutbox[-1])])
    response = signed_in(UserFactory(national_number=None)).get(url)
    assert response.status_code == 403
    assert reverse("accounts:settings").encode() in response.content


def test_an_expired_link(chain, mailoutbox, django_capture_on_commit_callbacks):
    invitee = UserFactory()
    designation = designate(chain, invitee, django_capture_on_commit_callbacks)
    Designation.objects.filter(pk=designation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    url = reverse("enterprises:accept", args=[token_from(mailoutbox[-1])])
    response = signed_in(invitee).post(url)
    assert response.status_code == 410 and response.context["problem"] == "expired"
    designation.refresh_from_db()
    assert designation.is_pending


@pytest.mark.parametrize("token", ["x" * 43, "tampered", "a" * 500])
def test_a_tampered_link(chain, token):
    response = signed_in(chain.user).get(reverse("enterprises:accept", args=[token]))
    assert response.status_code == 404
    assert response.context["problem"] == "invalid"


def test_a_cancelled_designation(chain, mailoutbox, django_capture_on_commit_callbacks):
    invitee = UserFactory()
    designation = designate(chain, invitee, django_capture_on_commit_callbacks)
    services.designation_cancel(actor=chain.rae, designation=designation)
    url = reverse("enterprises:accept", args=[token_from(mailoutbox[-1])])
    response = signed_in(invitee).post(url)
    assert response.status_code == 410 and response.context["problem"] == "withdrawn"


def test_resending_rotates_the_token(chain, mailoutbox, django_capture_on_commit_callbacks):
    invitee = UserFactory()
    designation = designate(chain, invitee, django_capture_on_commit_callbacks)
    first = token_from(mailoutbox[-1])
    client = signed_in(chain.rae)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enterprises:resend", args=[chain.enterprise.number, designation.pk])
        )
    assert response.status_code == 302
    second = token_from(mailoutbox[-1])
    assert first != second
    old = signed_in(invitee).get(reverse("enterprises:accept", args=[first]))
    assert old.status_code == 404
    new = signed_in(invitee).post(reverse("enterprises:accept", args=[second]))
    assert new.status_code == 302


def test_smtp_errors_leave_the_link_unsent(chain, mailoutbox, django_capture_on_commit_callbacks):
    error = smtplib.SMTPServerDisconnected("down")
    with mock.patch("enterprises.tasks.send_templated_mail", side_effect=error):
        designation = designate(chain, UserFactory(), django_capture_on_commit_callbacks)
    designation.refresh_from_db()
    assert designation.sent_at is None and designation.token_hash == ""
    assert designation.is_pending
    # The designator resends; this time the mail goes out.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.designation_resend(actor=chain.rae, designation=designation)
    assert len(mailoutbox) == 1
    designation.refresh_from_db()
    assert designation.token_hash == hash_token(token_from(mailoutbox[0]))


def test_on_a_worker_smtp_errors_retry_with_backoff(chain, django_capture_on_commit_callbacks):
    from enterprises.tasks import send_designation_link

    with mock.patch("enterprises.tasks.send_templated_mail"):
        designation = designate(chain, UserFactory(), django_capture_on_commit_callbacks)
    services.designation_resend(actor=chain.rae, designation=designation)  # not published

    class Retrying(Exception):
        pass

    error = smtplib.SMTPServerDisconnected("down")
    with (
        mock.patch("enterprises.tasks.send_templated_mail", side_effect=error),
        mock.patch.object(send_designation_link, "retry", side_effect=Retrying) as retry,
        pytest.raises(Retrying),
    ):
        send_designation_link.run(designation.pk)  # not eager: as on a worker
    assert retry.call_args.kwargs["countdown"] == 30
    assert retry.call_args.kwargs["exc"] is error
    designation.refresh_from_db()
    assert designation.sent_at is None  # the retry issues a fresh link


def test_self_designation_sends_no_mail(chain, mailoutbox, django_capture_on_commit_callbacks):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        d = services.gl_designate(
            actor=chain.rae, enterprise_quality=chain.employer, person=person(chain.rae)
        )
    assert d.is_active and mailoutbox == []


def test_anonymous_is_sent_to_sign_in_first(client):
    response = client.get(reverse("enterprises:accept", args=["whatever"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
