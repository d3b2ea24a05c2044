"""E-mail: the development mailbox backend and the one helper that sends portal mail.

Every portal e-mail is a subject / text / HTML triplet of templates rendered in the
recipient's language, sent by a Celery task (tasks take ids, the address is read from the
database when the task runs).
"""

import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation


class MailboxBackend(BaseEmailBackend):
    """Writes each message to its own .eml file under MAILBOX_DIR (read by /dev/mailbox/)."""

    def send_messages(self, email_messages) -> int:
        directory = Path(settings.MAILBOX_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{timezone.now():%Y%m%d-%H%M%S-%f}-{uuid.uuid4().hex[:8]}.eml"
            (directory / name).write_bytes(message.message().as_bytes())
        return len(email_messages)


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def templated_mail(
    *, template: str, to: str, language: str | None, context: dict, reply_to: str | None = None
) -> EmailMultiAlternatives:
    """Render `<template>_subject.txt`, `.txt` and `.html` in `language` into one message.

    Header injection is impossible by construction: the subject is flattened to one line,
    and Django's mail refuses newlines in addresses (BadHeaderError).
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"{template}_subject.txt", context)
        subject = " ".join(subject.split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
    )
    message.attach_alternative(html, "text/html")
    return message


def send_templated_mail(**kwargs) -> None:
    """Render (see `templated_mail`) and send one message on its own connection."""
    mailers.default.send_messages([templated_mail(**kwargs)])


def send_once(*, key: str, claim: str, **mail) -> bool:
    """Send a templated mail (see `templated_mail`) unless this notice already went out.

    `key` names the notice (task, ids, recipient); `claim` is the sending run's Celery task
    id. Claim, send, stamp: a duplicate task finds the notice sent, or leased by a live run
    that will send it, and returns False. The same task id takes its own lease over: Celery
    hands a message out again only when its run died (see portal/celery.py), so a notice
    whose sender died is sent by that message's next run. An SMTP error leaves the notice
    unsent for the retry.
    """
    from portal.celery import LEASE_SECONDS
    from portal.models import SentNotice

    now = timezone.now()
    with transaction.atomic():
        notice, created = SentNotice.objects.select_for_update().get_or_create(
            key=key[:255],
            defaults={"claimed_by": claim, "lease_until": now + timedelta(seconds=LEASE_SECONDS)},
        )
        if not created:
            if notice.sent_at is not None:
                return False
            if notice.claimed_by != claim and notice.lease_until and notice.lease_until > now:
                return False
            notice.claimed_by = claim
            notice.lease_until = now + timedelta(seconds=LEASE_SECONDS)
            notice.save(update_fields=["claimed_by", "lease_until"])
    try:
        send_templated_mail(**mail)
    except BaseException:
        SentNotice.objects.filter(pk=notice.pk, claimed_by=claim).update(lease_until=None)
        raise
    SentNotice.objects.filter(pk=notice.pk).update(sent_at=timezone.now(), lease_until=None)
    return True
