"""Each profile's day, as data and pages: one enterprise with its whole chain, an attribution,
an invitation, a published link with a request waiting for approval, a contact-centre agent
and a wizard editor — and, per profile, the pages the person opens first.

Shared by the narrow-screen check, the profiles' and the phone journeys and the screenshots.
"""

import os
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.utils import timezone

from tests.browser.conftest import PASSWORD, enterprise_chain, sign_in

# Where the browser tests leave their screenshots for a reviewer (git-ignored, like var/).
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", settings.BASE_DIR / "var" / "screenshots"))

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def profiles_world():
    from django.contrib.auth.models import Group

    from accounts.tests.factories import UserFactory
    from portal.groups import CONTACT_CENTRE, WIZARD_EDITORS
    from roles import services
    from roles.models import Role
    from wizard.models import Page

    chain = enterprise_chain(co_rae=True, co_gl=True)
    roles = list(Role.objects.for_quality(chain.eq.quality_id)[:2])
    user = UserFactory(first_name="Ursula", last_name="Vandenbroucke-Delacroix")
    services.attribution_grant_direct(
        actor=chain.gl,
        enterprise_quality=chain.eq,
        roles=roles[:1],
        national_number=user.national_number,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
    )
    services.invitations_create(
        actor=chain.gl,
        enterprise_quality=chain.eq,
        roles=roles,
        invitees=[
            services.Invitee(
                first_name="Bartholomeus", last_name="Van den Bossche", email="bart@example.test"
            )
        ],
    )
    link = services.link_create(
        actor=chain.gl,
        enterprise_quality=chain.eq,
        label="Intranet — service du personnel",
        roles=roles[:1],
        expires_at=timezone.now() + timedelta(days=30),
        max_uses=10,
        requires_approval=True,
    )
    services.link_use(actor=UserFactory(first_name="Léon", last_name="Dewaele"), link=link)
    agent = UserFactory(first_name="Agathe", last_name="Centre", is_staff=True)
    agent.groups.add(Group.objects.get(name=CONTACT_CENTRE))
    editor = UserFactory(first_name="Édith", last_name="Éditrice", is_staff=True)
    editor.groups.add(Group.objects.get(name=WIZARD_EDITORS))
    return SimpleNamespace(
        **vars(chain),
        user=user,
        agent=agent,
        editor=editor,
        wizard_page=Page.objects.get(slug="user-request-role"),
    )


def profile_pages(world) -> list[tuple[str, object, list[str]]]:
    """(profile, person signed in or None, paths): the profile's main page first."""
    number, eq = world.enterprise.number, world.eq.pk
    return [
        ("legal-representative", world.lr, [f"/enterprises/{number}/", "/enterprises/"]),
        ("rae", world.rae, [f"/enterprises/{number}/", f"/enterprises/{number}/chain/"]),
        (
            "local-manager",
            world.gl,
            [f"/roles/q/{eq}/", f"/roles/q/{eq}/invitations/", f"/roles/q/{eq}/links/"],
        ),
        ("user", world.user, ["/profile/"]),
        ("contact-centre-agent", world.agent, ["/contact-centre/"]),
        ("editor", world.editor, [f"/admin/wizard/page/{world.wizard_page.pk}/change/"]),
        ("anonymous-wizard", None, ["/wizard/"]),
    ]


def open_as(page, person) -> None:
    """Start a profile's day: signed out, then signed in as that person (or not at all)."""
    page.context.clear_cookies()
    if person is not None:
        sign_in(page, person.email, PASSWORD)
        page.wait_for_url(lambda url: "/accounts/login/" not in url)


def look_up(page, world) -> None:
    """The agent's look-up, with a reason: the contact centre's page with its result."""
    page.locator("input[name=number]").fill(world.enterprise.number_display)
    page.locator("textarea[name=reason]").fill("Appel de la représentante légale, ticket 4711")
    page.locator("main form[method=post] button[type=submit]").click()
    page.locator("main section[aria-labelledby=result-title]").wait_for()


def screenshot(page, profile: str, language: str) -> Path:
    width = page.viewport_size["width"]
    path = SCREENSHOTS / f"{profile}-{width}-{language}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
