"""The label of a field's choice, looked up instead of rebuilt on every call."""

from __future__ import annotations

import functools

from django.db import models
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


@functools.cache
def _labels(field: models.Field) -> dict:
    # The labels stay lazy: each call translates only its own, in the active language.
    return {make_hashable(value): label for value, label in field.flatchoices}


class ChoiceLabels(models.Model):
    """`get_<field>_display()` in one dictionary look-up and one translation.

    Django's own builds a dictionary of the field's choices on every call, and hashing its
    lazy labels translates every one of them: a history of 20 audit events (some 60
    actions) cost 1,300 translations, a third of the profile page. The result is the
    same: the label of the value in the active language, the value itself if unknown.
    Choices given as a callable may change between calls: those keep Django's way.
    """

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        if isinstance(field.choices, CallableChoiceIterator):
            return super()._get_FIELD_display(field)
        value = getattr(self, field.attname)
        return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)
