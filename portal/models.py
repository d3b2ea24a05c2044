from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    # The trail is evidence: neither bulk update nor delete exists for it. The database
    # enforces the same with triggers (migration 0002), so raw SQL cannot bypass it either.
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")

    def delete(self):
        raise AppendOnlyError("Audit events are append-only.")

    def for_enterprise(self, enterprise):
        return self.filter(enterprise=enterprise)


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A snapshot of who acted: the trail must stay readable if the account changes.
    actor_label = models.CharField(_("actor"), max_length=255, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "-created_at"], name="portal_audit_ent_time"),
            models.Index(fields=["target_type", "target_id"], name="portal_audit_target"),
            # A person's own history ("Mon profil eGov") reads events by actor.
            models.Index(fields=["actor", "-created_at"], name="portal_audit_actor_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")

    @property
    def action_label(self):
        from portal.audit_labels import action_label

        return action_label(self.action)


class OutboxMessage(models.Model):
    """A task that must reach the broker.

    Written in the same transaction as the state change that needs it, handed to Celery on
    commit, and re-sent by the sweeper while `enqueued_at` is empty (the broker was down).
    Tasks are idempotent, so a message sent twice still has one effect.
    """

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    # Not before this time (a retry's backoff): handed to the broker as the task's ETA.
    eta = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["created_at"],
                name="portal_outbox_pending",
                condition=models.Q(enqueued_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)}"


class SentNotice(models.Model):
    """The ledger that lets a notification e-mail go out once (portal.mail.send_once).

    One row per notice and recipient, keyed by the task, its ids and the address. A run
    claims the row (a lease held by its Celery task id), sends, then stamps `sent_at`; a
    duplicate of the task finds it sent, or leased by a live run, and sends nothing.
    """

    key = models.CharField(max_length=255, unique=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("sent notice")
        verbose_name_plural = _("sent notices")

    def __str__(self) -> str:
        return self.key


class SubmissionKey(models.Model):
    """A rendered form that was acted on (portal.submissions).

    Every state-changing form carries a random key; the service that acts on it inserts
    this row in its own transaction. The unique (user, key) pair makes a second submission
    of the same page (back and submit again, a double click, a duplicated tab) fail that
    insert, so it changes nothing and is sent to what the first one did (`result`).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    # What the first submission made (ids), for the answer to a repeated one.
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="portal_submissionkey_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
