"""The enterprise registry mirror (CBE/KBO) and the designation chain.

Enterprise and Mandate mirror the registry (loaded by `import_cbe`); Registration, the
activated qualities and the Designations are the portal's own state. The Designation rows
are the chain and its history; guardian object permissions (granted and removed by the
services with each designation) answer "may this person do X on this object" fast.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.validators import format_national_number, validate_national_number
from enterprises import chain
from portal.languages import default_language, language_choices
from portal.models import TimeStamped


def validate_enterprise_number(value: str) -> None:
    from enterprises.numbers import normalize_enterprise_number

    normalize_enterprise_number(value)


class EnterpriseQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Enterprise.Status.ACTIVE)


class Enterprise(TimeStamped):
    class Status(models.TextChoices):
        ACTIVE = "AC", _("active")
        STOPPED = "ST", _("stopped")

    # Ten digits, no separators (0123456749); displayed as 0123.456.749.
    number = models.CharField(
        _("enterprise number"), max_length=10, unique=True, validators=[validate_enterprise_number]
    )
    name = models.CharField(_("name"), max_length=320)
    # The language of the name in the registry ("fr", "nl", "de", "en"; empty: unknown). The
    # registered office's address is written in it, also when an update changes only the address.
    name_language = models.CharField(_("language of the name"), max_length=2, blank=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=320, blank=True)
    commercial_name = models.CharField(_("commercial name"), max_length=320, blank=True)
    juridical_form = models.CharField(_("juridical form"), max_length=8, blank=True)
    status = models.CharField(_("status"), max_length=2, choices=Status, default=Status.ACTIVE)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    house_number = models.CharField(_("number"), max_length=22, blank=True)
    box = models.CharField(_("box"), max_length=20, blank=True)
    zipcode = models.CharField(_("postal code"), max_length=20, blank=True)
    municipality = models.CharField(_("municipality"), max_length=200, blank=True)
    # Set when the registry stops (or deletes) a *registered* enterprise: the flag its RAE is
    # told of and the contact centre sees. Cleared when the registry lists it active again.
    registry_stopped_at = models.DateTimeField(_("stopped by the registry"), null=True, blank=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        permissions = [
            ("view_chain", _("See the designation chain")),
            ("manage_enterprise", _("Activate qualities and designate local managers")),
            ("designate_co_rae", _("Designate co-RAEs")),
            # Global (group) permission of the contact-centre staff, never an object one.
            ("contact_centre_lookup", _("Look up an enterprise's access managers")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number_display})"

    @property
    def number_display(self) -> str:
        n = self.number  # ten digits -> "0123.456.749" (stdnum's be.vat has no format())
        return f"{n[:4]}.{n[4:7]}.{n[7:]}" if len(n) == 10 else n

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def address(self) -> str:
        street = " ".join(p for p in [self.street, self.house_number] if p)
        if self.box:
            street = f"{street} / {self.box}"
        town = " ".join(p for p in [self.zipcode, self.municipality] if p)
        return ", ".join(p for p in [street, town] if p)


class JuridicalFormQuerySet(models.QuerySet):
    def labels(self) -> dict[str, str]:
        """{code: label in the active language} of these forms, in one query."""
        return {form.code: form.label for form in self}


class JuridicalForm(models.Model):
    """The name of a KBO juridical-form code ("610"), from the registry's code.csv."""

    # The registry's own languages (code.csv names each code in these, whatever languages
    # the portal speaks): a fact of the KBO data, not a list of the portal's languages.
    # Every code has its French and Dutch names, not always a German or an English one, so
    # the label falls back from the active language to the portal's default, then to those.
    LABEL_FIELDS = {"fr": "label_fr", "nl": "label_nl", "de": "label_de", "en": "label_en"}
    REGISTRY_COMPLETE_LANGUAGES = ("fr", "nl")

    code = models.CharField(
        _("code"),
        max_length=Enterprise._meta.get_field("juridical_form").max_length,
        primary_key=True,
    )
    label_fr = models.CharField(_("French name"), max_length=255, blank=True)
    label_nl = models.CharField(_("Dutch name"), max_length=255, blank=True)
    label_de = models.CharField(_("German name"), max_length=255, blank=True)
    label_en = models.CharField(_("English name"), max_length=255, blank=True)

    objects = JuridicalFormQuerySet.as_manager()

    class Meta:
        verbose_name = _("juridical form")
        verbose_name_plural = _("juridical forms")
        ordering = ["code"]

    def __str__(self) -> str:
        label = self.label
        return self.code if label == self.code else f"{self.code} – {label}"

    @property
    def label(self) -> str:
        """The name in the active language, else the portal's default, else French, else
        Dutch, else the code itself."""
        active = (get_language() or "").split("-")[0]
        for language in (active, default_language(), *self.REGISTRY_COMPLETE_LANGUAGES):
            field = self.LABEL_FIELDS.get(language)
            if field and getattr(self, field):
                return getattr(self, field)
        return self.code


class MandateQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=on)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )

    def signing(self):
        return self.current().filter(signing_authority=True)

    def representing(self, user):
        """The mandates that make `user` a legal representative: the one rule of it.

        A current mandate with signing authority, in the registry, for the person's
        *verified* national number (a declared one proves nothing). Every check asks this.
        """
        number = getattr(user, "verified_national_number", None)
        if not number or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.signing().filter(national_number=number)


