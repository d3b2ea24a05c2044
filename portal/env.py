"""Typed, validated reads of the environment.

Settings come from the environment only. A malformed value must stop the process at start
with a message that names the variable: a typo in production should never turn into a
silently different configuration.
"""

import os
from collections.abc import Callable
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()
TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


class EnvError(ImproperlyConfigured):
    pass


def _raw(name: str, default):
    value = os.environ.get(name)
    if value is None:
        if default is _MISSING:
            raise EnvError(f"The environment variable {name} is required but not set.")
        return default
    return value


def env_str(name: str, default=_MISSING) -> str:
    return _raw(name, default)


def env_bool(name: str, default: bool | object = _MISSING) -> bool:
    value = _raw(name, default)
    if isinstance(value, bool):
        return value
    lowered = value.strip().lower()
    if lowered in TRUE_VALUES:
        return True
    if lowered in FALSE_VALUES:
        return False
    raise EnvError(f"{name}={value!r} is not a boolean (use true/false, 1/0, yes/no, on/off).")


def env_int(name: str, default: int | object = _MISSING, *, minimum: int | None = None) -> int:
    value = _raw(name, default)
    if isinstance(value, int):
        return value
    try:
        number = int(value.strip())
    except ValueError:
        raise EnvError(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise EnvError(f"{name}={number} must be at least {minimum}.")
    return number


def env_list(name: str, default: list[str] | object = _MISSING) -> list[str]:
    value = _raw(name, default)
    if isinstance(value, list):
        return value
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name: str, default: object = _MISSING, *, schemes: tuple[str, ...]) -> str | None:
    value = _raw(name, default)
    if value is None or value == "":
        return None
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not (parsed.netloc or parsed.path):
        raise EnvError(f"{name}={value!r} is not a valid URL; expected a scheme among {schemes}.")
    return value


def env_choice(name: str, default: str | object = _MISSING, *, choices: tuple[str, ...]) -> str:
    value = _raw(name, default)
    if value not in choices:
        raise EnvError(f"{name}={value!r} is not one of {', '.join(choices)}.")
    return value


def env_validated(name: str, default, validator: Callable[[str], object]):
    value = _raw(name, default)
    try:
        validator(value)
    except Exception as exc:
        raise EnvError(f"{name}={value!r} is invalid: {exc}") from None
    return value
