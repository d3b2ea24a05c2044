"""The admin's text fields refuse what every other form of the portal refuses (control and
bidirectional characters, NUL: `portal.text.SafeTextValidator`).

The admin builds each form field from its model field (`formfield_for_dbfield`), on the
model admins and on their inlines alike: that one step is wrapped for every model admin
registered on the site, so a model admin added later needs nothing of its own.
"""

import functools

from portal.text import guard_text_field


def _guarded(formfield_for_dbfield):
    @functools.wraps(formfield_for_dbfield)
    def method(self, db_field, request, **kwargs):
        field = formfield_for_dbfield(self, db_field, request, **kwargs)
        if field is not None:
            guard_text_field(field, db_field.name)
        return field

    method.guards_text = True
    return method


def _guard(admin_class) -> None:
    if not getattr(admin_class.formfield_for_dbfield, "guards_text", False):
        admin_class.formfield_for_dbfield = _guarded(admin_class.formfield_for_dbfield)


def guard_admin_text(site) -> None:
    """Every model admin of `site` and each of its inlines, by class."""
    for model_admin in site._registry.values():
        _guard(type(model_admin))
        for inline in model_admin.inlines:
            _guard(inline)
