"""The provider's pages for working under a mandate: its clients, giving its staff a client's
roles by each way (direct, invitation, link, CSV) under the mandate, what the holder and the
invitee read ("for C, through P"), the mandator's view of who acts for it, and the notice to
the provider's local managers when the mandate ends."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mandates import rules
from mandates import services as mandate_services
from mandates.models import ClientMandate
from roles import services as role_services
from roles.models import AccessLink, Invitation, InvitationBatch, Role, RoleAttribution
from tests.personas import mandate_between, quietly, signed_in
from tests.security_helpers import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def mandate(client_chain, provider):
    return mandate_between(
        client_chain,
        provider,
        group="social-security-declarations",
        start=rules.quarter_start(timezone.localdate()),
    )


@pytest.fixture
def dimona(db):
    return Role.objects.get(code="dimona-declaration")


def _url(name, provider, mandate=None):
    kwargs = {"eq_id": provider.secretariat.pk}
    if mandate is not None:
        kwargs["mandate_id"] = mandate.pk
    return reverse(f"roles:{name}", kwargs=kwargs)


def _direct_data(person, role, **extra):
    return {
        "roles": [role.pk],
        "national_number": person.national_number,
        "first_name": "Staff",
        "last_name": "Member",
        "email": person.email,
        **extra,
    }


# --- The clients page ------------------------------------------------------------------------


def test_the_clients_page_lists_the_mandates_the_quality_works_under(
    client_chain, provider, other_provider, mandate, dimona
):
    # Another provider's client is not listed; a proposal not yet validated neither.
    mandate_between(
        client_chain, other_provider, group="ebox", start=timezone.localdate(), active=False
    )
    with quietly():
        role_services.attribution_grant_direct(
            actor=provider.sec_gl,
            enterprise_quality=provider.secretariat,
            roles=[dimona],
            national_number=provider.staff.national_number,
            first_name="Staff",
            last_name="Member",
            email=provider.staff.email,
            mandate=mandate,
        )
    page = signed_in(provider.sec_gl).get(_url("clients", provider))
    assert page.status_code == 200
    [row] = list(page.context["page"])
    assert row == mandate
    assert row.staff_count == 1
    html = page.content.decode()
    assert client_chain.enterprise.name in html
    assert _url("client_direct", provider, mandate) in html
    assert _url("client_bulk_upload", provider, mandate) in html
    # The quality's home (its list) links to the page; a quality that is no provider's
    # neither links to it nor opens it.
    home = signed_in(provider.sec_gl).get(reverse("roles:list", args=[provider.secretariat.pk]))
    assert _url("clients", provider) in home.content.decode()
    employer = signed_in(provider.gl).get(reverse("roles:list", args=[provider.employer.pk]))
    assert "/clients/" not in employer.content.decode()
    assert (
        signed_in(provider.gl)
        .get(reverse("roles:clients", args=[provider.employer.pk]))
        .status_code
        == 404
    )


def test_the_clients_are_searched_by_number_or_name_and_filtered(client_chain, provider, mandate):
    from tests.personas import build_chain

    other = build_chain(name="Garage Zeta")
    ending = mandate_between(
        other,
        provider,
        group="social-security-declarations",
        start=rules.quarter_start(timezone.localdate()),
        end=rules.quarter_end(timezone.localdate()),
    )
    browser = signed_in(provider.sec_gl)

    def listed(**params):
        return set(browser.get(_url("clients", provider), params).context["page"])

    assert listed() == {mandate, ending}
    assert listed(q="zeta") == {ending}
    assert listed(q=client_chain.enterprise.number_display) == {mandate}
    assert listed(ending="on") == {ending}
    assert listed(group=mandate.group_id) == {mandate, ending}


@pytest.mark.parametrize(
    "params", [{}, {"page": "last"}, {"q": "Client"}, {"ending": "on"}], ids=str
)
def test_the_clients_page_query_count_is_flat_at_10_and_100000_mandates(
    client_chain, provider, declarations, params, django_assert_max_num_queries
):
    browser = signed_in(provider.sec_gl)
    url = _url("clients", provider)
    today = timezone.localdate()

    def add(n):
        ClientMandate.objects.bulk_create(
            [
                ClientMandate(
                    mandator=client_chain.enterprise,
                    mandatary=provider.enterprise,
                    group=declarations,
                    start_date=today - timedelta(days=i % 400),
                    end_date=today + timedelta(days=30) if i % 4 == 0 else None,
                    state=rules.ACTIVE,
                    proposed_by_side="mandator",
                    proposed_by=client_chain.rae,
                    expires_at=timezone.now(),
                )
                for i in range(n)
            ],
            batch_size=5000,
        )

    add(10)
    with django_assert_max_num_queries(12) as small:
        assert browser.get(url, params).status_code == 200
    add(100_000 - 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = browser.get(url, params)
    assert response.status_code == 200
    assert response.context["page"].paginator.count > 10


# --- Giving roles under the mandate, each way ----------------------------------------------------


# The pages and e-mails are read in French here: the portal's default language, and the
# personas' (what the four catalogues say is tested in portal/tests).


def test_direct_attribution_for_a_client(
    client_chain, provider, mandate, dimona, django_capture_on_commit_callbacks
):
    browser = signed_in(provider.sec_gl)
    form = browser.get(_url("client_direct", provider, mandate))
    html = form.content.decode()
    assert f"Pour {client_chain.enterprise.name}" in html
    assert f"via {provider.enterprise.name}" in html
    # The roles offered are the client's roles of the mandate's group, not the quality's.
    offered = set(form.context["form"].fields["roles"].queryset)
    assert offered == set(Role.objects.offered(provider.secretariat, mandate))
    assert dimona in offered
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            _url("client_direct", provider, mandate), _direct_data(provider.staff, dimona)
        )
    assert response.status_code == 302
    attribution = RoleAttribution.objects.get(mandate=mandate)
    assert attribution.enterprise == client_chain.enterprise
    assert attribution.enterprise_quality == provider.secretariat
    assert attribution.person == provider.staff
    # The holder's e-mail says for whom and through whom.
    [message] = [m for m in mail.outbox if provider.staff.email in m.to]
    assert f"Vous agissez pour {client_chain.enterprise.name} via {provider.enterprise.name}" in (
        message.body
    )
    # The manager's list says "for C" and filters by client; the holder's profile says both.
    listing = browser.get(
        reverse("roles:list", args=[provider.secretariat.pk]),
        {"client": client_chain.enterprise.number_display},
    )
    assert list(listing.context["page"]) == [attribution]
    assert f"pour {client_chain.enterprise.name}" in listing.content.decode()
    # The client's role (not one of the provider's quality) is named on its row too.
    role = attribution.role
    assert f"{role.application.name} — {role.name}" in listing.content.decode()
    other_client = browser.get(
        reverse("roles:list", args=[provider.secretariat.pk]), {"client": "0000000097"}
    )
    assert list(other_client.context["page"]) == []
    profile = signed_in(provider.staff).get(reverse("roles:profile")).content.decode()
    assert f"pour {client_chain.enterprise.name}, via {provider.enterprise.name}" in profile


def test_the_export_of_a_providers_quality_says_whom_each_role_acts_for(
    client_chain, provider, mandate, dimona
):
    with quietly():
        for under in (mandate, None):
            role_services.attribution_grant_direct(
                actor=provider.sec_gl,
                enterprise_quality=provider.secretariat,
                roles=[dimona] if under else list(Role.objects.offered(provider.secretariat))[:1],
                national_number=provider.staff.national_number,
                first_name="Staff",
                last_name="Member",
                email=provider.staff.email,
                mandate=under,
            )
    response = signed_in(provider.sec_gl).get(
        reverse("roles:export", args=[provider.secretariat.pk])
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][-2:] == ["Client", "Numéro d'entreprise du client"]
    # The role under the mandate names the client; the provider's own role names nobody.
    client = client_chain.enterprise
    assert [client.name, client.number] in [row[-2:] for row in rows[1:]]
    assert ["", ""] in [row[-2:] for row in rows[1:]]
    assert len(rows) == 3


def test_invitation_for_a_client(client_chain, provider, mandate, dimona):
    browser = signed_in(provider.sec_gl)
    response = browser.post(
        _url("client_invite", provider, mandate),
        {"roles": [dimona.pk], "invitees": f"Staff; Member; {provider.staff.email}"},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(mandate=mandate)
    assert invitation.enterprise == client_chain.enterprise
    assert invitation.enterprise_quality == provider.secretariat


def test_published_link_for_a_client(client, client_chain, provider, mandate, dimona):
    browser = signed_in(provider.sec_gl)
    response = browser.post(
        _url("client_links", provider, mandate),
        {
            "label": "For the bakery",
            "roles": [dimona.pk],
            "expires_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
            "max_uses": "3",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _url("client_links", provider, mandate)
    link = AccessLink.objects.get(mandate=mandate)
    assert link.enterprise_quality == provider.secretariat
    # What whoever opens the link reads.
    page = client.get(reverse("roles:link_follow", args=[link.slug])).content.decode()
    assert f"Pour {client_chain.enterprise.name}" in page
    assert f"via {provider.enterprise.name}" in page
    # The staff member takes the roles: held for the client, under the mandate.
    signed_in(provider.staff).post(reverse("roles:link_follow", args=[link.slug]))
    assert RoleAttribution.objects.get(mandate=mandate).person == provider.staff


def test_bulk_csv_for_a_client(client_chain, provider, mandate, dimona):
    browser = signed_in(provider.sec_gl)
    upload = SimpleUploadedFile(
        "staff.csv",
        f"Ann,Smith,ann@example.test,{dimona.code},,\nBo,Li,bo@example.test,no-such-role,,\n".encode(),
    )
    response = browser.post(_url("client_bulk_upload", provider, mandate), {"file": upload})
    assert response.status_code == 302
    batch = InvitationBatch.objects.get(mandate=mandate)
    assert (batch.valid_rows, batch.error_rows) == (1, 1)
    preview = browser.get(response["Location"])
    assert f"Pour {client_chain.enterprise.name}" in preview.content.decode()
    assert browser.post(response["Location"], {}).status_code == 302
    [invitation] = Invitation.objects.filter(batch=batch)
    assert invitation.mandate == mandate
    assert invitation.enterprise == client_chain.enterprise


def test_a_batch_is_not_sent_once_its_mandate_ended(client_chain, provider, mandate, dimona):
    browser = signed_in(provider.sec_gl)
    upload = SimpleUploadedFile("s.csv", f"Ann,Smith,ann@example.test,{dimona.code},,\n".encode())
    preview_url = browser.post(_url("client_bulk_upload", provider, mandate), {"file": upload})[
        "Location"
    ]
    with quietly():
        mandate_services.mandate_end(
            actor=client_chain.rae, mandate=mandate, enterprise=client_chain.enterprise
        )
    before = snapshot()
    browser.post(preview_url, {})
    assert snapshot() == before
    assert not Invitation.objects.filter(mandate=mandate).exists()


# --- Refusals: 404 for a mandate this quality does not work under ---------------------------


def _ended(client_chain, provider):
    ended = mandate_between(client_chain, provider, group="ebox", start=timezone.localdate())
    with quietly():
        mandate_services.mandate_end(
            actor=client_chain.rae, mandate=ended, enterprise=client_chain.enterprise
        )
    return ended


@pytest.mark.parametrize("way", ["client_direct", "client_invite", "client_links"])
@pytest.mark.parametrize("case", ["other_provider", "ended", "proposed", "other_eq", "no_such"])
def test_a_mandate_not_workable_by_this_quality_is_404(
    client_chain, provider, other_provider, mandate, dimona, way, case
):
    from tests.personas import build_chain

    if case == "other_provider":
        target = mandate_between(
            build_chain(name="Another Client"),
            other_provider,
            group="social-security-declarations",
            start=rules.quarter_start(timezone.localdate()),
        )
        eq, gl = provider.secretariat, provider.sec_gl
    elif case == "ended":
        target, eq, gl = _ended(client_chain, provider), provider.secretariat, provider.sec_gl
    elif case == "proposed":
        target = mandate_between(
            client_chain, provider, group="ebox", start=timezone.localdate(), active=False
        )
        eq, gl = provider.secretariat, provider.sec_gl
    elif case == "other_eq":
        # The provider's employer quality (no mandate asks for it), its own GL.
        target, eq, gl = mandate, provider.employer, provider.gl
    else:
        target, eq, gl = ClientMandate(pk=10**9), provider.secretariat, provider.sec_gl
    url = reverse(f"roles:{way}", kwargs={"eq_id": eq.pk, "mandate_id": target.pk})
    browser = signed_in(gl)
    assert browser.get(url).status_code == 404
    before = snapshot()
    assert browser.post(url, _direct_data(provider.staff, dimona)).status_code == 404
    assert snapshot() == before


def test_another_providers_manager_cannot_reach_this_quality_or_its_mandate(
    client_chain, provider, other_provider, mandate, dimona
):
    url = _url("client_direct", provider, mandate)
    for user in (other_provider.sec_gl, client_chain.gl, client_chain.rae):
        browser = signed_in(user)
        before = snapshot()
        assert browser.post(url, _direct_data(provider.staff, dimona)).status_code in (403, 404)
        assert snapshot() == before
    # Through its own quality, the other provider's GL still reads the mandate as absent.
    own = reverse(
        "roles:client_direct",
        kwargs={"eq_id": other_provider.secretariat.pk, "mandate_id": mandate.pk},
    )
    assert signed_in(other_provider.sec_gl).get(own).status_code == 404


@pytest.mark.parametrize(
    "value",
    ["x" * 300, "Ann\x00", "Ann\u202egnp.exe"],
    ids=["300 characters", "NUL", "RTL override"],
)
def test_hostile_input_gets_a_clear_error_and_writes_nothing(provider, mandate, dimona, value):
    browser = signed_in(provider.sec_gl)
    before = snapshot()
    response = browser.post(
        _url("client_direct", provider, mandate),
        _direct_data(provider.staff, dimona, first_name=value),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["first_name"]
    assert snapshot() == before
    for params in ({"q": value}, {"group": value}):
        assert browser.get(_url("clients", provider), params).status_code == 200
    listing = browser.get(reverse("roles:list", args=[provider.secretariat.pk]), {"client": value})
    assert listing.status_code == 200


# --- The mandator's view, the provider's count ------------------------------------------------


def test_the_mandator_sees_who_acts_for_it_and_the_provider_how_many(
    client_chain, provider, mandate, dimona
):
    with quietly():
        role_services.attribution_grant_direct(
            actor=provider.sec_gl,
            enterprise_quality=provider.secretariat,
            roles=[dimona],
            national_number=provider.staff.national_number,
            first_name="Staffa",
            last_name="Membera",
            email=provider.staff.email,
            mandate=mandate,
        )
    url = reverse("mandates:detail", args=[client_chain.enterprise.number, mandate.pk])
    page = signed_in(client_chain.rae).get(url)
    html = page.content.decode()
    assert "Membera Staffa" in html
    assert dimona.name in html
    # Not who in the provider gave the role, nor the provider's internal organisation.
    assert provider.sec_gl.last_name not in html
    assert provider.secretariat.quality.name not in html
    assert page.context["page"].paginator.count == 1
    provider_side = signed_in(provider.rae).get(
        reverse("mandates:detail", args=[provider.enterprise.number, mandate.pk])
    )
    assert provider_side.context["staff_count"] == 1
    assert "Membera" not in provider_side.content.decode()


# --- Told when it ends ------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["ended", "transferred"])
def test_the_providers_local_managers_are_told_when_the_mandate_stops(
    client_chain, provider, other_provider, mandate, dimona, how, django_capture_on_commit_callbacks
):
    with quietly():
        role_services.attribution_grant_direct(
            actor=provider.sec_gl,
            enterprise_quality=provider.secretariat,
            roles=[dimona],
            national_number=provider.staff.national_number,
            first_name="Staff",
            last_name="Member",
            email=provider.staff.email,
            mandate=mandate,
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if how == "ended":
            mandate_services.mandate_end(
                actor=client_chain.rae, mandate=mandate, enterprise=client_chain.enterprise
            )
        else:
            proposal = mandate_services.mandate_transfer(
                actor=client_chain.rae,
                mandate=mandate,
                enterprise=client_chain.enterprise,
                new_mandatary=other_provider.enterprise,
                start_date=rules.next_quarter_start(timezone.localdate()),
            )
            mail.outbox.clear()
            mandate_services.mandate_validate(
                actor=other_provider.rae, mandate=proposal, enterprise=other_provider.enterprise
            )
    to_gl = [m for m in mail.outbox if provider.sec_gl.email in m.to]
    assert len(to_gl) == 1, [m.subject for m in mail.outbox]
    assert client_chain.enterprise.name in to_gl[0].subject
    assert f"?client={client_chain.enterprise.number}" in to_gl[0].body
    # The GL of a quality holding nothing under it is not told.
    assert not [m for m in mail.outbox if provider.gl.email in m.to]
    to_holder = [m for m in mail.outbox if provider.staff.email in m.to]
    if how == "ended":
        # The holder learns why the role ended.
        [message] = to_holder
        assert "a pris fin avec le mandat" in message.body
    else:
        assert not to_holder  # the role runs to the mandate's last day, then expires
