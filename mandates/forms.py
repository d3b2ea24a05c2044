"""Forms validate; the services act on their cleaned_data. Only the fields listed here are
read from a POST (a forged `state` or `mandator` is ignored)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from enterprises.numbers import normalize_enterprise_number
from enterprises.selectors import enterprise_with_number
from mandates import bulk_csv, rules, selectors
from mandates.models import ClientMandate
from portal.forms import SubmissionKeyMixin
from portal.text import NUMBER_AS_TYPED_MAX_LENGTH, SafeTextMixin

Side = rules.Side
VALIDATE_MANY_LIMIT = rules.VALIDATE_MANY_LIMIT

SIDE_CHOICES = [
    (Side.MANDATOR.value, _("As client: the providers acting for this enterprise")),
    (Side.MANDATARY.value, _("As provider: the clients this enterprise acts for")),
]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
# Translated when shown, with the selector's number of days (declared there once).
ENDING_LABEL = lazy(
    lambda: _("Ending within %(days)d days") % {"days": selectors.ENDING_SOON_DAYS}, str
)()


class GroupField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=selectors.groups(), **kwargs)


class MandateFilterForm(SafeTextMixin, forms.Form):
    side = forms.ChoiceField(
        label=_("List"),
        required=False,
        choices=SIDE_CHOICES,
        widget=forms.RadioSelect,
        initial=Side.MANDATOR.value,
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("The other enterprise's number or name."),
    )
    group = GroupField(label=_("Applications"), required=False, empty_label=_("All"))
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *ClientMandate.State.choices]
    )
    ending = forms.BooleanField(label=ENDING_LABEL, required=False)

    def chosen_side(self) -> Side:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("side"):
            return Side(self.cleaned_data["side"])
        return Side.MANDATOR

    def params(self) -> dict:
        # Invalid filters are shown as errors and ignored (never a 500): the list is unfiltered.
        return self.cleaned_data if self.is_bound and self.is_valid() else {}


class EnterpriseNumberField(forms.CharField):
    """The other enterprise, by its number: known to the registry, or a translated error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", NUMBER_AS_TYPED_MAX_LENGTH)
        kwargs.setdefault(
            "help_text", _("10 digits, in any common writing: 0123.456.749, BE0123456749...")
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        number = normalize_enterprise_number(value)
        enterprise = enterprise_with_number(number)
        if enterprise is None:
            raise ValidationError(
                _("No enterprise with the number %(number)s is known to the registry."),
                code="unknown_enterprise",
                params={"number": value},
            )
        return enterprise


def _dates_in_order(form: forms.Form) -> None:
    start, end = form.cleaned_data.get("start_date"), form.cleaned_data.get("end_date")
    if start and end and end < start:
        form.add_error("end_date", _("The end date is before the start date."))


class ProposeForm(SubmissionKeyMixin, SafeTextMixin, forms.Form):
    side = forms.ChoiceField(
        label=_("This enterprise is"),
        choices=[
            (Side.MANDATOR.value, _("the client: it gives the mandate")),
            (Side.MANDATARY.value, _("the provider: it receives the mandate")),
        ],
        widget=forms.RadioSelect,
        initial=Side.MANDATOR.value,
    )
    other = EnterpriseNumberField(label=_("Number of the other enterprise"))
    group = GroupField(label=_("Applications"), empty_label=None)
    start_date = forms.DateField(label=_("Start date"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("End date (optional)"), required=False, widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        _dates_in_order(self)
        return data


class TransferForm(SubmissionKeyMixin, SafeTextMixin, forms.Form):
    other = EnterpriseNumberField(label=_("Number of the new provider"))
    start_date = forms.DateField(
        label=_("The new provider acts from"),
        widget=DATE_WIDGET,
        help_text=_("The first day of a quarter for applications declared by quarter."),
    )


class ActionForm(SubmissionKeyMixin, forms.Form):
    """A button (validate, refuse, end): only its submission key, so that Back and submit
    again does nothing twice."""


class ProposalUploadForm(SubmissionKeyMixin, SafeTextMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=lazy(
            lambda: (
                _(
                    "Columns: the client's enterprise number, the application group's code, the "
                    "start date, the end date (optional); dates as YYYY-MM-DD. A first row naming "
                    "the columns, in French, Dutch, German or English, may give them in another "
                    "order. Separated by ; or , and saved as CSV UTF-8, Windows CSV or Excel's "
                    "“Unicode text”. At most %(max)d rows."
                )
                % {"max": bulk_csv.MAX_ROWS}
            ),
            str,
        )(),
    )

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is too large (2 MB at most)."), code="too_large")
        return upload


class ValidateManyForm(SubmissionKeyMixin, forms.Form):
    """The proposals chosen on the page (`mandate`, ids) or all of them (`scope` = all).
    The ids are only a choice: the selector keeps those waiting for this enterprise."""

    scope = forms.ChoiceField(
        choices=[("selected", _("Validate the selected")), ("all", _("Validate all"))],
        required=False,
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.chosen = data.getlist("mandate") if data is not None else []

    def clean(self):
        data = super().clean()
        if data.get("scope") == "all":
            data["ids"] = None
            return data
        try:
            ids = sorted({int(value) for value in self.chosen})
        except (TypeError, ValueError):
            raise ValidationError(_("The choice of proposals is not valid."), code="ids") from None
        if not ids:
            raise ValidationError(_("Choose at least one proposal."), code="none_chosen")
        if len(ids) > VALIDATE_MANY_LIMIT:
            raise ValidationError(
                _("Choose at most %(max)d proposals at once.") % {"max": VALIDATE_MANY_LIMIT},
                code="too_many",
            )
        data["ids"] = ids
        return data
