"""What every app's forms share."""

import functools
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import TemplatesSetting
from django.template.backends.jinja2 import Jinja2
from django.utils.translation import gettext_lazy as _

from portal import submissions


class FormRenderer(TemplatesSetting):
    """Every form of the portal renders its fields through one template (FORM_RENDERER).

    `{{ form }}` gives the form's own errors then each field; `{{ field.as_field_group }}`
    one field: label with `for`, help text at the `<id>_helptext` that Django's BoundField
    names in the widget's aria-describedby, errors at `<id>_error` (named there too).

    The field and everything inside it render through Jinja2: the portal's field template
    (portal/jinja2/forms/field.html) and Django's own form templates (widgets, options,
    attributes, labels, error lists), which Django ships for both engines with the same
    markup. With the template language, a select cost two nested includes per option and
    the field template a context per field: the role list's filter form (six fields, thirty
    options) was a quarter of that page, 6 ms; through Jinja2 it is under 1 ms. The
    whole form (forms/form.html) and every other template stay in the project's engine.
    """

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"

    def get_template(self, template_name):
        if template_name == self.field_template_name or template_name.startswith("django/forms/"):
            return _field_templates().get_template(template_name)
        return super().get_template(template_name)


@functools.cache
def _field_templates() -> Jinja2:
    """The portal's field template, then Django's Jinja2 form templates; no app's folder.
    Django's Jinja2 backend autoescapes, and leaves Django's safe strings (a rendered
    widget, an error list) as they are."""
    return Jinja2(
        {
            "APP_DIRS": False,
            "DIRS": [Path(__file__).parent / "jinja2", Path(forms.__file__).parent / "jinja2"],
            "NAME": "portal-form-fields",
            "OPTIONS": {},
        }
    )


class ReadOnceModelChoiceIterator(ModelChoiceIterator):
    """The choices of a model field read by one plain query, kept on the field's queryset.

    Django's iterator reads them through `QuerySet.iterator()`, which on PostgreSQL opens a
    server-side cursor (DECLARE … WITH HOLD, FETCH, CLOSE: three round trips, and the rows
    materialised at the end of the statement) for what is a handful of rows (the roles of
    one quality, the qualities of an enterprise). The field's queryset is a fresh clone per
    form (ModelChoiceField's __deepcopy__ and its queryset setter), so nothing outlives the
    request; validation still asks the database (`queryset.get`/`filter`)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = getattr(self.field, "rows", None)
        for obj in self.queryset if rows is None else rows:
            yield self.choice(obj)

    def __len__(self):
        rows = getattr(self.field, "rows", None)
        if rows is None:
            return super().__len__()
        return len(rows) + (1 if self.field.empty_label is not None else 0)


class ModelChoiceField(forms.ModelChoiceField):
    """`rows`, when a form sets them, are the queryset's objects already read (by a prepared
    statement, portal.db): the choices are rendered and a value validated from them, without
    another query. They must be exactly the queryset's rows, in its order."""

    iterator = ReadOnceModelChoiceIterator
    rows = None

    def to_python(self, value):
        if self.rows is None or value in self.empty_values:
            return super().to_python(value)
        key = self.to_field_name or "pk"
        if isinstance(value, self.queryset.model):
            value = getattr(value, key)
        for obj in self.rows:
            if str(getattr(obj, key)) == str(value):
                return obj
        raise ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ReadOnceModelChoiceIterator


class SubmissionKeyField(forms.CharField):
    """The hidden key of one rendered form (portal.submissions); a fresh one per render."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        # No max_length here: an over-long key must not become an error on a hidden field,
        # which no page shows; the form's clean turns it into a visible one.
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", submissions.new_key)  # callable: one key per render
        super().__init__(**kwargs)
        # Likewise CharField's own refusal of NUL: the form's clean checks the whole key.
        self.validators = []


class SubmissionKeyMixin(forms.Form):
    """Adds the submission key; the view passes `cleaned_data["submission_key"]` on."""

    submission_key = SubmissionKeyField()

    def clean_submission_key(self) -> str:
        key = self.cleaned_data.get("submission_key") or ""
        if key and not submissions.is_valid_key(key):
            # A truncated or tampered page: refuse it where errors show, and render the
            # page again with a fresh key so that the next submit can succeed.
            self.add_error(None, _("This page is out of date: check the form and send it again."))
            self.data = self.data.copy()
            self.data[self.add_prefix("submission_key")] = submissions.new_key()
            return ""
        return key


class ReasonField(forms.CharField):
    """Why a staff member looks something up or acts: it goes into the audit event, so it
    must say something (a few words at least) and fit the evidence's size."""

    MAX_LENGTH = 500

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", self.MAX_LENGTH)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)

    def clean(self, value) -> str:
        reason = super().clean(value).strip()
        if len(reason) < 5:
            raise forms.ValidationError(_("Describe the reason in a few words."), code="short")
        return reason
