from modeltranslation.translator import TranslationOptions, register

from enterprises.models import Quality


@register(Quality)
class QualityTranslationOptions(TranslationOptions):
    fields = ("name", "description")
