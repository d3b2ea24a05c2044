"""The current request's client address, for audit events written deep in services."""

from contextvars import ContextVar

_ip: ContextVar[str | None] = ContextVar("portal_client_ip", default=None)


def set_ip(value: str | None):
    return _ip.set(value)


def reset_ip(token) -> None:
    _ip.reset(token)


def current_ip() -> str | None:
    return _ip.get()
