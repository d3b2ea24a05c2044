"""Journey 2: a local manager gives roles four ways; the users take them and manage them.

Two invitations by e-mail (one for a person without an account, who signs up first), one
direct attribution and one published link; then the users see their roles in "Mon profil
eGov", one changes the e-mail linked to its roles (verifying the new address), one
deactivates a role. Run in French and in Dutch.
"""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory, national_number_for
from roles.models import Invitation, Role, RoleAttribution
from tests.browser.conftest import (
    PASSWORD,
    enterprise_chain,
    link_in_mail,
    run_axe,
    sign_in,
    sign_in_here,
)

pytestmark = pytest.mark.django_db(transaction=True)


def check_role(page, code: str) -> None:
    page.locator(f"input[name=roles][value='{Role.objects.get(code=code).pk}']").check()


def role_name(code: str, language: str) -> str:
    """The role's name as the page shows it in that language (the catalogue is translated)."""
    with translation.override(language):
        return Role.objects.get(code=code).name


def submit(page) -> None:
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()


@pytest.mark.parametrize(("language", "locale"), [("fr", "fr-BE"), ("nl", "nl-BE")])
def test_a_local_manager_gives_roles_and_users_manage_them(
    page, open_page, settings, language, locale
):
    # allauth builds its e-mail links with this protocol; the live server speaks plain HTTP.
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
    chain = enterprise_chain()
    eq = chain.eq
    anne = UserFactory(
        first_name="Anne", last_name="Martin", email="anne@example.test", language=language
    )
    claude = UserFactory(
        first_name="Claude", last_name="Dubois", email="claude@example.test", language=language
    )
    roles_path = f"/roles/q/{eq.pk}/"

    # --- The local manager, in the journey's language (the header's language form).
    sign_in(page, chain.gl.email, PASSWORD)
    page.locator("nav.primary a[href='/roles/']").click()
    if language != "fr":
        page.locator("#language-select").select_option(language)
        page.locator("form.language button").click()
    assert page.locator("html").get_attribute("lang") == language
    page.locator(f"main a[href='{roles_path}']").click()
    expect(page).to_have_url(roles_path)
    assert not run_axe(page)

    # Two invitations by e-mail.
    page.locator(f"main nav a[href='{roles_path}invite/']").click()
    assert not run_axe(page)
    check_role(page, "dimona-declaration")
    page.locator("textarea[name=invitees]").fill(
        "Anne; Martin; anne@example.test\nBruno; Peeters; bruno@example.test"
    )
    submit(page)
    expect(page).to_have_url(f"{roles_path}invitations/")
    assert Invitation.objects.filter(enterprise_quality=eq).count() == 2

    # A direct attribution, to a person identified by national number.
    page.locator(f"main nav a[href='{roles_path}direct/']").click()
    check_role(page, "dmfa-consultation")
    page.locator("input[name=national_number]").fill(claude.national_number)
    page.locator("input[name=first_name]").fill("Claude")
    page.locator("input[name=last_name]").fill("Dubois")
    page.locator("input[name=email]").fill(claude.email)
    submit(page)
    expect(page).to_have_url(roles_path)
    expect(page.locator("main table")).to_contain_text("claude@example.test")

    # A link to publish on the enterprise's intranet.
    page.locator(f"main nav a[href='{roles_path}links/']").click()
    page.locator("input[name=label]").fill("Intranet")
    check_role(page, "ebox-read")
    page.locator("input[name=expires_on]").fill(
        (timezone.localdate() + timedelta(days=30)).isoformat()
    )
    page.locator("input[name=max_uses]").fill("10")
    submit(page)
    expect(page).to_have_url(f"{roles_path}links/")
    # The address sits in a read-only field (selectable without JavaScript)...
    published_link = page.locator("main table input.link-url").first.input_value().strip()
    assert "/links/" in published_link
    # ... and its copy button puts it on the clipboard, with a visible confirmation.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator("main table button[data-copy]").first.click()
    expect(page.locator("main table .copy-status").first).not_to_be_empty()
    assert page.evaluate("navigator.clipboard.readText()") == published_link
    assert not run_axe(page)

    # A visitor who is not signed in sees what the link offers before signing in.
    visitor = open_page(locale)
    visitor.goto(published_link)
    expect(visitor.locator("main h1")).to_contain_text(eq.enterprise.name)
    expect(visitor.locator("main ul").first).to_contain_text(role_name("ebox-read", language))
    expect(visitor.locator("main a[href*='/accounts/login/']")).to_be_visible()
    assert not run_axe(visitor)

    # --- Anne has an account: she follows the invitation e-mail, signs in, accepts.
    anne_page = open_page(locale)
    anne_page.goto(link_in_mail(anne.email, "/invitations/"))
    # The link first shows what it offers; answering starts with signing in.
    expect(anne_page.locator("main ul").first).to_contain_text(
        role_name("dimona-declaration", language)
    )
    assert not run_axe(anne_page)
    anne_page.locator("main a[href*='/accounts/login/']").click()
    sign_in_here(anne_page, anne.email)
    assert anne_page.locator("html").get_attribute("lang") == language
    anne_page.locator("main button[value=accept]").click()
    expect(anne_page).to_have_url("/profile/")
    expect(anne_page.locator("main table").first).to_contain_text(
        role_name("dimona-declaration", language)
    )
    assert not run_axe(anne_page)

    # She links her roles to another address; it changes once she proves she reads it.
    anne_page.locator("main a[href='/profile/email/']").click()
    assert not run_axe(anne_page)
    anne_page.locator("input[name=attributions]").first.check()
    anne_page.locator("input[name=new_email]").fill("anne.martin@example.test")
    submit(anne_page)
    expect(anne_page).to_have_url("/profile/")
    assert RoleAttribution.objects.get(person=anne).email == "anne@example.test"
    anne_page.goto(link_in_mail("anne.martin@example.test", "/profile/email/verify/"))
    expect(anne_page).to_have_url("/profile/")
    expect(anne_page.locator("main table").first).to_contain_text("anne.martin@example.test")
    assert RoleAttribution.objects.get(person=anne).email == "anne.martin@example.test"

    # --- Bruno has no account: the invitation leads him to sign up first.
    bruno_page = open_page(locale)
    invitation_link = link_in_mail("bruno@example.test", "/invitations/")
    bruno_page.goto(invitation_link)
    assert "/invitations/" in bruno_page.url
    bruno_page.locator("main a[href*='/accounts/signup/']").first.click()
    # The invited address is already filled in.
    expect(bruno_page.locator("input[name=email]")).to_have_value("bruno@example.test")
    assert bruno_page.locator("html").get_attribute("lang") == language
    bruno_page.locator("input[name=first_name]").fill("Bruno")
    bruno_page.locator("input[name=last_name]").fill("Peeters")
    bruno_page.locator("main select[name=language]").select_option(language)
    bruno_page.locator("input[name=national_number]").fill(national_number_for(901))
    bruno_page.locator("input[name=email]").fill("bruno@example.test")
    bruno_page.locator("input[name=password1]").fill("a-long-pass-phrase-42")
    bruno_page.locator("input[name=password2]").fill("a-long-pass-phrase-42")
    bruno_page.locator("main form button[type=submit]").last.click()
    bruno_page.wait_for_load_state()
    # The address is verified through the e-mail allauth sends.
    bruno_page.goto(link_in_mail("bruno@example.test", "/accounts/confirm-email/"))
    bruno_page.locator("main form button[type=submit]").last.click()
    bruno_page.wait_for_load_state()
    if "/invitations/" not in bruno_page.url:
        bruno_page.goto(invitation_link)  # he opens the invitation e-mail again
    if "/accounts/login/" in bruno_page.url:
        sign_in_here(bruno_page, "bruno@example.test", "a-long-pass-phrase-42")
    bruno_page.locator("main button[value=accept]").click()
    expect(bruno_page).to_have_url("/profile/")

    # He takes the roles the published link offers, too.
    bruno_page.goto(published_link)
    submit(bruno_page)
    expect(bruno_page).to_have_url("/profile/")
    bruno_roles = RoleAttribution.objects.filter(person__email="bruno@example.test")
    assert sorted(bruno_roles.values_list("role__code", "status")) == [
        ("dimona-declaration", "active"),
        ("ebox-read", "active"),
    ]

    # He no longer needs one of them: he deactivates it from his profile.
    ebox = bruno_roles.get(role__code="ebox-read")
    bruno_page.locator(f"main a[href='/profile/attributions/{ebox.pk}/deactivate/']").click()
    submit(bruno_page)
    expect(bruno_page).to_have_url("/profile/")
    ebox.refresh_from_db()
    assert ebox.status == RoleAttribution.Status.DEACTIVATED
    assert not bruno_page.locator(
        f"main a[href='/profile/attributions/{ebox.pk}/deactivate/']"
    ).count()

    # --- Claude's direct attribution is in his profile as soon as he signs in.
    claude_page = open_page(locale)
    sign_in(claude_page, claude.email, PASSWORD)
    claude_page.locator("nav.primary a[href='/profile/']").click()
    assert claude_page.locator("html").get_attribute("lang") == language
    expect(claude_page.locator("main table").first).to_contain_text(
        role_name("dmfa-consultation", language)
    )

    # --- The local manager's list shows the three people.
    page.goto(roles_path)
    table = page.locator("main table").first
    for text in ("anne.martin@example.test", "bruno@example.test", "claude@example.test"):
        expect(table).to_contain_text(text)