class Mandate(TimeStamped):
    """A function held in an enterprise, as the registry publishes it."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="mandates", verbose_name=_("enterprise")
    )
    national_number = models.CharField(
        _("national number"), max_length=11, validators=[validate_national_number], db_index=True
    )
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    function = models.CharField(_("function"), max_length=100)
    signing_authority = models.BooleanField(_("signing authority"), default=False)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = MandateQuerySet.as_manager()

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "national_number", "function"],
                name="enterprises_mandate_unique_function",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}, {self.function}"

    @property
    def national_number_display(self) -> str:
        return format_national_number(self.national_number)


class Registration(TimeStamped):
    """The enterprise is registered on the portal (by a legal representative)."""

    enterprise = models.OneToOneField(
        Enterprise, on_delete=models.PROTECT, related_name="registration"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return str(self.enterprise)


class Quality(models.Model):
    """A capacity in which an enterprise acts (employer, service provider, ...).

    Name and description are translated (modeltranslation, see enterprises/translation.py).
    """

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_available = models.BooleanField(_("available"), default=True)

    class Meta:
        verbose_name = _("quality")
        verbose_name_plural = _("qualities")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class EnterpriseQuality(TimeStamped):
    """A quality activated for an enterprise; local managers are designated under it."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        INACTIVE = "inactive", _("inactive")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="qualities")
    quality = models.ForeignKey(Quality, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("activated quality")
        verbose_name_plural = _("activated qualities")
        permissions = [
            ("manage_roles", _("Manage users' role attributions under this quality")),
            ("designate_co_gl", _("Designate co-local managers for this quality")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "quality"], name="enterprises_enterprisequality_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quality} — {self.enterprise}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class DesignationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Designation.Status.ACTIVE)

    def pending(self):
        return self.filter(status=Designation.Status.PENDING)

    def open(self):
        """Pending or active: what blocks a second designation of the same person."""
        return self.filter(status__in=[Designation.Status.PENDING, Designation.Status.ACTIVE])


class Designation(TimeStamped):
    """One link of the chain: a person designated RAE, co-RAE, GL or co-GL.

    A designation may name a person without an account yet (national number and e-mail);
    `person` is set when they accept with a matching account.
    """

    # The kinds and their rules are declared once, in enterprises/chain.py.
    Kind = chain.Kind

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for acceptance")
        ACTIVE = "active", _("active")
        REVOKED = "revoked", _("revoked")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("expired")
        REPLACED = "replaced", _("replaced")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="designations"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    # Set for GL and co-GL only (a database constraint says so).
    enterprise_quality = models.ForeignKey(
        EnterpriseQuality,
        on_delete=models.PROTECT,
        related_name="designations",
        null=True,
        blank=True,
        verbose_name=_("quality"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="designations",
        null=True,
        blank=True,
    )
    national_number = models.CharField(
        _("national number"), max_length=11, validators=[validate_national_number], db_index=True
    )
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(
        _("language"), max_length=2, choices=language_choices, default=default_language
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The acceptance link: only a hash of its token is stored.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)
    sent_at = models.DateTimeField(_("link sent"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = DesignationQuerySet.as_manager()

    class Meta:
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        ordering = ["enterprise", "kind", "created_at"]
        indexes = [
            models.Index(fields=["enterprise", "status"], name="enterprises_desig_ent_status"),
            models.Index(fields=["person", "status"], name="enterprises_desig_person"),
        ]
        constraints = [
            # The rules in the database too: one active RAE per enterprise, whatever races.
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(kind=chain.Kind.RAE, status="active"),
                name="enterprises_designation_one_active_rae",
            ),
            # A person holds a given designation once (pending or active).
            models.UniqueConstraint(
                fields=["enterprise", "kind", "national_number"],
                condition=Q(status__in=["pending", "active"], enterprise_quality__isnull=True),
                name="enterprises_designation_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["enterprise_quality", "kind", "national_number"],
                condition=Q(status__in=["pending", "active"], enterprise_quality__isnull=False),
                name="enterprises_designation_once_per_person_quality",
            ),
            models.CheckConstraint(
                condition=chain.scope_constraint(),
                name="enterprises_designation_quality_for_gl_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def profile_label(self) -> str:
        """ "Local manager · Employer": the profile as the header and "My enterprises" name
        it, in the active language. Composed here once per designation rather than by the
        templates' look-ups (five per designation, on every page's header)."""
        quality = self.enterprise_quality.quality if self.enterprise_quality_id else None
        return chain.profile_label(self.kind, quality)

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.ACTIVE)

    @property
    def is_quality_kind(self) -> bool:
        return chain.is_quality_kind(self.kind)

    @property
    def can_be_revoked(self) -> bool:
        """Offered on the chain's pages only where the service will do it."""
        return self.is_active and chain.RULES[self.kind].revocable

    @property
    def link_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


# guardian's direct-foreign-key permission tables: fast joins, real foreign keys.
class EnterpriseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Enterprise, on_delete=models.CASCADE)


class EnterpriseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Enterprise, on_delete=models.CASCADE)


class EnterpriseQualityUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(EnterpriseQuality, on_delete=models.CASCADE)


class EnterpriseQualityGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(EnterpriseQuality, on_delete=models.CASCADE)
