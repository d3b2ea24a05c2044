"""Turn a page snapshot into safe HTML for one language.

Editors' Markdown is rendered, then sanitised with nh3 (a small allow-list of tags and
attributes, http/https/mailto and relative URLs only, rel="noopener"): staff content never
runs script on the public site. The portal's own link markers are added AFTER
sanitising, to links that the sanitiser kept and that point to a `Link` row.
"""

from __future__ import annotations

import re
from typing import Any

import markdown
import nh3
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from portal.actions import action_url
from portal.languages import default_language
from portal.links import contact_centre_url
from wizard.models import LINK_REFERENCE

HOME_SLUG = "home"
DEFINITIONS_SLUG = "definitions"

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "a", "h2", "h3", "blockquote", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}

_PLACEHOLDER = "wizard-link-"
_ANCHOR = re.compile(r'<a ([^>]*?)href="' + _PLACEHOLDER + r'(\d+)"([^>]*)>(.*?)</a>', re.S)


def page_url(slug: str) -> str:
    if slug == HOME_SLUG:
        return reverse("wizard:home")
    return reverse("wizard:page", kwargs={"slug": slug})


def translated(values: dict[str, str] | None, language: str) -> str:
    values = values or {}
    return values.get(language) or values.get(default_language()) or ""


def link_target(link: dict[str, Any]) -> tuple[str | None, str]:
    """(URL, marker kind) of a link snapshot; URL None when it cannot resolve."""
    kind = link.get("kind")
    if kind == "page" and link.get("page"):
        marker = {"profile-tasks": "profile", "answer": "task"}.get(link.get("page_kind"), "page")
        return page_url(link["page"]), marker
    if kind == "action":
        return action_url(link.get("action", "")), "portal"
    if kind == "external" and str(link.get("url", "")).startswith("https://"):
        return link["url"], "external"
    if kind == "contact":
        return contact_centre_url(), "external"  # the page's language (cached per language)
    return None, ""


def external_marker() -> str:
    return (
        '<span class="external" aria-hidden="true">↗</span>'
        f'<span class="visually-hidden"> {escape(_("(external site)"))}</span>'
    )


def marker_html(marker: str) -> str:
    symbol = {"profile": "👤", "task": "➜"}.get(marker)
    if symbol:
        return f'<span class="marker" aria-hidden="true">{symbol}</span> '
    return ""


def render_markdown(text: str, links: dict[str, dict[str, Any]]) -> str:
    if not text:
        return ""
    resolved: list[tuple[str | None, str]] = []

    def to_placeholder(match: re.Match) -> str:
        link = links.get(match.group(1))
        resolved.append(link_target(link) if link else (None, ""))
        return f"]({_PLACEHOLDER}{len(resolved) - 1})"

    source = LINK_REFERENCE.sub(to_placeholder, text)
    html = markdown.markdown(source, extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
    )

    def to_link(match: re.Match) -> str:
        index = int(match.group(2))
        url, marker = resolved[index] if index < len(resolved) else (None, "")
        inner = match.group(4)
        if url is None:
            return inner  # a link that cannot resolve stays plain text, never a dead link
        if marker == "external":
            return (
                f'<a href="{escape(url)}" rel="external noopener" class="external-link">'
                f"{inner}{external_marker()}</a>"
            )
        css = f"wizard-{marker}" if marker else "wizard-link"
        return f'<a href="{escape(url)}" class="{css}">{marker_html(marker)}{inner}</a>'

    return _ANCHOR.sub(to_link, clean)


def render_page(snapshot: dict[str, Any], language: str) -> dict[str, Any]:
    """Everything the public template needs, for one language (cacheable, no user data)."""
    links = snapshot.get("links", {})
    choices = []
    for choice in snapshot.get("choices", []):
        target = choice.get("target")
        if not target:
            continue
        choices.append(
            {
                "kind": choice.get("kind", "task"),
                "url": page_url(target),
                "label": translated(choice.get("label"), language),
            }
        )
    parent = snapshot.get("parent")
    slug = snapshot.get("slug", "")
    return {
        "slug": slug,
        "kind": snapshot.get("kind", ""),
        "title": translated(snapshot.get("title"), language),
        "body_html": render_markdown(translated(snapshot.get("body"), language), links),
        "footer_html": render_markdown(translated(snapshot.get("footer"), language), links),
        "choices": choices,
        "back_url": page_url(parent) if parent else None,
        "home_url": page_url(HOME_SLUG) if slug != HOME_SLUG else None,
        "definitions_url": page_url(DEFINITIONS_SLUG) if slug != DEFINITIONS_SLUG else None,
    }
