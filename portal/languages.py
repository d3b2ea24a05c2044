"""The portal's languages, read from settings at the moment they are needed.

`settings.LANGUAGES` is the one list and `settings.LANGUAGE_CODE` the default: every language
choice (sign-up, profile, the e-mail language of a designation, the language switcher) and
every default reads them through these functions, at runtime, never copies them. A fifth
language is one line in settings plus its catalogue in locale/. The one exception is fixed
when the models load: modeltranslation adds a column per language to the translated models
(wizard pages, qualities, applications, roles), so those need their migration too.

Migrations are history: the old ones list the four languages; the fields' choices and
defaults are these callables since (a callable is stored by reference, so a new language
changes no migration).
"""

from django.conf import settings


def language_choices() -> list[tuple[str, str]]:
    """(code, name in its own language) of every language of the portal."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def default_language() -> str:
    """The language of whoever has told the portal none: the portal's own."""
    return settings.LANGUAGE_CODE
