"""Celery tasks of the accounts app. They take ids only and send each notice once."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import task_names
from portal.mail import absolute_url
from portal.notices import RETRY, notice, with_retries


@shared_task(bind=True, name=task_names.NOTIFY_IDENTITY_VERIFIED, **RETRY)
def notify_identity_verified(self, user_id: int) -> None:
    with_retries(self, lambda: _notify_identity_verified(self, user_id))


def _notify_identity_verified(task, user_id: int) -> None:
    # The person learns that their number now carries power, and from whom: if it was not
    # them at the contact centre, this e-mail is how they find out.
    user = get_user_model().objects.filter(pk=user_id, national_number_verified=True).first()
    if user is None or not user.is_active:
        return
    notice(
        task,
        template="emails/identity_verified",
        to=user.email,
        language=user.language,
        context={"person": user, "url": absolute_url(reverse("accounts:settings"))},
    )
