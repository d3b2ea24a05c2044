"""The mandates' pages: the lists' query count flat with the number of mandates, the CSV
export of the filtered list, bad input answered with translated errors (never a 500 nor a
half-written state), and buttons that act once however often they are sent."""

import html
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from enterprises.models import Enterprise
from enterprises.tests.factories import EnterpriseFactory
from mandates import rules
from mandates.models import ClientMandate
from portal.models import Action, AuditEvent
from portal.submissions import ALREADY_SENT
from roles.models import ApplicationGroup
from tests.personas import mandate_between, signed_in

pytestmark = pytest.mark.django_db


def _many(client_chain, n: int, *, group, as_provider=None):
    """`n` mandates of the client (or, with `as_provider`, of that provider), in every state,
    with other enterprises: rows as the lists read them."""
    others = EnterpriseFactory.create_batch(n)
    states = list(ClientMandate.State.values)
    today = timezone.localdate()
    rows = []
    for i, other in enumerate(others):
        mandator, mandatary = (
            (other, as_provider) if as_provider else (client_chain.enterprise, other)
        )
        rows.append(
            ClientMandate(
                mandator=mandator,
                mandatary=mandatary,
                group=group,
                start_date=today - timedelta(days=i),
                end_date=today + timedelta(days=30) if i % 4 == 0 else None,
                state=states[i % len(states)],
                proposed_by_side="mandator",
                proposed_by=client_chain.rae,
                expires_at=timezone.now() + timedelta(days=30),
            )
        )
    ClientMandate.objects.bulk_create(rows)


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"page": 2},
        {"page": "last"},
        {"q": "Enterprisename", "state": "active"},
        {"ending": "on", "group": "GROUP"},
        {"side": "mandatary"},
    ],
    ids=["first", "second", "last", "search", "ending", "provider"],
)
def test_the_lists_query_count_is_flat(client_chain, provider, declarations, params):
    params = {k: (declarations.pk if v == "GROUP" else v) for k, v in params.items()}
    browser = signed_in(client_chain.rae)
    url = reverse("mandates:list", args=[client_chain.enterprise.number])
    _many(client_chain, 10, group=declarations)
    _many(client_chain, 10, group=declarations, as_provider=client_chain.enterprise)
    at_10 = _queries(browser, url, params)
    _many(client_chain, 290, group=declarations)
    _many(client_chain, 290, group=declarations, as_provider=client_chain.enterprise)
    at_300 = _queries(browser, url, params)
    assert at_10 == at_300, (at_10, at_300)
    assert at_300 <= 12


def test_the_provider_list_lists_its_clients(client_chain, provider):
    mandate_between(client_chain, provider, group="ebox", start=date.today())
    response = signed_in(provider.rae).get(
        reverse("mandates:list", args=[provider.enterprise.number]), {"side": "mandatary"}
    )
    assert client_chain.enterprise.name in response.content.decode()
    # As client, the provider has no provider.
    response = signed_in(provider.rae).get(
        reverse("mandates:list", args=[provider.enterprise.number])
    )
    assert client_chain.enterprise.name not in response.content.decode().split("<main")[1]


def test_search_by_number_and_name_and_filters(client_chain, provider, other_provider):
    mandate_between(client_chain, provider, group="ebox", start=date.today())
    mandate_between(
        client_chain,
        other_provider,
        group="social-security-declarations",
        start=rules.next_quarter_start(date.today()),
        active=False,
    )
    url = reverse("mandates:list", args=[client_chain.enterprise.number])
    browser = signed_in(client_chain.rae)

    def listed(**params):
        return [m.mandatary for m in browser.get(url, params).context["page"]]

    assert listed(q=provider.enterprise.number_display) == [provider.enterprise]
    assert listed(q="other secr") == [other_provider.enterprise]
    assert listed(state="proposed") == [other_provider.enterprise]
    assert listed(group=ApplicationGroup.objects.get(code="ebox").pk) == [provider.enterprise]
    assert len(listed()) == 2


def test_ending_within_90_days(client_chain, provider, other_provider):
    soon = mandate_between(
        client_chain,
        provider,
        group="ebox",
        start=date.today(),
        end=date.today() + timedelta(days=60),
    )
    mandate_between(
        client_chain,
        other_provider,
        group="social-security-declarations",
        start=rules.quarter_start(date.today()),
    )
    page = (
        signed_in(client_chain.rae)
        .get(reverse("mandates:list", args=[client_chain.enterprise.number]), {"ending": "on"})
        .context["page"]
    )
    assert [m.pk for m in page] == [soon.pk]


