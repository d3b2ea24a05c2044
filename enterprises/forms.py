"""Forms validate; the services act. Only the fields listed here are read from a POST, so
forged extra fields (`status`, `kind`, `enterprise`...) are ignored."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_national_number
from enterprises.models import Designation, Quality
from enterprises.numbers import normalize_enterprise_number
from enterprises.services import PersonData
from portal.forms import ModelChoiceField, ReasonField, SubmissionKeyMixin
from portal.languages import default_language, language_choices
from portal.text import NUMBER_AS_TYPED_MAX_LENGTH, SafeTextMixin, max_length


class EnterpriseNumberForm(SafeTextMixin, forms.Form):
    number = forms.CharField(
        label=_("Enterprise number"),
        max_length=NUMBER_AS_TYPED_MAX_LENGTH,
        help_text=_("10 digits, in any common writing: 0123.456.749, BE0123456749..."),
    )

    def clean_number(self) -> str:
        return normalize_enterprise_number(self.cleaned_data["number"])


class PersonForm(SafeTextMixin, forms.Form):
    """A person to designate: the actor themself, or somebody named here."""

    myself = forms.BooleanField(
        label=_("Designate myself"),
        required=False,
        help_text=_(
            "Your name, national number and e-mail are taken from your account; the other "
            "fields are then ignored."
        ),
    )
    first_name = forms.CharField(
        label=_("First name"), max_length=max_length(Designation, "first_name"), required=False
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=max_length(Designation, "last_name"), required=False
    )
    national_number = forms.CharField(
        label=_("National number"),
        max_length=NUMBER_AS_TYPED_MAX_LENGTH,
        required=False,
        help_text=_("11 digits, as on the back of the Belgian identity card."),
    )
    email = forms.EmailField(
        label=_("E-mail address"), max_length=max_length(Designation, "email"), required=False
    )
    # The language the manager reads the page in: the person designated most likely shares
    # it, and a manager's preference saved before languages followed the reader (French by
    # default) would propose French in a Dutch or German page.
    language = forms.ChoiceField(
        label=_("Language of the e-mail"), choices=language_choices, initial=default_language
    )

    def __init__(self, *args, actor=None, allow_myself: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        if not allow_myself:
            del self.fields["myself"]

    def has_person(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("myself") or data.get("national_number"))

    def clean_national_number(self) -> str:
        value = self.cleaned_data.get("national_number", "").strip()
        return normalize_national_number(value) if value else ""

    def clean(self):
        data = super().clean()
        if data.get("myself"):
            if not self.actor.verified_national_number:
                raise ValidationError(
                    _(
                        "Your national number is not verified: sign in with eID or itsme, or "
                        "have the contact centre verify it."
                    ),
                    code="unverified_national_number",
                )
            return data
        if self.empty_permitted and not self.has_changed():
            return data
        missing = [
            name
            for name in ("first_name", "last_name", "national_number", "email")
            if not data.get(name) and name not in self.errors
        ]
        for name in missing:
            self.add_error(name, _("This field is required."))
        return data

    def person(self) -> PersonData:
        data = self.cleaned_data
        if data.get("myself"):
            return PersonData.of_user(self.actor)
        return PersonData(
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
            national_number=data["national_number"],
            email=data["email"].lower(),
            language=data["language"],
        )


class DesignationForm(SubmissionKeyMixin, PersonForm):
    """The person form of a page that designates (the co-RAE rows of a registration ride
    on the main form's key)."""


class CoRaeForm(PersonForm):
    def __init__(self, *args, **kwargs):
        kwargs["allow_myself"] = False
        super().__init__(*args, **kwargs)


CoRaeFormSet = forms.formset_factory(CoRaeForm, extra=2, max_num=5, validate_max=True)


class QualityActivateForm(SubmissionKeyMixin, forms.Form):
    quality = ModelChoiceField(
        label=_("Quality"), queryset=Quality.objects.none(), empty_label=None
    )

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quality"].queryset = (
            queryset if queryset is not None else Quality.objects.none()
        )


class ContactCentreForm(SafeTextMixin, forms.Form):
    number = forms.CharField(label=_("Enterprise number"), max_length=NUMBER_AS_TYPED_MAX_LENGTH)
    reason = ReasonField(
        label=_("Reason for the look-up"),
        help_text=_("Required: every look-up is recorded with its reason."),
    )

    def clean_number(self) -> str:
        return normalize_enterprise_number(self.cleaned_data["number"])
