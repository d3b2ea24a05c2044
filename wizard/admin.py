"""The wizard's editors' admin: drafts, preview, publication, history with restore."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline
from reversion.admin import VersionAdmin

from portal.languages import default_language
from wizard.forms import LinkInlineFormSet
from wizard.models import Choice, Link, Page
from wizard.rendering import render_page
from wizard.services import page_mark_changed, page_snapshot, pages_publish


class KeyCheckedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete, except that a posted value the target's key cannot hold (a
    forged "x" for a page id) is left out when the form is shown again with its error:
    Django looks every posted value up as it is, and an integer column answers a 500."""

    def optgroups(self, name, value, attr=None):
        opts = self.field.remote_field.model._meta
        key = opts.get_field(getattr(self.field.remote_field, "field_name", opts.pk.attname))

        def fits(raw) -> bool:
            try:
                key.run_validators(key.to_python(raw))
            except ValidationError:
                return False
            return True

        return super().optgroups(name, [v for v in value if fits(v)], attr)


class KeyCheckedAutocompleteMixin:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                KeyCheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ChoiceInline(KeyCheckedAutocompleteMixin, TranslationTabularInline):
    model = Choice
    fk_name = "page"
    extra = 0
    fields = ("position", "kind", "target", "label")
    ordering = ("position", "id")
    autocomplete_fields = ("target",)


class LinkInline(KeyCheckedAutocompleteMixin, admin.TabularInline):
    model = Link
    fk_name = "page"
    formset = LinkInlineFormSet
    extra = 0
    fields = ("position", "key", "kind", "target_page", "action", "url")
    ordering = ("position", "id")
    autocomplete_fields = ("target_page",)


@admin.register(Page)
class PageAdmin(KeyCheckedAutocompleteMixin, VersionAdmin, TabbedTranslationAdmin):
    list_display = ("title", "slug", "kind", "status", "has_unpublished_changes", "published_at")
    list_filter = ("kind", "status", "has_unpublished_changes")
    search_fields = ("slug", "title")
    ordering = ("position", "slug")
    inlines = (ChoiceInline, LinkInline)
    autocomplete_fields = ("parent",)
    readonly_fields = ("status", "has_unpublished_changes", "published_at")
    fieldsets = (
        (None, {"fields": ("slug", "kind", "parent", "position")}),
        (_("Draft text"), {"fields": ("title", "body", "footer")}),
        (_("Publication"), {"fields": ("status", "has_unpublished_changes", "published_at")}),
    )
    actions = ("publish_selected",)
    change_form_template = "admin/wizard/page/change_form.html"

    class Media:
        # Names modeltranslation's language switch, so it runs after their script: Django's
        # media merge keeps the order each list gives (alone, ours would come first).
        js = (
            "admin/js/jquery.init.js",
            "modeltranslation/js/tabbed_translation_fields.js",
            "wizard/admin/translation_tabs.js",
        )

    def get_urls(self):
        urls = [
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="wizard_page_preview",
            ),
            path(
                "<int:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="wizard_page_publish",
            ),
        ]
        return urls + super().get_urls()

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Every editor save is a draft: the public page changes only when published.
        page_mark_changed(page=form.instance)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("wizard.change_page")

    @admin.action(description=_("Publish the selected pages"), permissions=["publish"])
    def publish_selected(self, request: HttpRequest, queryset) -> None:
        self._publish(request, list(queryset))

    def _publish(self, request: HttpRequest, pages: list[Page]) -> bool:
        try:
            pages_publish(actor=request.user, pages=pages)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return False
        self.message_user(
            request,
            _("Published: %(pages)s.") % {"pages": ", ".join(p.slug for p in pages)},
            messages.SUCCESS,
        )
        return True

    def publish_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        if not self.has_publish_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        page = get_object_or_404(Page, pk=object_id)
        self._publish(request, [page])
        return HttpResponseRedirect(reverse("admin:wizard_page_change", args=[page.pk]))

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        page = get_object_or_404(Page, pk=object_id)
        if not self.has_view_or_change_permission(request, page):
            raise PermissionDenied
        rendered = render_page(page_snapshot(page), get_language() or default_language())
        response = render(
            request,
            "wizard/page.html",
            {"page": rendered, "preview": True, "held_profiles": [], "help_slug": page.slug},
        )
        response["Cache-Control"] = "private, no-store"
        return response
