from django.conf import settings
from modeltranslation.translator import TranslationOptions, register

from wizard.models import Choice, Page

# The languages the translated fields have a column for. modeltranslation adds those
# columns when the models load, from settings.LANGUAGES, so this list is fixed at import
# (unlike every other language choice of the portal, read at runtime from portal.languages):
# a new language needs its migration for these columns.
LANGUAGE_CODES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)


@register(Page)
class PageTranslationOptions(TranslationOptions):
    fields = ("title", "body", "footer")
    # The default language is the source (the seed's French): a page needs its title in
    # it; other languages fall back to it. Read at import, like the columns.
    required_languages = (settings.LANGUAGE_CODE,)


@register(Choice)
class ChoiceTranslationOptions(TranslationOptions):
    fields = ("label",)


def text_values(obj, fields) -> list[str]:
    """Every language's value of the given translated fields."""
    return [
        getattr(obj, f"{field}_{code}", "") or "" for field in fields for code in LANGUAGE_CODES
    ]
