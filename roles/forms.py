"""Forms validate; the services act on their cleaned_data."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_national_number
from portal.forms import ModelChoiceField, ModelMultipleChoiceField, SubmissionKeyMixin
from portal.text import NUMBER_AS_TYPED_MAX_LENGTH, SafeTextMixin, max_length, text_error
from roles.models import AccessLink, Invitation, RoleAttribution, Source
from roles.periods import link_expiry_error, period_errors
from roles.services import Invitee


class RolesField(ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return f"{obj.application.name} — {obj.name}"


class PeriodMixin:
    """The attribution's dates (`valid_from`, `valid_until`, whichever the form has) judged
    by the services' own rule (roles.periods), each message on the field at fault."""

    def clean(self):
        data = super().clean()
        for field, message in period_errors(
            data.get("valid_from"), data.get("valid_until")
        ).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data


class ScopedRolesForm(SafeTextMixin, forms.Form):
    def __init__(self, *args, roles_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].queryset = roles_qs


class InvitationForm(PeriodMixin, SubmissionKeyMixin, ScopedRolesForm):
    roles = RolesField(queryset=None, label=_("Roles"))
    valid_until = forms.DateField(
        label=_("End date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    invitees = forms.CharField(
        label=_("People to invite"),
        help_text=_(
            "One person per line: first name; last name; e-mail; national number (optional)."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    message = forms.CharField(
        label=_("Personal message (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    MAX_LINES = 100
    parsed_fields = ("invitees",)  # each name and address is checked in clean_invitees

    def clean_invitees(self) -> list[Invitee]:
        lines = [line.strip() for line in self.cleaned_data["invitees"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > self.MAX_LINES:
            raise ValidationError(
                _("At most %(max)d people at once; use the CSV upload for more."),
                params={"max": self.MAX_LINES},
            )
        invitees, errors, seen = [], [], set()
        for number, line in enumerate(lines, start=1):
            parts = [p.strip() for p in line.replace("\t", ";").split(";")]
            if len(parts) < 3 or not parts[0] or not parts[1]:
                errors.append(_("Line %(n)d: give first name; last name; e-mail.") % {"n": number})
                continue
            problem = self._part_problem(parts)
            if problem:
                errors.append(
                    _("Line %(n)d: %(problem)s") % {"n": number, "problem": problem.messages[0]}
                )
                continue
            email = parts[2].lower()
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("Line %(n)d: invalid e-mail address.") % {"n": number})
                continue
            nn = parts[3] if len(parts) > 3 else ""
            if nn:
                try:
                    nn = normalize_national_number(nn)
                except ValidationError:
                    errors.append(_("Line %(n)d: invalid national number.") % {"n": number})
                    continue
            if email in seen:
                errors.append(_("Line %(n)d: this e-mail appears twice.") % {"n": number})
                continue
            seen.add(email)
            invitees.append(Invitee(parts[0], parts[1], email, nn))
        if errors:
            raise ValidationError(errors)
        if not invitees:
            raise ValidationError(_("Add at least one person to invite."))
        return invitees

    # Each part of a line is one field of the invitation: its limits are the model's.
    PARTS = (
        ("first_name", _("First name")),
        ("last_name", _("Last name")),
        ("email", _("E-mail address")),
    )

    def _part_problem(self, parts: list[str]) -> ValidationError | None:
        for value, (name, label) in zip(parts, self.PARTS, strict=False):
            error = text_error(value, label=label, max_chars=max_length(Invitation, name))
            if error:
                return error
        if len(parts) > 3:
            return text_error(
                parts[3], label=_("National number"), max_chars=NUMBER_AS_TYPED_MAX_LENGTH
            )
        return None


class DirectAttributionForm(PeriodMixin, SubmissionKeyMixin, ScopedRolesForm):
    roles = RolesField(queryset=None, label=_("Roles"))
    national_number = forms.CharField(
        label=_("National number"), max_length=NUMBER_AS_TYPED_MAX_LENGTH
    )
    first_name = forms.CharField(
        label=_("First name"), max_length=max_length(RoleAttribution, "first_name")
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=max_length(RoleAttribution, "last_name")
    )
    email = forms.EmailField(
        label=_("E-mail address"), max_length=max_length(RoleAttribution, "email")
    )
    valid_from = forms.DateField(
        label=_("Start date (optional, today if empty)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    valid_until = forms.DateField(
        label=_("End date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_national_number(self):
        return normalize_national_number(self.cleaned_data["national_number"])


class AccessLinkForm(PeriodMixin, SubmissionKeyMixin, ScopedRolesForm):
    label = forms.CharField(label=_("Label (for you)"), max_length=max_length(AccessLink, "label"))
    roles = RolesField(queryset=None, label=_("Roles"))
    expires_on = forms.DateField(
        label=_("The link works until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    max_uses = forms.IntegerField(label=_("Maximum number of uses"), min_value=1, max_value=10000)
    requires_approval = forms.BooleanField(
        label=_("I approve each request before the role is given"), required=False
    )
    valid_until = forms.DateField(
        label=_("End date of the attributions (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        error = link_expiry_error(value)
        if error:
            raise ValidationError(error)
        return value


class BulkUploadForm(SubmissionKeyMixin, SafeTextMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: first name, last name, e-mail, roles (codes separated by ;), "
            "end date (YYYY-MM-DD, optional), national number (optional). A first row "
            "naming the columns, in French, Dutch, German or English, may give them in "
            "another order. Saved as CSV UTF-8, Windows CSV or Excel's “Unicode text”."
        ),
    )
    message = forms.CharField(
        label=_("Personal message (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is too large (5 MB at most)."))
        return upload


class BatchConfirmForm(SubmissionKeyMixin, forms.Form):
    """Sending a previewed batch: nothing to fill in but the page's submission key."""


class AttributionFilterForm(SafeTextMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = ModelChoiceField(queryset=None, label=_("Role"), required=False, empty_label=_("All"))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *list(RoleAttribution.Status.choices)],
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("All")), *list(Source.choices)]
    )
    expiring = forms.BooleanField(label=_("Ends within 30 days"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-created", _("Newest first")),
            ("created", _("Oldest first")),
            ("name", _("Name")),
            ("role", _("Role")),
            ("until", _("End date")),
            ("status", _("Status")),
        ],
    )

    # A provider quality's list: the client (enterprise number) its roles were given for.
    # Typed, not chosen from a drop-down: a secretariat has 100,000 clients.
    client = forms.CharField(label=_("Client (enterprise number)"), required=False, max_length=20)

    def __init__(self, *args, roles_qs, roles=None, with_client: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = roles_qs
        # The rows of roles_qs when the view has them already (selectors.role_choices).
        self.fields["role"].rows = roles
        if not with_client:
            del self.fields["client"]

    def params(self) -> dict:
        # Invalid filters are ignored (never a 500): the list shows unfiltered.
        return self.cleaned_data if self.is_valid() else {}


class EmailChangeForm(SubmissionKeyMixin, SafeTextMixin, forms.Form):
    attributions = ModelMultipleChoiceField(
        queryset=None,
        label=_("Attributions whose e-mail changes"),
        widget=forms.CheckboxSelectMultiple,
    )
    # The new address is written into the attributions: their column is the limit.
    new_email = forms.EmailField(
        label=_("New e-mail address"), max_length=max_length(RoleAttribution, "email")
    )

    def __init__(self, *args, attributions_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attributions"].queryset = attributions_qs
        self.fields["attributions"].label_from_instance = lambda a: (
            f"{a.role} — {a.enterprise.name} ({a.email})"
        )


class ClientFilterForm(SafeTextMixin, forms.Form):
    """The provider's clients: a search by number or name (not a drop-down), the group,
    and "ending soon"."""

    q = forms.CharField(label=_("Client's number or name"), required=False, max_length=100)
    group = ModelChoiceField(
        queryset=None, label=_("Applications"), required=False, empty_label=_("All")
    )
    ending = forms.BooleanField(label=_("Ending soon"), required=False)

    def __init__(self, *args, groups_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups_qs

    def params(self) -> dict:
        # Invalid filters are ignored (never a 500): the list shows unfiltered.
        return self.cleaned_data if self.is_valid() else {}
