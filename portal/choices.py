"""The label of a field's choice, looked up instead of rebuilt on every call."""

from __future__ import annotations

import functools

from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils import translation
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


@functools.cache
def _labels(field: models.Field, language: str | None) -> dict:
    """The field's labels translated into `language`, once per process: the catalogues do
    not change while it runs (Django's own translations are cached the same way, and
    dropped with these when the settings that name them change, in tests)."""
    with translation.override(language):
        return {
            make_hashable(value): force_str(label, strings_only=True)
            for value, label in field.flatchoices
        }


@receiver(setting_changed)
def _forget_labels(*, setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _labels.cache_clear()


class ChoiceLabels(models.Model):
    """`get_<field>_display()` in one dictionary look-up.

    Django's own builds a dictionary of the field's choices on every call, and hashing its
    lazy labels translates every one of them: a history of 20 audit events (some 60
    actions) cost 1,300 translations, a third of the profile page. Here each field's
    labels are translated once per language. The result is the same: the label of the
    value in the active language, the value itself if unknown. Choices given as a callable
    may change between calls: those keep Django's way.
    """

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        if isinstance(field.choices, CallableChoiceIterator):
            return super()._get_FIELD_display(field)
        value = getattr(self, field.attname)
        labels = _labels(field, translation.get_language())
        return labels.get(make_hashable(value), force_str(value, strings_only=True))
