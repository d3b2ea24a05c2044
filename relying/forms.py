from allauth.idp.oidc.forms import AuthorizationForm
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class CapacityForm(AuthorizationForm):
    """allauth's authorization form (the signed request and the scopes) with the capacity.

    The scopes are the application's, fixed when it was registered: the person sees what
    the application will receive, but does not pick among them, so they travel as hidden
    inputs. What the person chooses is the capacity: one of the page shown (`options`), or
    any other the person holds (`resolve`, one look-up: a person acting for 10,000 clients
    is shown a page of them, never all)."""

    def __init__(self, *args, options, resolve, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].widget = forms.MultipleHiddenInput()
        self.options = {option.key: option for option in options}
        self.resolve = resolve
        self.fields["capacity"] = forms.CharField(
            label=_("For whom do you act?"),
            strip=False,
            error_messages={"required": _("Choose for whom you act.")},
        )

    def clean_capacity(self):
        key = self.cleaned_data["capacity"]
        option = self.options.get(key) or self.resolve(key)
        if option is None:
            raise ValidationError(
                _("This capacity is not one of yours for this application."),
                code="invalid_choice",
            )
        return option
