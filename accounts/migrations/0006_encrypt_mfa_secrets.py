"""Data: the second-factor secrets stored before `accounts.mfa_adapter` are encrypted.

TOTP secrets and recovery-code seeds were stored as they are (allauth's default adapter).
Forwards, each plain one becomes a token of SECRET_KEY's key; one that is a token already (a
person who enrolled once the adapter was deployed) is left alone, after checking that it is
ours: a token no configured key reads stops the migration, rather than being encrypted a second
time into something nobody can read. Backwards, the tokens are decrypted again, for the release
before the adapter (which reads plain secrets only).

The encryption is the adapter's own functions, not a copy: what this writes is what the
adapter must read.
"""

from django.db import migrations

from accounts.mfa_adapter import decrypt_secret, encrypt_secret, looks_encrypted, map_secrets

TYPES = ("totp", "recovery_codes")


def _encrypted(value: str) -> str:
    if looks_encrypted(value):
        decrypt_secret(value)  # raises UnreadableSecret for a token of another key
        return value
    return encrypt_secret(value)


def _decrypted(value: str) -> str:
    return decrypt_secret(value) if looks_encrypted(value) else value


def _rewrite(apps, transform) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=TYPES).order_by("pk").iterator():
        data = map_secrets(authenticator.type, authenticator.data, transform)
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def forwards(apps, schema_editor):
    _rewrite(apps, _encrypted)


def backwards(apps, schema_editor):
    _rewrite(apps, _decrypted)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_languages_from_settings"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
