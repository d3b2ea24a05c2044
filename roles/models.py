"""Role attributions: the catalogue (applications and their roles, per quality) and the
three ways a local manager gives a role (invitation e-mail, direct attribution, published
link), with what each creates.

Invariants kept by the database (named constraints `roles_<model>_<rule>`):
- one active attribution per (enterprise, role, person) and per (enterprise, role,
  national number) while the person has no account yet;
- an invitation token hash is unique; an access link slug is unique;
- one pending access request per (link, person).
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import format_national_number, validate_national_number
from portal.languages import default_language, language_choices
from portal.models import TimeStamped


class Application(models.Model):
    """An online social-security application (Dimona, DmfA, ...) offered under a quality."""

    quality = models.ForeignKey(
        "enterprises.Quality",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("quality"),
    )
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_available = models.BooleanField(_("available"), default=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApplicationGroup(models.Model):
    """Applications given together under one mandate between enterprises
    (`mandates.ClientMandate`): "social-security declarations" = Dimona, DmfA, DRS, ...

    `quarterly`: the declarations of these applications are made by quarter, so a mandate
    for the group starts on a quarter's first day and ends (if it ends) on a quarter's last.
    `mandatary_qualities`: the mandatary must have one of these qualities activated to
    receive such a mandate (a social secretariat, a service provider). Name and description
    are translated (modeltranslation, see roles/translation.py), like the applications'.
    """

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    applications = models.ManyToManyField(
        Application, related_name="groups", verbose_name=_("applications")
    )
    quarterly = models.BooleanField(
        _("follows quarters"),
        default=False,
        help_text=_("Mandates for this group start and end on quarter boundaries."),
    )
    mandatary_qualities = models.ManyToManyField(
        "enterprises.Quality",
        related_name="+",
        verbose_name=_("qualities of the mandatary"),
        help_text=_("The mandatary must have one of these qualities activated."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    is_available = models.BooleanField(_("available"), default=True)

    class Meta:
        verbose_name = _("application group")
        verbose_name_plural = _("application groups")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class RoleQuerySet(models.QuerySet):
    def available(self):
        return self.filter(is_available=True, application__is_available=True)

    def for_quality(self, quality):
        return self.available().filter(application__quality=quality)

    def offered(self, enterprise_quality, mandate=None):
        """What a local manager of `enterprise_quality` may give: the roles of the quality's
        own applications, or, under a mandate, the client's roles of the mandate's group."""
        if mandate is None:
            return self.for_quality(enterprise_quality.quality_id)
        return self.available().filter(application__groups=mandate.group_id).distinct()


class Role(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="roles", verbose_name=_("application")
    )
    # Codes are what the bulk CSV names (e.g. "dimona-declaration").
    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_available = models.BooleanField(_("available"), default=True)

    objects = RoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["application__name", "name"]

    def __str__(self) -> str:
        return f"{self.application.name} — {self.name}"


class Source(models.TextChoices):
    INVITATION = "invitation", _("e-mail invitation")
    DIRECT = "direct", _("direct attribution")
    LINK = "link", _("published link")


class AttributionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=RoleAttribution.Status.ACTIVE)

    def current(self, on=None):
        """Active and within its dates: what gives access right now (never cached)."""
        on = on or timezone.localdate()
        return (
            self.active()
            .filter(valid_from__lte=on)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        )

    def effective(self, on=None):
        """What an application may rely on right now: a current attribution, in an
        enterprise still registered and active, under a quality still activated there.
        Read on every token check and every decision (never cached), so ending any link of
        that chain ends the access on the very next call.

        An attribution given under a mandate (`mandate` set: a provider's staff acting for
        the client) counts only while that mandate is in effect on the day
        (`ClientMandate.objects.in_effect`, the one rule of "may P act for C now"): ending
        or transferring the mandate, or its end date passing, ends the access with it."""
        from mandates.models import ClientMandate

        on = on or timezone.localdate()
        under_mandate = ClientMandate.objects.in_effect(on).filter(pk=OuterRef("mandate_id"))
        return self.effective_but_for_mandates(on).filter(
            Q(mandate__isnull=True) | Exists(under_mandate)
        )

    def effective_but_for_mandates(self, on=None):
        """`effective()` without its last rule (the mandate an attribution is held under in
        effect on the day): for a reader that checks that rule apart, once for many rows
        (`ClientMandate.objects.in_effect(on)` on their mandates), as the capacity screen
        does for a person acting for thousands of clients. Anyone else reads `effective()`."""
        from enterprises.models import Enterprise, EnterpriseQuality

        return self.current(on or timezone.localdate()).filter(
            person__isnull=False,
            enterprise_quality__status=EnterpriseQuality.Status.ACTIVE,
            enterprise__status=Enterprise.Status.ACTIVE,
            enterprise__registration__isnull=False,
        )

    def expiring_within(self, days: int):
        today = timezone.localdate()
        return self.active().filter(
            valid_until__isnull=False,
            valid_until__lte=today + timezone.timedelta(days=days),
        )


class RoleAttribution(TimeStamped):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        ENDED = "ended", _("ended")
        REVOKED = "revoked", _("revoked")
        EXPIRED = "expired", _("expired")
        DEACTIVATED = "deactivated", _("deactivated by the holder")

    # The enterprise acted for: the one whose applications the role opens. Under a
    # mandate that is the mandator (the client), not the provider that manages the role.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="role_attributions",
        verbose_name=_("enterprise"),
    )
    # The activated quality whose local managers manage the attribution: the manager's
    # scope, and every list filters on it. Without a mandate, the quality of
    # role.application in `enterprise`; under a mandate, the provider's quality that
    # receives such mandates (social secretariat, service provider), in the mandatary.
    enterprise_quality = models.ForeignKey(
        "enterprises.EnterpriseQuality",
        on_delete=models.PROTECT,
        related_name="role_attributions",
        verbose_name=_("quality"),
    )
    # Set when a provider's local manager gave the role to the provider's own staff for a
    # client: "acting for `enterprise`, through `mandate.mandatary`". Effective only while
    # the mandate is (AttributionQuerySet.effective); ended with it (mandates.services).
    mandate = models.ForeignKey(
        "mandates.ClientMandate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attributions",
        verbose_name=_("under the mandate"),
    )
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="attributions", verbose_name=_("role")
    )
    # Null until a person with this national number has an account (attached at sign-in).
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="role_attributions",
        null=True,
        blank=True,
        verbose_name=_("person"),
    )
    national_number = models.CharField(
        _("national number"),
        max_length=11,
        blank=True,
        validators=[validate_national_number],
        db_index=True,
    )
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("linked e-mail address"))
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.ACTIVE)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("granted by"),
    )
    invitation = models.ForeignKey(
        "Invitation", on_delete=models.PROTECT, null=True, blank=True, related_name="attributions"
    )
    link = models.ForeignKey(
        "AccessLink", on_delete=models.PROTECT, null=True, blank=True, related_name="attributions"
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    objects = AttributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("role attribution")
        verbose_name_plural = _("role attributions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise_quality", "status"], name="roles_attr_eq_status"),
            # The manager's list sorts (roles/selectors.py SORTS, "-id" breaking ties): one
            # index each, so a page of a 100,000-attribution list reads 25 rows, not all.
            # The search's trigram index is PostgreSQL-only: migration 0003, not here.
            models.Index(
                fields=["enterprise_quality", "created_at", "id"], name="roles_attr_eq_created"
            ),
            models.Index(
                fields=["enterprise_quality", "last_name", "first_name", "-id"],
                name="roles_attr_eq_name",
            ),
            models.Index(
                fields=["enterprise_quality", "valid_until", "-id"], name="roles_attr_eq_until"
            ),
            models.Index(fields=["enterprise_quality", "role", "id"], name="roles_attr_eq_role"),
            models.Index(fields=["person", "status"], name="roles_attr_person_status"),
            models.Index(fields=["status", "valid_until"], name="roles_attr_status_until"),
            # What ends with a mandate (mandates.services).
            models.Index(
                fields=["mandate", "status"],
                condition=Q(mandate__isnull=False),
                name="roles_attr_mandate_status",
            ),
        ]
        constraints = [
            # Held in the enterprise's own right, and held through a provider under a
            # mandate, are two different things: each is unique on its own.
            models.UniqueConstraint(
                fields=["enterprise", "role", "person"],
                condition=Q(status="active", person__isnull=False, mandate__isnull=True),
                name="roles_roleattribution_one_active_per_person",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "role", "national_number"],
                condition=Q(status="active", mandate__isnull=True) & ~Q(national_number=""),
                name="roles_roleattribution_one_active_per_national_number",
            ),
            models.UniqueConstraint(
                fields=["mandate", "role", "person"],
                condition=Q(status="active", person__isnull=False, mandate__isnull=False),
                name="roles_roleattribution_one_active_per_person_under_mandate",
            ),
            models.UniqueConstraint(
                fields=["mandate", "role", "national_number"],
                condition=Q(status="active", mandate__isnull=False) & ~Q(national_number=""),
                name="roles_roleattribution_one_active_per_national_number_under_mandate",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="roles_roleattribution_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(national_number=""),
                name="roles_roleattribution_person_or_national_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} — {self.full_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def national_number_display(self) -> str:
        return format_national_number(self.national_number)


class InvitationBatch(TimeStamped):
    """A bulk CSV upload: parsed rows kept here (never in hidden fields) until confirmed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("preview")
        CONFIRMED = "confirmed", _("sending")
        CANCELLED = "cancelled", _("cancelled")

    enterprise_quality = models.ForeignKey(
        "enterprises.EnterpriseQuality", on_delete=models.PROTECT, related_name="+"
    )
    # A provider's batch inviting its staff to act for one client (the roles are the
    # client's, `Role.objects.offered(enterprise_quality, mandate)`).
    mandate = models.ForeignKey(
        "mandates.ClientMandate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("under the mandate"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    filename = models.CharField(_("file"), max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    rows = models.JSONField(default=list, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    message = models.TextField(_("personal message"), blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation batch")
        verbose_name_plural = _("invitation batches")

    def __str__(self) -> str:
        return f"{self.filename} ({self.total_rows})"


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            status__in=[
                Invitation.Status.QUEUED,
                Invitation.Status.SENDING,
                Invitation.Status.SENT,
                Invitation.Status.FAILED,
            ]
        )


