"""Attach attributions given by national number once the person's number is verified.

Never at declaration: a number the person typed proves nothing, and attaching then would
hand a stranger's attributions to whoever typed their number.
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.signals import national_number_verified
from roles import services


@receiver(user_logged_in, dispatch_uid="roles.attach_on_login")
def attach_on_login(sender, request, user, **kwargs):
    # Catches attributions made for a verified person while they had no session.
    services.attributions_attach(person=user)


@receiver(national_number_verified, dispatch_uid="roles.attach_on_verification")
def attach_on_verification(sender, user, **kwargs):
    services.attributions_attach(person=user)
