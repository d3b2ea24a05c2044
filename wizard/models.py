"""The wizard's content: pages, the choices they offer and the links their text uses.

Drafts and publication: the editable fields of a page, its choices and its links ARE the
draft. Publishing copies them, for the four languages, into `Page.published` (a JSON
snapshot). The public site reads only that snapshot, so an editor's change is invisible
until published, and a public page costs one row (and nothing once cached).

Links in Markdown: the body says `[le Centre de contact](link:contact)`; `contact` is the
`key` of one of the page's `Link` rows, which points to a wizard page, a portal action, an
external https site or the contact centre. Editors never type an internal URL.
"""

from __future__ import annotations

import re

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.actions import PORTAL_ACTIONS, action_choices
from portal.models import TimeStamped

LINK_REFERENCE = re.compile(r"\]\(link:([^)\s]*)\)")

https_only = URLValidator(schemes=["https"], message=_("Enter an https:// address."))


class PageQuerySet(models.QuerySet):
    def published(self) -> PageQuerySet:
        return self.filter(status=Page.Status.PUBLISHED)


class Page(TimeStamped):
    class Kind(models.TextChoices):
        HOME = "home", _("Welcome")
        ABOUT = "about", _("About the wizard")
        PROFILES = "profiles", _("Profiles (I am a …)")
        CONTACT = "contact", _("Contact")
        PROFILE_TASKS = "profile-tasks", _("A profile's tasks")
        ANSWER = "answer", _("Answer")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (never published)")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.ANSWER)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent page"),
        help_text=_("The page the “back” link returns to."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text (Markdown)"),
        blank=True,
        help_text=_("Markdown. Link with [text](link:key), key being one of the page's links."),
    )
    footer = models.TextField(
        _("text after the choices (Markdown)"),
        blank=True,
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    has_unpublished_changes = models.BooleanField(_("unpublished changes"), default=True)
    published = models.JSONField(_("published version"), default=dict, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = _("wizard page")
        verbose_name_plural = _("wizard pages")
        ordering = ["position", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")),
                name="wizard_page_not_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.slug})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def link_keys_used(self) -> set[str]:
        """Link keys the page's texts refer to, in every language."""
        from wizard.translation import text_values

        keys: set[str] = set()
        for value in text_values(self, ("body", "footer")):
            keys.update(LINK_REFERENCE.findall(value or ""))
        return keys

    def clean(self) -> None:
        super().clean()
        # A parent chain must end at the top; a loop would make "back" go round forever.
        seen = {self.pk} if self.pk else set()
        parent = self.parent
        while parent is not None:
            if parent.pk in seen:
                raise ValidationError({"parent": _("A page cannot be its own ancestor.")})
            seen.add(parent.pk)
            parent = parent.parent


class Choice(models.Model):
    """An entry in the page's list: "Je suis un …" (profile) or "… et je voudrais" (task)."""

    class Kind(models.TextChoices):
        PROFILE = "profile", _("Profile (I am a …)")
        TASK = "task", _("Task (… and I would like to)")
        NEXT = "next", _("Continue")
        PREVIOUS = "previous", _("Previous")

    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="choices", verbose_name=_("page")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.TASK)
    target = models.ForeignKey(
        Page,
        on_delete=models.PROTECT,
        related_name="chosen_by",
        verbose_name=_("target page"),
    )
    label = models.CharField(
        _("label"), max_length=300, blank=True, help_text=_("Empty: the target page's title.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label or str(self.target_id)


class Link(models.Model):
    """A link the page's Markdown refers to by `key`."""

    class Kind(models.TextChoices):
        PAGE = "page", _("Wizard page")
        ACTION = "action", _("Portal page")
        EXTERNAL = "external", _("External site (https)")
        CONTACT = "contact", _("Social Security contact centre")

    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="links", verbose_name=_("page")
    )
    key = models.SlugField(
        _("key"), max_length=40, help_text=_("Used in the text as [words](link:key).")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    target_page = models.ForeignKey(
        Page,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="linked_from",
        verbose_name=_("wizard page"),
    )
    action = models.CharField(_("portal page"), max_length=40, choices=action_choices(), blank=True)
    url = models.URLField(_("external address"), blank=True, validators=[https_only])
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["page", "key"], name="wizard_link_unique_key"),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="page", target_page__isnull=False)
                    | models.Q(kind="action") & ~models.Q(action="")
                    | models.Q(kind="external", url__startswith="https://")
                    | models.Q(kind="contact")
                ),
                name="wizard_link_points_somewhere",
            ),
        ]

    def __str__(self) -> str:
        return self.key

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.kind == self.Kind.PAGE and self.target_page_id is None:
            errors["target_page"] = _("Choose the wizard page this link opens.")
        if self.kind == self.Kind.ACTION and self.action not in PORTAL_ACTIONS:
            errors["action"] = _("Choose one of the portal pages.")
        if self.kind == self.Kind.EXTERNAL:
            if not self.url:
                errors["url"] = _("An external link needs its https:// address.")
            elif not self.url.startswith("https://"):
                errors["url"] = _("Enter an https:// address.")
        if errors:
            raise ValidationError(errors)


# History with restore (django-reversion): the editable draft, its choices and its links.
# The publication fields are left out, so restoring a version changes the draft only and
# the public page changes when someone publishes.
reversion.register(Choice)
reversion.register(Link)
reversion.register(
    Page,
    follow=("choices", "links"),
    exclude=("published", "status", "published_at", "has_unpublished_changes"),
)
