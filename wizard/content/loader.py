"""Load the wizard's initial content (wizard/content/pages.py) into the database.

Idempotent: pages that already exist are left alone (an editor may have changed them)
unless `overwrite` is set; new pages are created with their choices and links, then
published together. A new page that an existing page of the seed lists among its choices
(a new task of a profile) is added at the end of that page's list, the page's other choices
untouched; the page is published again only if it had no unpublished changes of an editor's
(otherwise the new choice waits in the draft for the editor to publish with theirs).
"""

from __future__ import annotations

from typing import IO

from django.db import transaction

from wizard.content.pages import PAGES
from wizard.models import Choice, Link, Page
from wizard.services import pages_publish
from wizard.translation import LANGUAGE_CODES


def _set_translations(obj, field: str, values: dict[str, str] | None) -> None:
    values = values or {}
    for code in LANGUAGE_CODES:
        setattr(obj, f"{field}_{code}", values.get(code, ""))


@transaction.atomic
def load_content(
    *,
    overwrite: bool = False,
    dry_run: bool = False,
    stdout: IO | None = None,
    only: frozenset[str] | None = None,
) -> list[str]:
    """Create (or with `overwrite`, reset) the seed's pages; returns the slugs loaded.
    `only`: load just these slugs (a data migration adding the pages of a new feature)."""
    existing = {page.slug: page for page in Page.objects.all()}
    to_load = [
        spec
        for spec in PAGES
        if (overwrite or spec["slug"] not in existing) and (only is None or spec["slug"] in only)
    ]
    if dry_run or not to_load:
        if stdout and dry_run:
            stdout.write(f"Dry run: {len(to_load)} wizard page(s) would be loaded.\n")
        elif stdout:
            # The usual case (the first migrate loads the pages): nothing is wrong.
            stdout.write(
                f"Wizard content already loaded ({len(existing)} pages; editors' changes kept).\n"
            )
        return [spec["slug"] for spec in to_load]

    pages: dict[str, Page] = dict(existing)
    loaded: list[Page] = []
    for position, spec in enumerate(PAGES):
        if spec not in to_load:
            continue
        page = existing.get(spec["slug"]) or Page(slug=spec["slug"])
        page.kind = spec["kind"]
        page.position = position * 10
        page.parent = None  # set once every page exists
        _set_translations(page, "title", spec["title"])
        _set_translations(page, "body", spec.get("body"))
        _set_translations(page, "footer", spec.get("footer"))
        page.save()
        pages[page.slug] = page
        loaded.append(page)

    for spec in to_load:
        page = pages[spec["slug"]]
        page.parent = pages[spec["parent"]] if spec.get("parent") else None
        page.save(update_fields=["parent"])
        page.choices.all().delete()
        page.links.all().delete()
        for position, (kind, target, label) in enumerate(spec.get("choices", [])):
            choice = Choice(page=page, kind=kind, target=pages[target], position=position)
            _set_translations(choice, "label", label)
            choice.full_clean()
            choice.save()
        for position, (key, kind, target) in enumerate(spec.get("links", [])):
            link = Link(page=page, key=key, kind=kind, position=position)
            if kind == Link.Kind.PAGE:
                link.target_page = pages[target]
            elif kind == Link.Kind.ACTION:
                link.action = target
            elif kind == Link.Kind.EXTERNAL:
                link.url = target
            link.full_clean()
            link.save()

    new_slugs = {page.slug for page in loaded}
    extended = _offer_new_pages(pages, [spec for spec in PAGES if spec not in to_load], new_slugs)
    pages_publish(actor=None, pages=[*loaded, *extended])
    if stdout:
        stdout.write(f"{len(loaded)} wizard page(s) loaded and published.\n")
    return [page.slug for page in loaded]


def _offer_new_pages(pages: dict[str, Page], kept: list[dict], new_slugs: set[str]) -> list[Page]:
    """Add the choices of the kept (existing) pages that point to a page just created;
    return those of them to publish again (the ones without an editor's pending changes)."""
    to_publish = []
    for spec in kept:
        wanted = [c for c in spec.get("choices", []) if c[1] in new_slugs]
        page = pages.get(spec["slug"])
        if not wanted or page is None:
            continue
        last = page.choices.order_by("-position").values_list("position", flat=True).first() or 0
        for offset, (kind, target, label) in enumerate(wanted, start=1):
            if page.choices.filter(target=pages[target]).exists():
                continue
            choice = Choice(page=page, kind=kind, target=pages[target], position=last + offset)
            _set_translations(choice, "label", label)
            choice.full_clean()
            choice.save()
        if page.has_unpublished_changes:
            continue  # the editor publishes it with their own changes
        to_publish.append(page)
    return to_publish
