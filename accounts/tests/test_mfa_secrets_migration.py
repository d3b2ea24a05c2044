"""Migration accounts 0006: the second-factor secrets stored in the clear before
`accounts.mfa_adapter` are encrypted, and the codes people have still verify.

The migration's functions run here against the current models (the migration reads only
`mfa.Authenticator`'s `type` and `data`, unchanged since), so the test runs in a transaction
on SQLite as on PostgreSQL; `test_it_is_applied` checks that the migration graph has it.
"""

import importlib

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal import auth as totp_auth
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from cryptography.fernet import Fernet
from django.apps import apps
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from accounts.mfa_adapter import UnreadableSecret, looks_encrypted
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NAME = "0006_encrypt_mfa_secrets"
migration = importlib.import_module(f"accounts.migrations.{NAME}")
PLAIN_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"


def code_now(secret: str) -> str:
    counter = next(iter(totp_auth.yield_hotp_counters_from_time()))
    return totp_auth.format_hotp_value(totp_auth.hotp_value(secret, counter))


@pytest.fixture
def before_the_adapter(settings):
    """Authenticators as the release before stored them (allauth's plain adapter), and the
    recovery codes their person holds."""
    settings.MFA_ADAPTER = PLAIN_ADAPTER
    user = UserFactory()
    secret = generate_totp_secret()
    totp = TOTP.activate(user, secret).instance
    recovery = RecoveryCodes.activate(user).instance
    codes = RecoveryCodes(recovery).generate_codes()
    passkey = Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"credential": {"id": "public"}}
    )
    assert totp.data["secret"] == secret  # stored in the clear
    settings.MFA_ADAPTER = "accounts.mfa_adapter.MFAAdapter"
    return totp, recovery, passkey, secret, codes


def test_it_is_applied():
    assert ("accounts", NAME) in MigrationRecorder(connection).applied_migrations()


def test_it_encrypts_plain_secrets_and_the_codes_still_verify(before_the_adapter):
    totp, recovery, passkey, secret, codes = before_the_adapter
    migration.forwards(apps, None)
    totp.refresh_from_db()
    recovery.refresh_from_db()
    passkey.refresh_from_db()
    assert totp.data["secret"] != secret
    assert looks_encrypted(totp.data["secret"])
    assert looks_encrypted(recovery.data["seed"])
    assert passkey.data == {"credential": {"id": "public"}}  # a public key: nothing to hide
    assert TOTP(totp).validate_code(code_now(secret))
    assert RecoveryCodes(recovery).generate_codes() == codes
    assert RecoveryCodes(recovery).validate_code(codes[3])


def test_it_leaves_a_secret_already_encrypted_alone(before_the_adapter):
    totp, *_rest = before_the_adapter
    migration.forwards(apps, None)
    totp.refresh_from_db()
    once = totp.data
    migration.forwards(apps, None)
    totp.refresh_from_db()
    assert totp.data == once


def test_a_token_of_another_key_stops_it(before_the_adapter):
    totp, *_rest = before_the_adapter
    other = Fernet(Fernet.generate_key()).encrypt(b"JBSWY3DPEHPK3PXP").decode()
    Authenticator.objects.filter(pk=totp.pk).update(data={"secret": other})
    with pytest.raises(UnreadableSecret):
        migration.forwards(apps, None)
    totp.refresh_from_db()
    assert totp.data == {"secret": other}  # not encrypted a second time


def test_its_reverse_decrypts_for_the_release_before(before_the_adapter, settings):
    totp, recovery, _passkey, secret, codes = before_the_adapter
    plain_seed = recovery.data["seed"]
    migration.forwards(apps, None)
    migration.backwards(apps, None)
    totp.refresh_from_db()
    recovery.refresh_from_db()
    assert totp.data["secret"] == secret
    assert recovery.data["seed"] == plain_seed
    settings.MFA_ADAPTER = PLAIN_ADAPTER
    assert RecoveryCodes(recovery).generate_codes() == codes
