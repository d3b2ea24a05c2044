"""Mandates between enterprises: a mandator (the client) lets a mandatary (a social
secretariat, a service provider) act for it in a group of applications over a period.

Invariants kept by the database (named constraints `mandates_clientmandate_<rule>`): an
enterprise does not mandate itself; the end is not before the start. "One mandate holding a
mandator's group on a given day" is checked by the services under the mandator's row lock
(`mandates/services.py`): a period overlap is not a constraint every database can express.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mandates import rules
from portal.models import TimeStamped

Side = rules.Side


class ClientMandateQuerySet(models.QuerySet):
    def holding(self):
        """The mandates whose period counts (active, or transferred up to the transfer)."""
        return self.filter(state__in=rules.HOLDING_STATES)

    def not_over(self, on=None):
        """Whose period has not ended by day `on` (it may not have started yet)."""
        on = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=on))

    def between_active_parties(self):
        """Between two enterprises still active and registered on the portal."""
        from enterprises.models import Enterprise

        return self.filter(
            mandator__status=Enterprise.Status.ACTIVE,
            mandator__registration__isnull=False,
            mandatary__status=Enterprise.Status.ACTIVE,
            mandatary__registration__isnull=False,
        )

    def in_effect(self, on=None):
        """What a provider may act under on day `on` (today by default): a holding mandate
        whose period contains the day, between two enterprises still active and registered
        on the portal. The one rule of "may P act for C in group G now": read on every
        request, never cached, so ending or transferring a mandate ends it at once."""
        on = on or timezone.localdate()
        return self.holding().filter(start_date__lte=on).not_over(on).between_active_parties()

    def overlapping(self, start, end):
        """Mandates whose period [start_date, end_date] meets [start, end] (None: open)."""
        qs = self.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        if end is not None:
            qs = qs.filter(start_date__lte=end)
        return qs

    def ending_within(self, days: int, *, today=None):
        today = today or timezone.localdate()
        return self.filter(
            state=rules.ACTIVE,
            end_date__isnull=False,
            end_date__gte=today,
            end_date__lte=today + timezone.timedelta(days=days),
        )


class ClientMandate(TimeStamped):
    """A mandate between two enterprises for one group of applications.

    Not `enterprises.Mandate`: that name already means the registry's functions of a person
    in an enterprise (who is a legal representative). This one is the portal's own state,
    agreed between the two enterprises' access managers, the "Mahis" kind of mandate.

    States: proposed → active (the other side validated) → ended (either side, at once) or
    transferred (the mandator moved it to another provider: it ends the day before the new
    one starts); proposed → refused (the other side said no) or expired (nobody answered
    within MANDATE_PROPOSAL_DAYS days). A transfer is itself a proposal (`transfer_of` set)
    that the new provider validates.
    """

    class State(models.TextChoices):
        PROPOSED = rules.PROPOSED, _("proposed")
        ACTIVE = rules.ACTIVE, _("active")
        ENDED = rules.ENDED, _("ended")
        TRANSFERRED = rules.TRANSFERRED, _("transferred")
        REFUSED = rules.REFUSED, _("refused")
        EXPIRED = rules.EXPIRED, _("expired")

    class SideChoices(models.TextChoices):
        MANDATOR = Side.MANDATOR.value, _("the client")
        MANDATARY = Side.MANDATARY.value, _("the provider")

    mandator = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="mandates_given",
        verbose_name=_("mandator (client)"),
    )
    mandatary = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="mandates_received",
        verbose_name=_("mandatary (provider)"),
    )
    group = models.ForeignKey(
        "roles.ApplicationGroup",
        on_delete=models.PROTECT,
        related_name="mandates",
        verbose_name=_("application group"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State, default=rules.PROPOSED)
    proposed_by_side = models.CharField(_("proposed by"), max_length=10, choices=SideChoices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # An unanswered proposal expires then (beat, `mandates.expire_proposals`).
    expires_at = models.DateTimeField(_("proposal expires"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # A transfer: the active mandate this proposal replaces from its start date.
    transfer_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="transfers",
        null=True,
        blank=True,
        verbose_name=_("transfer of"),
    )

    objects = ClientMandateQuerySet.as_manager()

    class Meta:
        verbose_name = _("mandate between enterprises")
        verbose_name_plural = _("mandates between enterprises")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Each side's list, newest first (the paging reads ids from these).
            models.Index(fields=["mandator", "created_at", "id"], name="mandates_mandator_created"),
            models.Index(
                fields=["mandatary", "created_at", "id"], name="mandates_mandatary_created"
            ),
            # The overlap check and the in-effect look-up of one mandator and group.
            models.Index(fields=["mandator", "group", "state"], name="mandates_mandator_group"),
            models.Index(fields=["mandatary", "state"], name="mandates_mandatary_state"),
            models.Index(fields=["state", "expires_at"], name="mandates_state_expires"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mandator=models.F("mandatary")),
                name="mandates_clientmandate_not_itself",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="mandates_clientmandate_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} — {self.mandator.name} → {self.mandatary.name}"

    def side_of(self, enterprise) -> Side:
        return Side.MANDATOR if enterprise.pk == self.mandator_id else Side.MANDATARY

    def other(self, side: Side):
        return self.mandatary if side is Side.MANDATOR else self.mandator

    def allows(self, action: str, side: Side) -> bool:
        return rules.allowed(
            action, state=self.state, side=side, proposed_by_side=self.proposed_by_side
        )

    @property
    def is_proposed(self) -> bool:
        return self.state == rules.PROPOSED

    @property
    def is_active(self) -> bool:
        return self.state == rules.ACTIVE


class ProposalBatch(TimeStamped):
    """A provider's CSV of mandate proposals for many clients: its rows are kept here (never
    in hidden fields) from the preview to the end of the work. Confirmed, a Celery task
    proposes the valid rows in chunks, each row in its own transaction through
    `mandates.services.mandate_propose` (the same rules as the form)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("preview")
        CONFIRMED = "confirmed", _("in progress")
        DONE = "done", _("finished")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("provider"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    filename = models.CharField(_("file"), max_length=255, blank=True)
    status = models.CharField(_("state"), max_length=10, choices=Status, default=Status.DRAFT)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("file of mandate proposals")
        verbose_name_plural = _("files of mandate proposals")

    def __str__(self) -> str:
        return f"{self.filename} ({self.total_rows})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class ProposalRow(models.Model):
    """One line of a `ProposalBatch`: what the file said, the errors the preview found, and
    what the work did with it. `pending` → `proposed` (its mandate) or `refused` (the reason
    the service gave at that moment); a row with errors at the preview stays `invalid`."""

    class Status(models.TextChoices):
        INVALID = "invalid", _("not valid")
        PENDING = "pending", _("waiting")
        PROPOSED = "proposed", _("proposed")
        REFUSED = "refused", _("refused")

    batch = models.ForeignKey(ProposalBatch, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField(_("line"))
    # The cells as the preview shows them (printable, cut after their limit).
    number = models.CharField(_("enterprise number"), max_length=40, blank=True)
    group_code = models.CharField(_("application group"), max_length=80, blank=True)
    client = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", null=True
    )
    group = models.ForeignKey(
        "roles.ApplicationGroup", on_delete=models.PROTECT, related_name="+", null=True
    )
    start_date = models.DateField(_("start date"), null=True)
    end_date = models.DateField(_("end date"), null=True)
    status = models.CharField(_("state"), max_length=10, choices=Status)
    errors = models.JSONField(default=list, blank=True)
    refusal = models.TextField(_("reason"), blank=True)
    mandate = models.ForeignKey(
        ClientMandate, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["line"]
        indexes = [models.Index(fields=["batch", "status", "line"], name="mandates_row_status")]
        constraints = [
            models.UniqueConstraint(fields=["batch", "line"], name="mandates_proposalrow_line"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.line}"
