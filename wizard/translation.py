from django.conf import settings
from modeltranslation.translator import TranslationOptions, register

from wizard.models import Choice, Page

LANGUAGE_CODES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)


@register(Page)
class PageTranslationOptions(TranslationOptions):
    fields = ("title", "body", "footer")
    # French is the source: a page needs its French title; other languages fall back to it.
    required_languages = ("fr",)


@register(Choice)
class ChoiceTranslationOptions(TranslationOptions):
    fields = ("label",)


def text_values(obj, fields) -> list[str]:
    """Every language's value of the given translated fields."""
    return [
        getattr(obj, f"{field}_{code}", "") or "" for field in fields for code in LANGUAGE_CODES
    ]
