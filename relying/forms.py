from allauth.idp.oidc.forms import AuthorizationForm
from django import forms
from django.utils.translation import gettext_lazy as _


class CapacityForm(AuthorizationForm):
    """allauth's authorization form (the signed request and the scopes) with the capacity.

    The scopes are the application's, fixed when it was registered: the person sees what
    the application will receive, but does not pick among them, so they travel as hidden
    inputs. What the person chooses is the capacity."""

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].widget = forms.MultipleHiddenInput()
        self.options = {option.key: option for option in options}
        self.fields["capacity"] = forms.ChoiceField(
            label=_("For whom do you act?"),
            choices=[(option.key, option.key) for option in options],
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Choose for whom you act."),
                "invalid_choice": _("This capacity is not one of yours for this application."),
            },
        )

    def clean_capacity(self):
        return self.options[self.cleaned_data["capacity"]]
