"""Names from the identity provider's claims fit the columns and hold no invisible characters."""

import pytest
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.test import RequestFactory

from accounts.adapters import SocialAccountAdapter
from accounts.models import User


@pytest.mark.django_db
def test_provider_names_are_fitted_not_refused():
    request = RequestFactory().get("/")
    sociallogin = SocialLogin(account=SocialAccount(provider="fas", uid="1"), user=User())
    user = SocialAccountAdapter(request).populate_user(
        request,
        sociallogin,
        {"first_name": "Ann\u202eA" + "a" * 300, "last_name": " Smith\x00 ", "email": "a@b.test"},
    )
    assert user.first_name.startswith("AnnAaaa")
    assert "\u202e" not in user.first_name
    assert len(user.first_name) <= User._meta.get_field("first_name").max_length
    assert user.last_name == "Smith"
