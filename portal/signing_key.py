"""The OpenID provider's signing key, read from a PEM file or created there once."""

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def load_or_create_signing_key(path: str) -> str:
    """The PEM at `path`; when there is none, a new 2048-bit RSA key written there with
    O_EXCL (two processes starting together keep one key: the loser reads the winner's)."""
    file = Path(path)
    if file.exists():
        return file.read_text()
    pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    file.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return file.read_text()
    with os.fdopen(fd, "w") as handle:
        handle.write(pem)
    return pem
