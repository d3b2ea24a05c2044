"""E-mail: the development mailbox backend and the one helper that sends portal mail.

Every portal e-mail is a subject / text / HTML triplet of templates rendered in the
recipient's language, sent by a Celery task (tasks take ids, the address is read from the
database when the task runs).
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
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
