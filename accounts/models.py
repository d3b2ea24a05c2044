from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.validators import format_national_number, validate_national_number


class Language(models.TextChoices):
    FR = "fr", "Français"
    NL = "nl", "Nederlands"
    DE = "de", "Deutsch"
    EN = "en", "English"


def reading_language() -> str:
    """The language the person is reading the portal in: every language default follows it.

    The request's language (LocaleMiddleware: the language cookie, else the browser's
    Accept-Language), so a form opened in a Dutch browser proposes Dutch. Outside a request
    (tasks, commands) it is the portal's default language.
    """
    code = (translation.get_language() or "").split("-")[0]
    return code if code in Language.values else settings.LANGUAGE_CODE


class NationalNumberSource(models.TextChoices):
    """Who vouched for a verified national number. A number a person typed has none."""

    IDENTITY_PROVIDER = "identity_provider", _("federal identity provider (eID, itsme)")
    CONTACT_CENTRE = "contact_centre", _("contact centre (identity document checked)")
    DEMO = "demo", _("demo data")


class IdentityDocument(models.TextChoices):
    """What a contact-centre agent may check before verifying a national number."""

    EID = "eid", _("Belgian identity card (eID)")
    KIDS_ID = "kids_id", _("Kids-ID")
    RESIDENCE_CARD = "residence_card", _("residence card for foreign nationals")
    PASSPORT = "passport", _("Belgian passport")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The national number ties them to mandates, designations and attributions.

    A number is *declared* (typed by the person: it unlocks nothing) or *verified* (a claim
    of the federal identity provider, or a contact-centre agent's check of an identity
    document). Everything that hangs on a number — legal representation, accepting a
    designation or an invitation made for a number, attributions made before the account
    existed — reads `verified_national_number`, never the raw field. Only verified numbers
    are unique: a declared one says nothing about who owns it, and refusing it would tell a
    visitor which numbers have an account.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language, default=reading_language
    )
    national_number = models.CharField(
        _("national number"),
        max_length=11,
        null=True,
        blank=True,
        validators=[validate_national_number],
        help_text=_("11 digits, as on the back of the Belgian identity card."),
    )
    national_number_verified = models.BooleanField(_("national number verified"), default=False)
    national_number_source = models.CharField(
        _("verified by"), max_length=20, choices=NationalNumberSource, blank=True
    )
    national_number_verified_at = models.DateTimeField(_("verified on"), null=True, blank=True)
    national_number_verified_by = models.ForeignKey(
        "self",
        verbose_name=_("verifying agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["national_number"],
                condition=models.Q(national_number_verified=True),
                name="accounts_user_one_account_per_verified_national_number",
            ),
            # A verified number always says who vouched for it, and when.
            models.CheckConstraint(
                condition=models.Q(national_number_verified=False)
                | (
                    models.Q(national_number__isnull=False)
                    & ~models.Q(national_number_source="")
                    & models.Q(national_number_verified_at__isnull=False)
                ),
                name="accounts_user_verified_national_number_has_source",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def national_number_display(self) -> str:
        return format_national_number(self.national_number or "")

    @property
    def verified_national_number(self) -> str | None:
        """The number that carries power: only a verified one."""
        return self.national_number if self.national_number_verified else None

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        if self.national_number:
            from accounts.validators import normalize_national_number

            self.national_number = normalize_national_number(self.national_number)
        else:
            self.national_number = None
