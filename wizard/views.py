from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from portal import public_html
from portal.languages import default_language
from wizard.rendering import HOME_SLUG
from wizard.selectors import cache_generation, held_profiles, public_page

TEMPLATE = "wizard/page.html"
HELD_PROFILES_SHOWN = 12


def home(request: HttpRequest) -> HttpResponse:
    return _show(request, HOME_SLUG)


def page(request: HttpRequest, slug: str) -> HttpResponse:
    if slug == HOME_SLUG:
        return redirect("wizard:home", permanent=True)
    return _show(request, slug)


def _show(request: HttpRequest, slug: str) -> HttpResponse:
    language = get_language() or default_language()
    # An anonymous visit gets the page's HTML as kept for every anonymous visitor: the
    # cache generation changes whenever the wizard is published (wizard.selectors).
    kept = public_html.key_for(request, lambda: ("wizard", cache_generation(), language, slug))
    if kept is not None and (response := public_html.serve(request, kept)) is not None:
        return response
    rendered = public_page(slug, language)
    if rendered is None:
        raise Http404
    # The person's own profiles are never cached: the cached part is the public page only.
    # An anonymous visitor costs no query at all (no session, no user lookup) once cached.
    profiles = []
    if rendered["kind"] in ("home", "profiles") and request.user.is_authenticated:
        # One more than shown tells whether there are more (the page then links to the
        # person's enterprises): the cost stays the same whatever their number.
        profiles = held_profiles(request.user, limit=HELD_PROFILES_SHOWN + 1)
    context = {
        "page": rendered,
        "held_profiles": profiles[:HELD_PROFILES_SHOWN],
        "more_held_profiles": len(profiles) > HELD_PROFILES_SHOWN,
        "help_slug": slug if slug != HOME_SLUG else None,
    }
    if kept is not None:
        return public_html.keep(request, kept, TEMPLATE, context)
    return render(request, TEMPLATE, context)
