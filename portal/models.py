from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal.choices import ChoiceLabels


class TimeStamped(ChoiceLabels):
    """When a row was created and last saved: every model of the portal's state has both."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


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


class Action(models.TextChoices):
    """Every action the audit trail records, with the label people read in histories.

    The one vocabulary: `portal.audit.audit()` takes only these, so an action without a
    translated label cannot be written. The values are evidence (stored and searched): never
    change one; a new action is a new member (and its msgid in every catalogue).
    """

    ACCOUNT_UPDATED = "account.updated", _("Account details changed")
    IDENTITY_VERIFIED = "identity.verified", _("National number verified")
    CBE_IMPORT = "cbe.import", _("Registry data imported")
    CONTACT_CENTRE_LOOKUP = "contact_centre.lookup", _("Looked up by the contact centre")
    ENTERPRISE_REGISTERED = "enterprise.registered", _("Enterprise registered")
    DESIGNATION_ACTIVATED = "designation.activated", _("Designation active")
    DESIGNATION_CREATED = "designation.created", _("Designation created")
    DESIGNATION_ACCEPTED = "designation.accepted", _("Designation accepted")
    DESIGNATION_CANCELLED = "designation.cancelled", _("Designation cancelled")
    DESIGNATION_EXPIRED = "designation.expired", _("Designation link expired")
    DESIGNATION_REPLACED = "designation.replaced", _("Designation replaced")
    DESIGNATION_RESENT = "designation.resent", _("Designation link sent again")
    DESIGNATION_REVOKED = "designation.revoked", _("Designation revoked")
    QUALITY_ACTIVATED = "quality.activated", _("Quality activated")
    QUALITY_DEACTIVATED = "quality.deactivated", _("Quality deactivated")
    INVITATION_CREATED = "invitation.created", _("Invitation created")
    INVITATION_SENT = "invitation.sent", _("Invitation sent")
    INVITATION_RESENT = "invitation.resent", _("Invitation sent again")
    INVITATION_FAILED = "invitation.failed", _("Invitation delivery failed")
    INVITATION_ACCEPTED = "invitation.accepted", _("Invitation accepted")
    INVITATION_DECLINED = "invitation.declined", _("Invitation declined")
    INVITATION_EXPIRED = "invitation.expired", _("Invitation expired")
    INVITATION_REVOKED = "invitation.revoked", _("Invitation revoked")
    INVITATION_RENEWAL_REQUESTED = (
        "invitation.renewal_requested",
        _("New invitation link requested"),
    )
    INVITATION_BATCH_UPLOADED = "invitation_batch.uploaded", _("Invitation file uploaded")
    INVITATION_BATCH_CONFIRMED = "invitation_batch.confirmed", _("Invitation file sent")
    LINK_CREATED = "link.created", _("Web page link published")
    LINK_DISABLED = "link.disabled", _("Web page link disabled")
    LINK_USED = "link.used", _("Role obtained through a web page link")
    LINK_REQUESTED = "link.requested", _("Role requested through a web page link")
    LINK_REQUEST_APPROVED = "link.request_approved", _("Link request approved")
    LINK_REQUEST_REJECTED = "link.request_rejected", _("Link request rejected")
    ROLE_ATTRIBUTED = "role.attributed", _("Role attributed")
    ROLE_ATTACHED = "role.attached", _("Role linked to the account")
    ROLE_ENDED = "role.ended", _("Role attribution ended")
    ROLE_REVOKED = "role.revoked", _("Role attribution revoked")
    ROLE_EXPIRED = "role.expired", _("Role attribution expired")
    ROLE_DEACTIVATED = "role.deactivated", _("Role attribution deactivated by its holder")
    ROLE_EMAIL_CHANGE_REQUESTED = (
        "role.email_change_requested",
        _("Change of linked e-mail requested"),
    )
    ROLE_EMAIL_CHANGED = "role.email_changed", _("Linked e-mail changed")
    WIZARD_PAGE_PUBLISHED = "wizard.page_published", _("Wizard page published")
    CLIENT_REGISTERED = "client.registered", _("Application registered as an OpenID client")
    CLIENT_CHANGED = "client.changed", _("Application's OpenID client changed")
    CLIENT_SECRET_ROTATED = "client.secret_rotated", _("Application's client secret replaced")
    APPLICATION_SIGN_IN = "application.sign_in", _("Signed in to an application")
    MANDATE_PROPOSED = "mandate.proposed", _("Mandate proposed")
    MANDATE_VALIDATED = "mandate.validated", _("Mandate validated")
    MANDATE_REFUSED = "mandate.refused", _("Mandate refused")
    MANDATE_ENDED = "mandate.ended", _("Mandate ended")
    MANDATE_EXPIRED = "mandate.expired", _("Mandate proposal expired")
    MANDATE_TRANSFER_PROPOSED = "mandate.transfer_proposed", _("Mandate transfer proposed")
    MANDATE_TRANSFERRED = "mandate.transferred", _("Mandate transferred to another provider")
    MANDATE_BATCH_UPLOADED = "mandate_batch.uploaded", _("File of mandate proposals uploaded")
    MANDATE_BATCH_CONFIRMED = "mandate_batch.confirmed", _("File of mandate proposals confirmed")
    MANDATE_BATCH_FINISHED = "mandate_batch.finished", _("File of mandate proposals worked through")
    ENTERPRISE_STOPPED_BY_REGISTRY = (
        "enterprise.stopped_by_registry",
        _("Registered enterprise stopped by the registry"),
    )


class AuditEvent(ChoiceLabels):
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
    action = models.CharField(_("action"), max_length=64, choices=Action, db_index=True)
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
    # The target as each language named it then, when they differ (a role's name is
    # translated, a person's is not): every reader's history is in their own language.
    # `target_label` stays the actor's wording. Empty for a target named alike in all.
    target_labels = models.JSONField(
        _("target in each language"), default=dict, blank=True, db_default={}
    )
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
            # The chain's history of an enterprise (enterprises.selectors.chain_history: some
            # actions among all of its events, 2,600 of 102,600 in an enterprise of 100,000
            # roles), counted from this index alone.
            models.Index(fields=["enterprise", "action"], name="portal_audit_ent_action"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    @property
    def target_shown(self) -> str:
        """The target as the reader's language named it when the event was recorded."""
        return self.target_labels.get(translation.get_language() or "") or self.target_label

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")


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
