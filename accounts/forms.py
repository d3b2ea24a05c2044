from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import IdentityDocument, User
from accounts.validators import normalize_national_number
from portal.forms import ReasonField
from portal.languages import default_language, language_choices
from portal.text import NUMBER_AS_TYPED_MAX_LENGTH, SafeTextMixin, max_length


class NationalNumberField(forms.CharField):
    """Accepts any common writing (85.07.30-033.28, 85073003328) and stores the 11 digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", NUMBER_AS_TYPED_MAX_LENGTH)
        kwargs.setdefault("label", _("National number"))
        kwargs.setdefault("help_text", _("11 digits, for example 85.07.30-033.28."))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "off")
        self.widget.attrs.setdefault("inputmode", "numeric")

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        return normalize_national_number(value)


class SignupForm(SafeTextMixin, forms.Form):
    """Extra fields of allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS).

    allauth's sign-up form extends this one, so the mixin guards its e-mail field too; its
    length is checked by the account adapter's `clean_email`, as in every allauth form.
    """

    first_name = forms.CharField(label=_("First name"), max_length=max_length(User, "first_name"))
    last_name = forms.CharField(label=_("Last name"), max_length=max_length(User, "last_name"))
    # Proposes the language the page is read in (a callable: evaluated per request).
    language = forms.ChoiceField(
        label=_("Preferred language"), choices=language_choices, initial=default_language
    )
    national_number = NationalNumberField(
        required=False,
        help_text=_(
            "Optional. A number you type is unverified and unlocks nothing until you sign in "
            "with eID or itsme, or the contact centre checks your identity document."
        ),
    )

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.language = self.cleaned_data["language"]
        if "national_number" in self.cleaned_data:  # not on the identity provider's form
            user.national_number = self.cleaned_data["national_number"] or None
        user.save()


class AccountSettingsForm(SafeTextMixin, forms.ModelForm):
    national_number = NationalNumberField(required=False)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "language", "national_number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.national_number_verified:
            # A number from the identity provider is authoritative.
            self.fields["national_number"].disabled = True

    def clean_national_number(self) -> str | None:
        # No uniqueness check: a declared number unlocks nothing, so two accounts may declare
        # one; refusing a taken number would tell a visitor which numbers have an account.
        # Uniqueness holds among verified numbers (a constraint) and is checked at verification.
        return self.cleaned_data["national_number"] or None


class IdentityCheckForm(SafeTextMixin, forms.Form):
    """A contact-centre agent verifies a person's number after checking an identity document."""

    email = forms.EmailField(
        label=_("E-mail address of the person's account"),
        max_length=max_length(User, "email"),
    )
    national_number = NationalNumberField(
        label=_("National number on the identity document"),
        help_text=_("Type it from the document itself, not from what the person says."),
    )
    document_kind = forms.ChoiceField(label=_("Document checked"), choices=IdentityDocument.choices)
    reason = ReasonField(
        label=_("Reason for the verification"),
        help_text=_("Required: every verification is recorded with its reason."),
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise forms.ValidationError(
                _("No active account has this e-mail address. The person creates one first."),
                code="no_account",
            )
        self.person = person
        return email
