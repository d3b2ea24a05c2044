"""An account deactivated by staff loses its sessions on the server.

Django only hides an inactive account's session (the user is anonymous while inactive): the
session row survives, and reactivating the account would bring a stolen cookie back to life.
Deleting the rows at deactivation ends them for good. Deactivation is a rare staff action, so
scanning the live sessions then is acceptable.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.dispatch import Signal
from django.utils import timezone

# Sent inside the verifying transaction with `user`: what was made for this number before
# the account existed attaches to it (receivers write in the same transaction).
national_number_verified = Signal()


def _session_model():
    store = import_module(settings.SESSION_ENGINE).SessionStore
    # Database-backed engines only (db, cached_db): a pure cache engine cannot be listed.
    return store.get_model_class() if hasattr(store, "get_model_class") else None


def end_sessions_of(user_id) -> int:
    model = _session_model()
    if model is None:
        return 0
    ended = [
        session.session_key
        for session in model.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user_id)
    ]
    if ended:
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for key in ended:
            store(session_key=key).delete()  # also clears cached_db's cache entry
    return len(ended)


def end_sessions_at_deactivation(sender, instance, **kwargs) -> None:
    if instance.pk is None or instance.is_active:
        return
    if sender.objects.filter(pk=instance.pk, is_active=True).exists():
        # At once, not on commit: should the save roll back, signing out was still harmless.
        end_sessions_of(instance.pk)
