from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LinkInlineFormSet(forms.BaseInlineFormSet):
    """Refuse a save that would leave the page's text using a link key nobody defines.

    The admin validates the page form first and hands its (unsaved) instance to the
    formsets, so `self.instance` already carries the edited texts.
    """

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        keys: set[str] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            key = form.cleaned_data.get("key")
            if key in keys:
                raise ValidationError(_("Two links use the key “%(key)s”.") % {"key": key})
            if key:
                keys.add(key)
        used = self.instance.link_keys_used()
        missing = sorted(used - keys)
        if missing:
            raise ValidationError(
                _("The text uses links that are not defined (or are being deleted): %(keys)s.")
                % {"keys": ", ".join(missing)}
            )
