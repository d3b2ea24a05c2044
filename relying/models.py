"""An application of the catalogue as an OpenID Connect client, and the capacity a person
chose when signing in to it.

The OpenID provider is allauth's `idp.oidc`: its `Client` holds the redirect URIs, the
hashed secret, the scopes and grant types; its `Token`s (codes, access and refresh tokens)
share one `grant_id` per sign-in. What the portal adds lives here: which application a
client is (`ApplicationClient`), and for which enterprise and quality the person acts
(`Capacity`, keyed by that `grant_id`), so that every token of the sign-in carries it and
every check of a token re-reads the roles behind it. When access ends, the applications
are told by `SecurityEvent`s, the log of what was pushed to them and how it went.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import TimeStamped


class ApplicationClient(TimeStamped):
    application = models.OneToOneField(
        "roles.Application",
        on_delete=models.PROTECT,
        related_name="client_registration",
        verbose_name=_("application"),
    )
    client = models.OneToOneField(
        "allauth_idp_oidc.Client",
        on_delete=models.CASCADE,
        related_name="application_registration",
        verbose_name=_("OpenID client"),
    )
    # The national number is personal data the application needs a legal basis for: only
    # the clients registered for it receive the `egovnrn` claim (and may ask the decision
    # API about a national number).
    allow_nrn = models.BooleanField(_("may receive the national number"), default=False)
    # Some applications are also open to people acting for themselves (the citizen's
    # e-Box): they are offered "as a citizen" on the capacity screen.
    allow_citizens = models.BooleanField(_("open to citizens"), default=False)
    events_url = models.URLField(
        _("security events URL"),
        max_length=500,
        blank=True,
        help_text=_("Where revocation events are pushed (RFC 8935). Empty: none are sent."),
    )

    class Meta:
        verbose_name = _("application client")
        verbose_name_plural = _("application clients")

    def __str__(self) -> str:
        return str(self.application)


class Capacity(models.Model):
    """What a person chose on the capacity screen for one sign-in (one grant of tokens)."""

    grant_id = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(
        "allauth_idp_oidc.Client",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("client"),
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Both null: the person acts as a citizen (only for clients that allow it).
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, null=True, related_name="+"
    )
    enterprise_quality = models.ForeignKey(
        "enterprises.EnterpriseQuality", on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Set: the person acts for `enterprise` (the client, the mandator) through the provider
    # holding this mandate (the mandatary, whose quality `enterprise_quality` is): "for C,
    # through P". The tokens then name the provider as the actor (`act`).
    mandate = models.ForeignKey(
        "mandates.ClientMandate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("under the mandate"),
    )
    # Whether the sign-in behind it used a second factor: the tokens' `acr`.
    second_factor = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("capacity")
        verbose_name_plural = _("capacities")
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=True, enterprise_quality__isnull=True)
                | Q(enterprise__isnull=False, enterprise_quality__isnull=False),
                name="relying_capacity_enterprise_and_quality_together",
            ),
            models.CheckConstraint(
                condition=Q(mandate__isnull=True) | Q(enterprise__isnull=False),
                name="relying_capacity_mandate_only_for_an_enterprise",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.enterprise_id or 'citizen'} ({self.grant_id[:8]})"

    @property
    def is_citizen(self) -> bool:
        return self.enterprise_id is None

    @property
    def is_mandated(self) -> bool:
        return self.mandate_id is not None


def new_jti() -> str:
    return uuid.uuid4().hex


class SecurityEvent(models.Model):
    """One Security Event Token (RFC 8417) for one application: the delivery log.

    Created once per change and client (`source` + `client` are unique, so a task run twice
    creates nothing new), then pushed (RFC 8935) until delivered, rejected by the receiver or
    out of attempts. The claims are stored, not the signature: each attempt signs them with
    the provider's current key, the one its JWKS publishes at that moment.
    """

    class Type(models.TextChoices):
        SESSION_REVOKED = (
            "https://schemas.openid.net/secevent/caep/event-type/session-revoked",
            _("session revoked"),
        )
        TOKEN_CLAIMS_CHANGE = (
            "https://schemas.openid.net/secevent/caep/event-type/token-claims-change",
            _("token claims changed"),
        )

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        REJECTED = "rejected", _("rejected by the application")
        FAILED = "failed", _("failed")

    jti = models.CharField(_("event ID (jti)"), max_length=32, unique=True, default=new_jti)
    # The change behind the event, e.g. "attribution:42:revoked": with the client, what makes
    # a second run of the same task find the event it already made.
    source = models.CharField(_("source"), max_length=120)
    client = models.ForeignKey(
        "allauth_idp_oidc.Client",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("client"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    # Null: the person's capacity as a citizen (the token then has no tenant).
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    event_type = models.CharField(_("event type"), max_length=100, choices=Type)
    claims = models.JSONField(_("claims"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    # The lease of the attempt under way (the task id) and when it counts as stalled: past
    # `resume_after`, a pending event is queued again by the beat sweeper.
    claimed_by = models.CharField(max_length=255, blank=True)
    resume_after = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "resume_after"], name="relying_event_status_resume"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "client"], name="relying_securityevent_one_per_source_and_client"
            ),
            models.CheckConstraint(
                condition=Q(status="delivered", delivered_at__isnull=False)
                | (~Q(status="delivered") & Q(delivered_at__isnull=True)),
                name="relying_securityevent_delivered_when_delivered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} {self.jti}"
