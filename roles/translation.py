from modeltranslation.translator import TranslationOptions, register

from roles.models import Application, ApplicationGroup, Role


@register(Application)
class ApplicationTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Role)
class RoleTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(ApplicationGroup)
class ApplicationGroupTranslationOptions(TranslationOptions):
    fields = ("name", "description")
