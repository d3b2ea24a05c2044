"""allauth's social sign-up form, apart from `accounts.forms`: allauth builds its sign-up
forms on ACCOUNT_SIGNUP_FORM_CLASS (in `accounts.forms`), so importing them there is circular."""

from allauth.socialaccount.forms import SignupForm


class SocialSignupForm(SignupForm):
    """The form after a first identity-provider sign-in that lacked an e-mail address
    (SOCIALACCOUNT_FORMS): the national number is the provider's, verified on saving, so the
    form does not ask for one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("national_number", None)
