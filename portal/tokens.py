"""The one way a link's secret is stored: its SHA-256, never the token itself.

Invitation links and designation links hash their token with this function both when they
store it and when they look a link up, so the two can never drift apart.
"""

import hashlib


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