class Invitation(TimeStamped):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")
        FAILED = "failed", _("delivery failed")

    # As on RoleAttribution: the enterprise acted for, the managing quality, and the
    # mandate when a provider invites its staff to act for a client.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+"
    )
    enterprise_quality = models.ForeignKey(
        "enterprises.EnterpriseQuality", on_delete=models.PROTECT, related_name="invitations"
    )
    mandate = models.ForeignKey(
        "mandates.ClientMandate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("under the mandate"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("e-mail address"))
    national_number = models.CharField(
        _("national number"), max_length=11, blank=True, validators=[validate_national_number]
    )
    language = models.CharField(
        _("language"), max_length=2, choices=language_choices, default=default_language
    )
    message = models.TextField(_("personal message"), blank=True)
    roles = models.ManyToManyField(Role, related_name="+", verbose_name=_("roles"))
    valid_until = models.DateField(_("attribution valid until"), null=True, blank=True)
    # SHA-256 of the link's token; the raw token exists only in the e-mail. Rotated at
    # every send, so a resent invitation invalidates the previous link. Unique when set;
    # empty until the first send (hence the conditional constraint).
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("delivery attempts"), default=0)
    last_error = models.TextField(_("last delivery error"), blank=True)
    # The delivery lease (roles/delivery.py): the Celery task id that holds the invitation
    # while it is `sending`, and the time after which a delivery that has not moved on
    # (its worker died with its message, Redis lost its queue) is taken over by the sweeper.
    claimed_by = models.CharField(max_length=64, blank=True, editable=False)
    resume_after = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    accepted_at = models.DateTimeField(_("answered"), null=True, blank=True)
    batch = models.ForeignKey(
        InvitationBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise_quality", "status"], name="roles_inv_eq_status"),
            models.Index(fields=["batch", "status"], name="roles_inv_batch_status"),
            models.Index(
                fields=["resume_after"],
                name="roles_inv_in_delivery",
                condition=Q(status__in=["queued", "sending"]),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"],
                condition=~Q(token_hash=""),
                name="roles_invitation_unique_token_hash",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} <{self.email}>"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def link_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def national_number_display(self) -> str:
        return format_national_number(self.national_number)

    @property
    def shown_status(self) -> "Invitation.Status":
        """The status people read: a sent link past its date is expired, even before the
        beat task records it (the stored status changes only with its audit event)."""
        if self.status == self.Status.SENT and self.link_expired:
            return self.Status.EXPIRED
        return self.Status(self.status)

    @property
    def bound_to_national_number(self) -> bool:
        """Who may answer: the account with this verified number, else the invited address
        (verified on the account). Holding the link is never enough."""
        return bool(self.national_number)

    @property
    def can_be_resent(self) -> bool:
        return self.status in {
            self.Status.SENT,
            self.Status.FAILED,
            self.Status.EXPIRED,
            self.Status.QUEUED,
        }

    @property
    def can_be_revoked(self) -> bool:
        # A `sending` invitation can be revoked too: its link then opens on the "revoked" page.
        return self.status in {
            self.Status.QUEUED,
            self.Status.SENDING,
            self.Status.SENT,
            self.Status.FAILED,
        }


class AccessLink(TimeStamped):
    """A link a manager publishes on a web page.

    The link is meant to be published, so its secrecy is not what protects it: sign-in,
    expiry, the use limit and the optional approval are. We therefore store the random
    slug itself (192 bits, unguessable, unique) rather than a hash, so that the manager
    can display and copy it again later — which a hash-only design would not allow.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        DISABLED = "disabled", _("disabled")

    enterprise_quality = models.ForeignKey(
        "enterprises.EnterpriseQuality", on_delete=models.PROTECT, related_name="access_links"
    )
    # A provider's link for its staff to act for one client (the roles are the client's).
    mandate = models.ForeignKey(
        "mandates.ClientMandate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_links",
        verbose_name=_("under the mandate"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    label = models.CharField(_("label"), max_length=200)
    slug = models.CharField(max_length=64, unique=True)
    roles = models.ManyToManyField(Role, related_name="+", verbose_name=_("roles"))
    valid_until = models.DateField(_("attribution valid until"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires"))
    max_uses = models.PositiveIntegerField(_("maximum number of uses"))
    uses = models.PositiveIntegerField(_("uses"), default=0)
    requires_approval = models.BooleanField(_("requires my approval"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)

    class Meta:
        verbose_name = _("access link")
        verbose_name_plural = _("access links")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(uses__lte=models.F("max_uses")), name="roles_accesslink_uses_within_max"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_usable(self) -> bool:
        return (
            self.status == self.Status.ACTIVE
            and self.expires_at > timezone.now()
            and self.uses < self.max_uses
        )

    @property
    def refusal(self):
        """Why the link gives nothing now (a translated sentence), or None while it works.

        A pending request holds its place and a refused one gives it back (docs/DESIGN.md):
        a full link with requests still waiting may open again, and the visitor is told so.
        """
        if self.status != self.Status.ACTIVE:
            return _("The manager disabled this link.")
        if self.expires_at <= timezone.now():
            return _("This link has expired.")
        if self.uses < self.max_uses:
            return None
        if self.requests.filter(status=AccessRequest.Status.PENDING).exists():
            return _(
                "Every place this link offers is taken, some by requests waiting for the "
                "manager's decision. A refused request frees its place: try again later."
            )
        return _("This link has reached its limit of uses.")

    @property
    def roles_named(self) -> str:
        """What the link offers, as people read it ("Dimona — Declaration, DmfA — …"): the
        e-mails and messages name this and the enterprise, never the manager's own label."""
        return ", ".join(str(role) for role in self.roles.select_related("application"))


class AccessRequest(TimeStamped):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    link = models.ForeignKey(AccessLink, on_delete=models.PROTECT, related_name="requests")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_requests"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["link", "person"],
                condition=Q(status="pending"),
                name="roles_accessrequest_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.link}"


class EmailChange(TimeStamped):
    """A pending change of the e-mail linked to some attributions; applied once verified."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for verification")
        APPLIED = "applied", _("applied")

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    new_email = models.EmailField(_("new e-mail address"))
    old_emails = models.JSONField(default=list)
    attributions = models.ManyToManyField(RoleAttribution, related_name="+")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail change")
        verbose_name_plural = _("e-mail changes")

    def __str__(self) -> str:
        return self.new_email
