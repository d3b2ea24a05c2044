"""Second-factor secrets encrypted at rest: allauth's MFA adapter (`settings.MFA_ADAPTER`).

allauth keeps a person's TOTP secret and the seed of their recovery codes in
`Authenticator.data`, and passes them through the adapter's `encrypt` / `decrypt`; its default
stores them as they are. Whoever reads that table (a backup, a replica, a SQL console, the
admin) could then compute anybody's codes, and with a password act as any manager. Here they
are Fernet tokens (the `cryptography` package: AES-CBC with an HMAC-SHA256, so an altered value
is detected, not decrypted into something else).

- The keys come from SECRET_KEY and SECRET_KEY_FALLBACKS, each through HKDF-SHA256 with a
  purpose of its own (`KEY_PURPOSE`): the same SECRET_KEY signs sessions and links, and a key
  derived for one use is no key for another. MultiFernet encrypts with SECRET_KEY's key and
  reads with any of them, so rotating SECRET_KEY with the old one in SECRET_KEY_FALLBACKS keeps
  every second factor working; `manage.py mfa_reencrypt` then rewrites the secrets under the
  new key, after which the old one can leave the fallbacks.
- A value that is not a token of these keys (a plain secret written past the adapter, a token
  of a key no longer configured, a value changed in the database) raises `UnreadableSecret`: a
  sign-in then fails loudly instead of comparing codes with garbage.
- Secrets stored before this adapter are encrypted by migration accounts 0006 (its reverse
  decrypts them, for the release before it).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from functools import lru_cache

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# HKDF's `info`: what the derived keys are for. Changing it makes every stored secret
# unreadable: it is part of the stored data's format, like a migration.
KEY_PURPOSE = b"egov-portal accounts.mfa_adapter: TOTP secrets and recovery-code seeds"

# The first byte of every Fernet token (its version), "g" in base64. A TOTP secret (base32:
# A-Z, 2-7) or a recovery-code seed (hex) never begins with it.
_FERNET_VERSION = 0x80
# version (1) + timestamp (8) + IV (16) + one AES block (16) + HMAC (32)
_FERNET_MIN_BYTES = 73


class UnreadableSecret(Exception):
    """A stored second-factor secret that no configured key decrypts. The message never
    includes the value."""


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_PURPOSE).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


@lru_cache(maxsize=8)
def _keys_for(secret_key: str, fallbacks: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_fernet(key) for key in (secret_key, *fallbacks)])


def keys() -> MultiFernet:
    """SECRET_KEY's key first (it encrypts), then each fallback's (they only decrypt). Read
    from the settings on each call, so a changed setting (a test's override) takes effect."""
    return _keys_for(settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS))


def encrypt_secret(text: str) -> str:
    return keys().encrypt(text.encode()).decode("ascii")


def decrypt_secret(token: str) -> str:
    try:
        return keys().decrypt(token).decode()
    except (InvalidToken, TypeError, UnicodeDecodeError):
        raise UnreadableSecret(
            "A second-factor secret is not encrypted with SECRET_KEY or any of "
            "SECRET_KEY_FALLBACKS (a key removed too early, or a value changed in the database)."
        ) from None


def reencrypt_secret(token: str) -> str:
    """The same secret under SECRET_KEY's key (after a rotation); refused like a decryption."""
    try:
        return keys().rotate(token).decode("ascii")
    except (InvalidToken, TypeError):
        raise UnreadableSecret(
            "A second-factor secret is not encrypted with SECRET_KEY or any of "
            "SECRET_KEY_FALLBACKS."
        ) from None


def looks_encrypted(value: str) -> bool:
    """Whether `value` has the shape of a Fernet token. Says nothing of whose: only the
    migration and the re-encryption ask, to tell a token from a plain secret."""
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False
    return len(raw) >= _FERNET_MIN_BYTES and raw[0] == _FERNET_VERSION


def map_secrets(authenticator_type: str, data: dict, transform: Callable[[str], str]) -> dict:
    """A copy of an authenticator's `data` with each secret passed through `transform`: the
    TOTP secret, the recovery codes' seed, and codes carried over from another library
    (allauth's `migrated_codes`). A passkey's data holds a public key only: unchanged."""
    data = dict(data)
    if authenticator_type == "totp":
        data["secret"] = transform(data["secret"])
    elif authenticator_type == "recovery_codes":
        if "seed" in data:
            data["seed"] = transform(data["seed"])
        if "migrated_codes" in data:
            data["migrated_codes"] = [transform(code) for code in data["migrated_codes"]]
    return data


class MFAAdapter(DefaultMFAAdapter):
    """allauth's adapter, with the secrets it stores encrypted (see the module)."""

    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)
