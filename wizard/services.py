"""Writes: publishing pages (draft → public snapshot)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.actions import PORTAL_ACTIONS
from portal.audit import Action, audit
from wizard.models import Link, Page
from wizard.selectors import clear_page_cache
from wizard.translation import LANGUAGE_CODES


def _translations(obj, field: str) -> dict[str, str]:
    return {code: getattr(obj, f"{field}_{code}", "") or "" for code in LANGUAGE_CODES}


def page_snapshot(page: Page) -> dict[str, Any]:
    """The page as it would be published now (also what the preview renders)."""
    choices = []
    for choice in page.choices.select_related("target").order_by("position", "id"):
        label = _translations(choice, "label")
        target_title = _translations(choice.target, "title")
        choices.append(
            {
                "kind": choice.kind,
                "target": choice.target.slug,
                "label": {code: label[code] or target_title[code] for code in LANGUAGE_CODES},
            }
        )
    links = {}
    for link in page.links.select_related("target_page"):
        links[link.key] = {
            "kind": link.kind,
            "page": link.target_page.slug if link.target_page else None,
            "page_kind": link.target_page.kind if link.target_page else None,
            "action": link.action,
            "url": link.url,
        }
    return {
        "slug": page.slug,
        "kind": page.kind,
        "parent": page.parent.slug if page.parent_id else None,
        "title": _translations(page, "title"),
        "body": _translations(page, "body"),
        "footer": _translations(page, "footer"),
        "choices": choices,
        "links": links,
    }


def page_problems(page: Page, *, publishing: set[int] = frozenset()) -> list[str]:
    """What would leave the published page pointing nowhere."""
    problems: list[str] = []
    links = list(page.links.select_related("target_page"))
    keys = {link.key for link in links}
    for missing in sorted(page.link_keys_used() - keys):
        problems.append(
            _("The text uses link “%(key)s”, which the page does not define.") % {"key": missing}
        )
    targets: list[Page] = [c.target for c in page.choices.select_related("target")]
    for link in links:
        if link.kind == Link.Kind.PAGE:
            if link.target_page is None:
                problems.append(_("Link “%(key)s” has no wizard page.") % {"key": link.key})
            else:
                targets.append(link.target_page)
        elif link.kind == Link.Kind.ACTION and link.action not in PORTAL_ACTIONS:
            problems.append(_("Link “%(key)s” names an unknown portal page.") % {"key": link.key})
        elif link.kind == Link.Kind.EXTERNAL and not link.url.startswith("https://"):
            problems.append(_("Link “%(key)s” needs an https:// address.") % {"key": link.key})
    if page.parent_id:
        targets.append(page.parent)
    for target in targets:
        if not target.is_published and target.pk not in publishing:
            problems.append(
                _("“%(slug)s” is not published yet: publish it first or together.")
                % {"slug": target.slug}
            )
    return problems


@transaction.atomic
def pages_publish(*, actor, pages: Iterable[Page]) -> list[Page]:
    """Publish the pages' drafts together; all or nothing.

    Raises ValidationError listing what would point nowhere. The public cache is dropped
    once the transaction commits.
    """
    pages = list(pages)
    ids = {page.pk for page in pages}
    problems = [
        f"{page.slug}: {problem}"
        for page in pages
        for problem in page_problems(page, publishing=ids)
    ]
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    with reversion.create_revision():
        if actor is not None and actor.is_authenticated:
            reversion.set_user(actor)
        reversion.set_comment(_("Published"))
        for page in pages:
            page.published = page_snapshot(page)
            page.status = Page.Status.PUBLISHED
            page.published_at = now
            page.has_unpublished_changes = False
            page.save(
                update_fields=[
                    "published",
                    "status",
                    "published_at",
                    "has_unpublished_changes",
                    "updated_at",
                ]
            )
            audit(
                actor=actor,
                action=Action.WIZARD_PAGE_PUBLISHED,
                target=page,
                details={"slug": page.slug},
            )
    transaction.on_commit(clear_page_cache)
    return pages


def page_mark_changed(*, page: Page) -> None:
    """An editor saved the draft: the public version stays until the next publication."""
    if not page.has_unpublished_changes:
        Page.objects.filter(pk=page.pk).update(has_unpublished_changes=True)
        page.has_unpublished_changes = True
