from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Language, User
from accounts.validators import normalize_national_number
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
    language = forms.ChoiceField(label=_("Preferred language"), choices=Language.choices)
    national_number = NationalNumberField(required=False)

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def clean_national_number(self) -> str:
        value = self.cleaned_data["national_number"]
        # The same message as for a free number would let anyone probe who has an account;
        # a taken number is still refused, but only the owner can reset it through support.
        if value and User.objects.filter(national_number=value).exists():
            raise forms.ValidationError(
                _("This national number cannot be used. Contact the contact centre if it is yours.")
            )
        return value

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.language = self.cleaned_data["language"]
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
        value = self.cleaned_data["national_number"] or None
        if (
            value
            and User.objects.filter(national_number=value).exclude(pk=self.instance.pk).exists()
        ):
            raise forms.ValidationError(
                _("This national number cannot be used. Contact the contact centre if it is yours.")
            )
        return value
