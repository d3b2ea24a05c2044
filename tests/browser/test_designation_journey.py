"""Journey 1: registration and the designation chain, clicked through as the people would.

A legal representative registers the enterprise and designates another person as RAE; the
RAE accepts from the e-mail, activates a quality, designates itself and another person as
local managers; the second accepts and designates a co-local manager.
"""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from enterprises.models import Designation
from enterprises.tests.factories import EnterpriseFactory, MandateFactory
from portal.models import AuditEvent
from tests.browser.conftest import (
    link_in_mail,
    run_axe,
    sign_in,
    sign_in_here,
)

pytestmark = pytest.mark.django_db(transaction=True)


def fill_person(page, person, *, prefix: str = "") -> None:
    """Type a person's identity in the designation form (fields named `<prefix>first_name`...)."""
    page.locator(f"input[name={prefix}first_name]").fill(person.first_name)
    page.locator(f"input[name={prefix}last_name]").fill(person.last_name)
    page.locator(f"input[name={prefix}national_number]").fill(person.national_number)
    page.locator(f"input[name={prefix}email]").fill(person.email)


def test_from_registration_to_a_co_local_manager(page, open_page):
    enterprise = EnterpriseFactory(name="Boulangerie Dupont")
    lr = UserFactory(first_name="Louise", last_name="Renard")
    MandateFactory(enterprise=enterprise, national_number=lr.national_number)
    rae = UserFactory(first_name="Raoul", last_name="Aerts", email="raoul@example.test")
    gl = UserFactory(first_name="Gisèle", last_name="Lambert", email="gisele@example.test")
    co_gl = UserFactory(first_name="Colin", last_name="Goossens", email="colin@example.test")
    detail_path = f"/enterprises/{enterprise.number}/"

    # --- The legal representative registers the enterprise and designates the RAE.
    sign_in(page, lr.email, "correct-horse-battery")
    page.locator("nav.primary a[href='/enterprises/']").wait_for()  # signed in
    page.goto("/enterprises/register/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert not run_axe(page)
    page.locator("input[name=number]").fill(enterprise.number_display)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"/enterprises/register/{enterprise.number}/")
    assert not run_axe(page)
    fill_person(page, rae, prefix="rae-")
    page.locator("select[name=rae-language]").select_option("fr")
    page.locator("main form[method=post] button[type=submit]").click()
    # The registration hands out access, but the person has just signed in: a sign-in counts
    # as a recent authentication, so no second password prompt.
    expect(page).to_have_url(detail_path)
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("main")).to_contain_text("raoul@example.test")
    assert not run_axe(page)
    assert AuditEvent.objects.filter(
        action="enterprise.registered", enterprise=enterprise, actor=lr
    ).exists()

    # --- The RAE follows the e-mail's link, signs in, accepts.
    rae_page = open_page()
    rae_page.goto(link_in_mail(rae.email, "/designations/accept/"))
    sign_in_here(rae_page, rae.email)
    expect(rae_page.locator("main h1")).to_be_visible()
    rae_page.locator("main form[method=post] button[type=submit]").click()
    expect(rae_page).to_have_url(detail_path)
    assert Designation.objects.get(enterprise=enterprise, kind="rae").status == "active"
    assert not run_axe(rae_page)

    # It activates a quality (a sensitive action; the sign-in was moments ago: no prompt).
    rae_page.locator(f"main a[href='{detail_path}qualities/activate/']").click()
    assert not run_axe(rae_page)
    rae_page.locator("select[name=quality]").select_option(label="Employeur")
    rae_page.locator("main form[method=post] button[type=submit]").click()
    expect(rae_page).to_have_url(detail_path)
    quality_card = rae_page.locator("section.card", has_text="Employeur")
    expect(quality_card).to_be_visible()

    # It designates itself as local manager: active at once.
    quality_card.locator("a[href$='/local-managers/new/']").click()
    rae_page.locator("input[name=myself]").check()
    rae_page.locator("main form[method=post] button[type=submit]").click()
    expect(rae_page).to_have_url(detail_path)
    assert Designation.objects.get(kind="gl", person=rae).status == "active"

    # ... and another person, who receives an e-mail.
    rae_page.locator("section.card", has_text="Employeur").locator(
        "a[href$='/local-managers/new/']"
    ).click()
    fill_person(rae_page, gl)
    rae_page.locator("main form[method=post] button[type=submit]").click()
    expect(rae_page).to_have_url(detail_path)
    expect(rae_page.locator("main")).to_contain_text("gisele@example.test")
    assert not run_axe(rae_page)

    # The chain page shows the whole chain to the RAE.
    rae_page.locator(f"main a[href='{detail_path}chain/']").first.click()
    expect(rae_page.locator("main")).to_contain_text("Gisèle")
    assert not run_axe(rae_page)

    # --- The second local manager accepts, then designates a co-local manager.
    gl_page = open_page()
    gl_page.goto(link_in_mail(gl.email, "/designations/accept/"))
    sign_in_here(gl_page, gl.email)
    gl_page.locator("main form[method=post] button[type=submit]").click()
    expect(gl_page).to_have_url(detail_path)
    assert Designation.objects.get(kind="gl", person=gl).status == "active"
    assert not run_axe(gl_page)
    gl_page.locator("main a[href$='/co-local-managers/new/']").click()
    fill_person(gl_page, co_gl)
    gl_page.locator("main form[method=post] button[type=submit]").click()
    expect(gl_page).to_have_url(detail_path)
    expect(gl_page.locator("main")).to_contain_text("colin@example.test")

    # The co-local manager accepts too: the chain is complete, every step audited.
    co_gl_page = open_page()
    co_gl_page.goto(link_in_mail(co_gl.email, "/designations/accept/"))
    sign_in_here(co_gl_page, co_gl.email)
    co_gl_page.locator("main form[method=post] button[type=submit]").click()
    expect(co_gl_page).to_have_url(detail_path)
    co_gl_designation = Designation.objects.get(kind="co_gl", person=co_gl)
    assert co_gl_designation.status == "active"
    assert co_gl_designation.designated_by == gl
    eq = co_gl_designation.enterprise_quality
    assert co_gl.has_perm("enterprises.manage_roles", eq)
    assert not co_gl.has_perm("enterprises.designate_co_gl", eq)
    assert gl.has_perm("enterprises.designate_co_gl", eq)
