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
from django.utils import translation


def language_choices() -> list[tuple[str, str]]:
    """(code, name in its own language) of every language of the portal."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def default_language() -> str:
    """The language of whoever has told the portal none: the one they are reading the portal
    in (LocaleMiddleware's choice: the language cookie, else the browser's Accept-Language),
    so a form opened in a Dutch browser proposes Dutch; outside a request (tasks, commands),
    or for a language the portal does not have, the portal's own (`LANGUAGE_CODE`)."""
    code = (translation.get_language() or "").split("-")[0]
    return code if code in {c for c, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE
