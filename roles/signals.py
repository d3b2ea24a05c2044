"""Attach attributions given by national number when the person signs in or sets it."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from roles import services


@receiver(user_logged_in, dispatch_uid="roles.attach_on_login")
def attach_on_login(sender, request, user, **kwargs):
    services.attributions_attach(person=user)


def attach_on_save(sender, instance, created, update_fields=None, **kwargs):
    if not instance.national_number:
        return
    if update_fields is not None and "national_number" not in update_fields:
        return
    services.attributions_attach(person=instance)