def test_the_csv_export_streams_the_filtered_list(client_chain, provider, other_provider):
    Enterprise.objects.filter(pk=provider.enterprise.pk).update(name="=HYPERLINK(evil)")
    mandate_between(client_chain, provider, group="ebox", start=date.today())
    mandate_between(
        client_chain,
        other_provider,
        group="social-security-declarations",
        start=rules.next_quarter_start(date.today()),
        active=False,
    )
    url = reverse("mandates:export", args=[client_chain.enterprise.number])
    response = signed_in(client_chain.rae).get(url, {"state": "active"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert len(lines) == 2  # the header and the one active mandate
    assert "'=HYPERLINK(evil)" in lines[1]  # no formula reaches a spreadsheet
    assert provider.enterprise.number_display in lines[1]
    assert other_provider.enterprise.name not in body


# --- Bad input: translated errors, nothing written --------------------------------------------


@pytest.mark.parametrize(
    "q",
    ["x" * 300, "Bakery\x00", "\u202egnp.exe", "' OR 1=1 --", "%_%"],
    ids=["300-chars", "nul", "rtl-override", "sql", "wildcards"],
)
def test_hostile_searches_get_an_answer_not_a_500(client_chain, q):
    response = signed_in(client_chain.rae).get(
        reverse("mandates:list", args=[client_chain.enterprise.number]), {"q": q, "page": "x"}
    )
    assert response.status_code == 200


def test_a_300_character_search_says_why_in_french(client_chain):
    browser = signed_in(client_chain.rae)
    response = browser.get(
        reverse("mandates:list", args=[client_chain.enterprise.number]),
        {"q": "x" * 300},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert (
        "au plus 100 caractères" in response.content.decode() or "100" in response.content.decode()
    )


def _propose(browser, client_chain, **data):
    return browser.post(
        reverse("mandates:propose", args=[client_chain.enterprise.number]),
        {"side": "mandator", "group": ApplicationGroup.objects.get(code="ebox").pk, **data},
        HTTP_ACCEPT_LANGUAGE="fr",
    )


@pytest.mark.parametrize(
    "data,message",
    [
        (
            {"other": "0123.456.789", "start_date": "2030-01-01"},
            "n'est pas un numéro d'entreprise valide",
        ),
        (
            {"other": "NUMBER", "start_date": "2030-02-01", "end_date": "2030-01-01"},
            "La date de fin précède la date de début",
        ),
        ({"other": "NUMBER", "start_date": "31/02/2030"}, "Saisissez une date valide"),
        ({"other": "0403\x00170701", "start_date": "2030-01-01"}, "caractère de contrôle"),
        (
            {"other": "\u202e0403170701", "start_date": "2030-01-01"},
            "caractère de mise en forme invisible",
        ),
        ({"other": "UNKNOWN", "start_date": "2030-01-01"}, "Aucune entreprise portant le numéro"),
        (
            {"other": "OWN", "start_date": "2030-01-01"},
            "ne peut pas se donner un mandat à elle-même",
        ),
        (
            {"other": "NUMBER", "start_date": "2030-01-01", "end_date": "2020-03-31"},
            "La date de fin",
        ),
    ],
    ids=[
        "invalid-number",
        "dates-order",
        "bad-date",
        "nul",
        "rtl",
        "unknown",
        "itself",
        "end-past",
    ],
)
def test_bad_proposals_are_refused_in_the_readers_language(client_chain, provider, data, message):
    from enterprises.tests.factories import enterprise_number_for

    replace = {
        "NUMBER": provider.enterprise.number,
        "UNKNOWN": enterprise_number_for(8_888_888),
        "OWN": client_chain.enterprise.number,
    }
    data = {k: replace.get(v, v) for k, v in data.items()}
    before = (ClientMandate.objects.count(), AuditEvent.objects.count())
    response = _propose(signed_in(client_chain.rae), client_chain, **data)
    assert response.status_code == 200
    # Field errors render through Jinja2 (&#39;), the others through Django (&#x27;).
    assert message in html.unescape(response.content.decode())
    assert (ClientMandate.objects.count(), AuditEvent.objects.count()) == before


def test_an_overlap_is_refused_on_the_form_naming_the_provider(
    client_chain, provider, other_provider
):
    mandate_between(client_chain, provider, group="ebox", start=date.today())
    response = _propose(
        signed_in(client_chain.rae),
        client_chain,
        other=other_provider.enterprise.number,
        start_date=(date.today() + timedelta(days=5)).isoformat(),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert provider.enterprise.name in page and provider.enterprise.number_display in page
    assert ClientMandate.objects.count() == 1


# --- Acting once -------------------------------------------------------------------------------


def _key(page) -> str:
    import re

    return re.search(r'name="submission_key" value="([^"]+)"', page).group(1)


def test_back_and_submit_again_validates_once(client_chain, provider):
    mandate = mandate_between(
        client_chain, provider, group="ebox", start=date.today() + timedelta(days=1), active=False
    )
    browser = signed_in(provider.rae)
    page = browser.get(reverse("mandates:detail", args=[provider.enterprise.number, mandate.pk]))
    key = _key(page.content.decode())
    url = reverse("mandates:validate", args=[provider.enterprise.number, mandate.pk])
    first = browser.post(url, {"submission_key": key})
    assert first.status_code == 302
    again = browser.post(url, {"submission_key": key}, follow=True)
    assert again.status_code == 200
    with translation.override(again.wsgi_request.LANGUAGE_CODE):
        assert escape(str(ALREADY_SENT)) in again.content.decode()
    assert AuditEvent.objects.filter(action=Action.MANDATE_VALIDATED).count() == 1
    # Without its key (a scripted client), the state moved on: the explained 403, no 500.
    assert browser.post(url).status_code == 403


def test_the_mandate_page_offers_what_the_viewer_may_do(client_chain, provider):
    mandate = mandate_between(
        client_chain, provider, group="ebox", start=date.today() + timedelta(days=1), active=False
    )
    client_page = (
        signed_in(client_chain.rae)
        .get(reverse("mandates:detail", args=[client_chain.enterprise.number, mandate.pk]))
        .content.decode()
    )
    provider_page = (
        signed_in(provider.rae)
        .get(reverse("mandates:detail", args=[provider.enterprise.number, mandate.pk]))
        .content.decode()
    )
    validate = reverse("mandates:validate", args=[provider.enterprise.number, mandate.pk])
    assert validate in provider_page
    assert "/validate/" not in client_page
    assert "mandate.proposed" not in client_page  # the history shows labels, not codes


def test_the_whole_journey_through_the_pages(
    client_chain, provider, other_provider, django_capture_on_commit_callbacks
):
    """Propose, validate, transfer, validate the transfer, then end: each step's page."""
    rae = signed_in(client_chain.rae)
    start = rules.quarter_start(date.today())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = rae.post(
            reverse("mandates:propose", args=[client_chain.enterprise.number]),
            {
                "side": "mandator",
                "other": provider.enterprise.number_display,
                "group": ApplicationGroup.objects.get(code="social-security-declarations").pk,
                "start_date": start.isoformat(),
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    # Both enterprises' access managers are told, with the link to the mandate's page.
    assert {a for m in mail.outbox for a in m.to} == {
        client_chain.rae.email,
        client_chain.co_rae.email,
        provider.rae.email,
        provider.co_rae.email,
    }
    mandate = ClientMandate.objects.get()
    assert (
        signed_in(provider.co_rae)
        .post(reverse("mandates:validate", args=[provider.enterprise.number, mandate.pk]))
        .status_code
        == 302
    )
    boundary = rules.next_quarter_start(date.today())
    response = rae.post(
        reverse("mandates:transfer", args=[client_chain.enterprise.number, mandate.pk]),
        {"other": other_provider.enterprise.number, "start_date": boundary.isoformat()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal = ClientMandate.objects.get(transfer_of=mandate)
    assert (
        signed_in(other_provider.rae)
        .post(reverse("mandates:validate", args=[other_provider.enterprise.number, proposal.pk]))
        .status_code
        == 302
    )
    mandate.refresh_from_db()
    assert (mandate.state, mandate.end_date) == ("transferred", boundary - timedelta(days=1))
    assert (
        signed_in(client_chain.co_rae)
        .post(reverse("mandates:end", args=[client_chain.enterprise.number, proposal.pk]))
        .status_code
        == 302
    )
    assert ClientMandate.objects.get(pk=proposal.pk).state == "ended"
    page = signed_in(client_chain.rae).get(
        reverse("mandates:detail", args=[client_chain.enterprise.number, mandate.pk])
    )
    with translation.override(page.wsgi_request.LANGUAGE_CODE):
        assert escape(str(Action.MANDATE_TRANSFERRED.label)) in page.content.decode()


def test_home_lists_the_enterprises_whose_mandates_one_manages(client_chain, provider):
    page = signed_in(client_chain.rae).get(reverse("mandates:home")).content.decode()
    assert reverse("mandates:list", args=[client_chain.enterprise.number]) in page
    assert reverse("mandates:list", args=[provider.enterprise.number]) not in page
    assert signed_in(client_chain.gl).get(reverse("mandates:home")).status_code == 200


# --- Contact centre and public registry --------------------------------------------------------


def test_the_contact_centre_sees_the_mandates_both_ways(client_chain, provider):
    from tests.personas import make_agent

    mandate_between(client_chain, provider, group="ebox", start=date.today())
    agent = signed_in(make_agent())
    url = reverse("enterprises:contact_centre")
    for looked_up, shown in ((client_chain, provider), (provider, client_chain)):
        response = agent.post(
            url, {"number": looked_up.enterprise.number, "reason": "The caller asks who acts"}
        )
        assert response.status_code == 200
        assert shown.enterprise.name in response.content.decode()
    # Read-only: no action of the mandates is offered there.
    assert "/mandates/" not in response.content.decode().split("<main")[1]


def test_the_public_registry_search_does_not_show_mandates(client, client_chain, provider):
    mandate_between(client_chain, provider, group="ebox", start=date.today())
    response = client.get(reverse("enterprises:search"), {"q": client_chain.enterprise.name})
    assert response.status_code == 200
    page = response.content.decode()
    assert client_chain.enterprise.name in page
    assert provider.enterprise.name not in page
