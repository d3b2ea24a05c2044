"""Second-factor secrets are stored encrypted, and read only with the portal's keys
(accounts/mfa_adapter.py)."""

import json

import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal import auth as totp_auth
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from accounts.mfa_adapter import (
    MFAAdapter,
    UnreadableSecret,
    decrypt_secret,
    encrypt_secret,
    looks_encrypted,
)
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-Passphrase-2026"
OLD_KEY = "old-secret-key-" + "o1p2q3r4s5" * 5
NEW_KEY = "new-secret-key-" + "n1m2l3k4j5" * 5


def code_at(secret: str, counter: int) -> str:
    return totp_auth.format_hotp_value(totp_auth.hotp_value(secret, counter))


def current_counter() -> int:
    return next(iter(totp_auth.yield_hotp_counters_from_time()))


def stored(authenticator: Authenticator) -> dict:
    return Authenticator.objects.get(pk=authenticator.pk).data


def test_the_portal_adapter_is_allauths():
    assert isinstance(get_adapter(), MFAAdapter)


def test_a_totp_secret_is_stored_encrypted_and_its_codes_verify():
    user = UserFactory()
    secret = generate_totp_secret()
    totp = TOTP.activate(user, secret)
    data = stored(totp.instance)
    assert data["secret"] != secret
    assert secret not in json.dumps(data)
    assert looks_encrypted(data["secret"])
    assert decrypt_secret(data["secret"]) == secret
    assert TOTP(Authenticator.objects.get(pk=totp.instance.pk)).validate_code(
        code_at(secret, current_counter())
    )


def test_a_recovery_code_seed_is_stored_encrypted_and_its_codes_verify():
    user = UserFactory()
    codes = RecoveryCodes.activate(user)
    data = stored(codes.instance)
    assert looks_encrypted(data["seed"])
    fresh = RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk))
    unused = fresh.get_unused_codes()
    assert len(unused) == 10
    assert not any(code in json.dumps(data) for code in unused)
    assert fresh.validate_code(unused[0])
    assert (
        unused[0]
        not in RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk)).get_unused_codes()
    )


def test_a_person_enrols_totp_then_signs_in_with_a_code(client, monkeypatch):
    user = UserFactory(password=PASSWORD)
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session["mfa.totp.secret"]
    counter = current_counter()
    response = client.post("/accounts/2fa/totp/activate/", {"code": code_at(secret, counter)})
    assert response.status_code == 302
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert secret not in json.dumps(authenticator.data)
    # Enrolling made recovery codes too: their seed is encrypted as well.
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert looks_encrypted(recovery.data["seed"])

    client.logout()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.headers["Location"].startswith("/accounts/2fa/authenticate/")
    # The next time step: allauth refuses the code that activated TOTP a second time.
    monkeypatch.setattr(totp_auth, "yield_hotp_counters_from_time", lambda: iter([counter + 1]))
    response = client.post("/accounts/2fa/authenticate/", {"code": code_at(secret, counter + 1)})
    assert response.status_code == 302
    assert not response.headers["Location"].startswith("/accounts/2fa/")
    assert client.get("/account/settings/").status_code == 200


@pytest.mark.parametrize(
    "value",
    [
        "JBSWY3DPEHPK3PXP",  # a plain TOTP secret, written past the adapter
        "00" * 40,  # a plain recovery-code seed
        Fernet(Fernet.generate_key()).encrypt(b"JBSWY3DPEHPK3PXP").decode(),  # another key
        "",
    ],
    ids=["plain-secret", "plain-seed", "other-key", "empty"],
)
def test_a_value_that_is_not_a_token_of_ours_is_refused(value):
    with pytest.raises(UnreadableSecret) as refused:
        decrypt_secret(value)
    if value:
        assert value not in str(refused.value)  # the error never carries the value


def test_an_altered_token_is_refused_not_decrypted():
    token = encrypt_secret("JBSWY3DPEHPK3PXP")
    altered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(UnreadableSecret):
        decrypt_secret(altered)


def test_a_sign_in_with_a_plain_stored_secret_fails_loudly():
    user = UserFactory()
    secret = "JBSWY3DPEHPK3PXP"
    authenticator = Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": secret}
    )
    with pytest.raises(UnreadableSecret):
        TOTP(authenticator).validate_code(code_at(secret, current_counter()))


# --- Rotating SECRET_KEY --------------------------------------------------------------------


def test_a_rotated_key_in_the_fallbacks_keeps_secrets_readable(settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    user = UserFactory()
    secret = generate_totp_secret()
    totp = TOTP.activate(user, secret)

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    instance = Authenticator.objects.get(pk=totp.instance.pk)
    assert TOTP(instance).validate_code(code_at(secret, current_counter()))
    # What is encrypted now is under the new key.
    assert decrypt_secret(encrypt_secret("x")) == "x"
    settings.SECRET_KEY_FALLBACKS = []
    assert decrypt_secret(encrypt_secret("x")) == "x"

    # Without the old key, the old secret no longer reads: loudly.
    with pytest.raises(UnreadableSecret):
        TOTP(instance).validate_code(code_at(secret, current_counter() + 1))


def test_reencrypting_after_a_rotation_lets_the_old_key_go(settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    user = UserFactory()
    secret = generate_totp_secret()
    totp = TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).generate_codes()

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    before = stored(totp.instance)
    call_command("mfa_reencrypt", "--dry-run", verbosity=0)
    assert stored(totp.instance) == before
    call_command("mfa_reencrypt", verbosity=0)
    assert stored(totp.instance) != before

    settings.SECRET_KEY_FALLBACKS = []
    assert decrypt_secret(stored(totp.instance)["secret"]) == secret
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert RecoveryCodes(recovery).generate_codes() == codes


def test_reencrypting_stops_on_a_secret_no_key_reads_and_writes_nothing(settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    readable = TOTP.activate(UserFactory(), generate_totp_secret())
    plain = Authenticator.objects.create(
        user=UserFactory(), type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    before = stored(readable.instance)
    with pytest.raises(CommandError, match=str(plain.pk)) as refused:
        call_command("mfa_reencrypt", verbosity=0)
    assert "JBSWY3DPEHPK3PXP" not in str(refused.value)
    assert stored(readable.instance) == before
