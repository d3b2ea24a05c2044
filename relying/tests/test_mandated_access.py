"""Acting for a client through a provider ("for C, through P"): the capacity screen offers
it (a search with paging, whatever the number of clients), the tokens carry both
enterprises (the client in `enterprise`, the provider in `act`), the decision API answers
for it and says `mandate_ended` when the mandate behind it is over, and the applications
are told when access stops: at once when the mandate is ended, on the day after when it was
transferred or reached its end date (the beat that expires roles, the clock moved)."""

from __future__ import annotations

import datetime as dt

import pytest
from authlib.integrations.base_client import OAuthError
from django.utils import timezone

from mandates import rules
from mandates import services as mandate_services
from portal.models import Action, AuditEvent
from relying import capacities, decisions, services
from relying.models import Capacity, SecurityEvent
from relying.tests.authzen_support import (
    EVALUATION,
    EVALUATIONS,
    client_credentials_token,
    post,
    question,
    sub_of,
)
from relying.tests.conftest import REDIRECT_URI
from relying.tests.mandated_support import clients_through
from relying.tests.receiver import Receiver
from relying.tests.rp import Application, PageReader, visit
from relying.tests.test_oidc_capacity import claims_everywhere, screen, sign_in_choosing
from roles import services as role_services
from roles.models import Role, RoleAttribution
from tests.personas import (
    build_chain,
    build_provider,
    mandate_between,
    quietly,
    run_on_commit,
    signed_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("portal_at_testserver")]

SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked"


@pytest.fixture
def client_chain(db):
    return build_chain(name="Client Bakery")


@pytest.fixture
def provider(db):
    return build_provider(name="Provider Secretariat")


@pytest.fixture
def other_provider(db):
    return build_provider(name="Other Secretariat")


@pytest.fixture
def mandate(client_chain, provider):
    return mandate_between(
        client_chain,
        provider,
        group="social-security-declarations",
        start=rules.quarter_start(timezone.localdate()),
    )


@pytest.fixture
def receiver():
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def listening(dimona, receiver):
    return services.client_register(
        actor=None,
        application=dimona,
        redirect_uris=[REDIRECT_URI],
        events_url=receiver.url,
        allow_nrn=True,
    )


@pytest.fixture
def listening_rp(listening):
    registration, secret = listening
    return Application(registration.client_id, secret)


def grant_through(provider, mandate, *codes, person=None):
    person = person or provider.staff
    return run_on_commit(
        lambda: role_services.attribution_grant_direct(
            actor=provider.sec_gl,
            enterprise_quality=provider.secretariat,
            roles=list(Role.objects.filter(code__in=codes)),
            national_number=person.national_number,
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
            mandate=mandate,
        )
    )


def grant_own(chain, person, *codes):
    return run_on_commit(
        lambda: role_services.attribution_grant_direct(
            actor=chain.gl,
            enterprise_quality=chain.employer,
            roles=list(Role.objects.filter(code__in=codes)),
            national_number=person.national_number,
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
        )
    )


def through_key(client_enterprise, provider, mandate) -> str:
    return f"{client_enterprise.pk}-{provider.secretariat.pk}-{mandate.pk}"


def own_key(eq) -> str:
    return f"{eq.enterprise_id}-{eq.pk}"


def act_claim(provider, mandate) -> dict:
    return {
        "sub": provider.enterprise.number,
        "name": provider.enterprise.name,
        "quality": "social-secretariat",
        "mandate": {
            "group": "social-security-declarations",
            "start": mandate.start_date.isoformat(),
            "end": mandate.end_date.isoformat() if mandate.end_date else None,
        },
    }


def claims_with_act(rp, token) -> list[dict]:
    keys = ("enterprise", "act", "roles")
    return [
        {key: source.get(key, "absent") for key in keys}
        for source in (
            token["userinfo"],
            rp.userinfo(token["access_token"]).json(),
            rp.introspect(token["access_token"]),
        )
    ]


class MovedClock:
    """The portal's clock moved forward (`timezone.now` and `timezone.localdate`, which
    every rule reads): what beat sees on a later day."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.real_now = timezone.now

    def to(self, day: dt.date) -> None:
        shift = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC) - self.real_now()
        self.monkeypatch.setattr(timezone, "now", lambda: self.real_now() + shift)
        self.monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: day)


@pytest.fixture
def clock(monkeypatch):
    return MovedClock(monkeypatch)


# --- The capacity screen --------------------------------------------------------------------


def test_the_screen_offers_the_client_through_the_provider_beside_the_own_enterprise(
    rp, client_chain, provider, mandate
):
    grant_own(provider, provider.staff, "dimona-consultation")  # at the provider itself
    grant_through(provider, mandate, "dimona-declaration")
    page = screen(rp, signed_in(provider.staff))
    keys = [radio["value"] for radio in page.radios("capacity")]
    assert keys == [
        through_key(client_chain.enterprise, provider, mandate),  # "Client Bakery" first
        own_key(provider.employer),
    ]
    label = page.labels[f"capacity-{keys[0]}"]
    assert "Client Bakery" in label
    assert client_chain.enterprise.number_display in label
    assert "Provider Secretariat" in label
    assert provider.enterprise.number_display in label
    assert "Provider Secretariat" in page.labels[f"capacity-{keys[1]}"]


def test_signed_in_for_c_through_p_the_tokens_carry_both_enterprises(
    rp, client_chain, provider, mandate
):
    grant_own(provider, provider.staff, "dimona-consultation")
    grant_through(provider, mandate, "dimona-declaration")
    browser = signed_in(provider.staff)
    token = sign_in_choosing(rp, browser, through_key(client_chain.enterprise, provider, mandate))
    assert claims_with_act(rp, token) == 3 * [
        {
            "enterprise": {
                "number": client_chain.enterprise.number,
                "name": "Client Bakery",
                "quality": "employer",  # the client's, in Dimona
            },
            "act": act_claim(provider, mandate),
            "roles": ["dimona-declaration"],  # not the consultation held at P
        }
    ]
    capacity = Capacity.objects.get()
    assert capacity.enterprise == client_chain.enterprise
    assert capacity.enterprise_quality == provider.secretariat
    assert capacity.mandate == mandate
    event = AuditEvent.objects.get(action=Action.APPLICATION_SIGN_IN)
    assert event.enterprise == client_chain.enterprise
    assert event.details["through"] == provider.enterprise.number
    assert event.details["mandate"] == mandate.pk


def test_the_own_capacity_has_no_act_and_only_its_own_roles(rp, client_chain, provider, mandate):
    grant_own(provider, provider.staff, "dimona-consultation")
    grant_through(provider, mandate, "dimona-declaration")
    token = sign_in_choosing(rp, signed_in(provider.staff), own_key(provider.employer))
    assert claims_with_act(rp, token) == 3 * [
        {
            "enterprise": {
                "number": provider.enterprise.number,
                "name": "Provider Secretariat",
                "quality": "employer",
            },
            "act": "absent",
            "roles": ["dimona-consultation"],
        }
    ]


def test_held_at_c_directly_and_through_p_are_two_capacities(rp, client_chain, provider, mandate):
    staff = provider.staff
    grant_own(client_chain, staff, "dimona-consultation")
    grant_through(provider, mandate, "dimona-declaration")
    keys = [radio["value"] for radio in screen(rp, signed_in(staff)).radios("capacity")]
    # One enterprise, two qualities managing its roles: its own first, then the provider.
    assert keys == [
        own_key(client_chain.employer),
        through_key(client_chain.enterprise, provider, mandate),
    ]
    token = sign_in_choosing(rp, signed_in(staff), keys[0])
    assert claims_everywhere(rp, token)[0]["roles"] == ["dimona-consultation"]


def test_one_client_through_one_provider_needs_no_screen(rp, client_chain, provider, mandate):
    grant_through(provider, mandate, "dimona-declaration")
    token = rp.sign_in(signed_in(provider.staff))
    assert token["userinfo"]["act"] == act_claim(provider, mandate)


@pytest.mark.parametrize(
    "forged",
    [
        "{client}-{employer}",  # the client's own quality: not held there
        "{client}-{secretariat}",  # the provider's quality without the mandate
        "{client}-{secretariat}-{other}",  # another mandate
        "{provider}-{secretariat}-{mandate}",  # the provider itself under the mandate
    ],
)
def test_a_forged_mandated_key_is_refused(rp, client_chain, provider, mandate, forged):
    grant_through(provider, mandate, "dimona-declaration")
    grant_own(provider, provider.staff, "dimona-consultation")
    other = mandate_between(
        build_chain(name="Another Client"),
        provider,
        group="social-security-declarations",
        start=mandate.start_date,
    )
    key = forged.format(
        client=client_chain.enterprise.pk,
        employer=client_chain.employer.pk,
        secretariat=provider.secretariat.pk,
        other=other.pk,
        provider=provider.enterprise.pk,
        mandate=mandate.pk,
    )
    browser = signed_in(provider.staff)
    page = screen(rp, browser)
    data = page.submission(field="capacity", choose={"capacity": key}, button="grant")
    response = browser.post(page.form("capacity")["action"], data, secure=True)
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["capacity"]
    assert [error.code for error in errors] == ["invalid_choice"]
    assert not Capacity.objects.exists()


def test_an_ended_mandate_is_not_offered(rp, client_chain, provider, mandate):
    grant_through(provider, mandate, "dimona-declaration")
    run_on_commit(
        lambda: mandate_services.mandate_end(
            actor=client_chain.rae, mandate=mandate, enterprise=client_chain.enterprise
        )
    )
    response = visit(signed_in(provider.staff), rp.authorization_url())
    assert response.status_code == 403
    assert response.templates[0].name == "relying/no_capacity.html"


# --- Thousands of clients: a search with paging ---------------------------------------------


@pytest.fixture
def many(provider):
    """The provider's staff member acts for 45 clients through it."""
    return clients_through(provider, provider.staff, 45)


def test_many_clients_are_shown_a_page_at_a_time_with_a_search(rp, provider, many):
    browser = signed_in(provider.staff)
    page = screen(rp, browser)
    radios = page.radios("capacity")
    assert len(radios) == capacities.PAGE_SIZE
    label = page.labels[f"capacity-{radios[0]['value']}"]
    assert label.startswith("Pour Client 00000")  # in French, the portal's first language
    assert "par l’intermédiaire de Provider Secretariat" in label
    assert "1 à 20 sur 45 entreprises" in count_text(page)
    search = [
        f
        for f in page.forms
        if f["method"] == "get" and any(i.get("name") == "capacity_search" for i in f["fields"])
    ]
    assert len(search) == 1
    # The next page, by its link (no JavaScript): the application's request sent again.
    [next_link] = [href for href, _text in page.links if "capacity_page=2" in href]
    second = PageReader(browser.get(next_link, secure=True).content.decode())
    values = [radio["value"] for radio in second.radios("capacity")]
    assert len(values) == capacities.PAGE_SIZE
    assert not set(values) & {radio["value"] for radio in radios}
    # A choice made on the second page signs in for that client.
    data = second.submission(field="capacity", choose={"capacity": values[0]}, button="grant")
    response = browser.post(second.form("capacity")["action"], data, secure=True)
    assert response.status_code == 302
    token = rp.callback(response["Location"])
    assert token["userinfo"]["enterprise"]["name"] == "Client 00020"


def count_text(page: PageReader) -> str:
    return page.raw.split('id="capacity-count"', 1)[1].split("</p>", 1)[0]


def _search(rp, browser, text: str) -> PageReader:
    page = screen(rp, browser)
    [form] = [f for f in page.forms if f["method"] == "get"]
    params = [(f["name"], f.get("value", "")) for f in form["fields"] if f.get("type") == "hidden"]
    params.append(("capacity_search", text))
    response = browser.get(form["action"], params, secure=True)
    assert response.status_code == 200
    return PageReader(response.content.decode())


@pytest.mark.parametrize("how", ["name", "number", "number_display", "BE"])
def test_the_search_finds_a_client_by_number_or_name(rp, provider, many, how):
    wanted = many[37]
    text = {
        "name": "client 00037",
        "number": wanted.number,
        "number_display": wanted.number_display,
        "BE": "BE " + wanted.number,
    }[how]
    page = _search(rp, signed_in(provider.staff), text)
    [radio] = page.radios("capacity")
    assert radio["value"].startswith(f"{wanted.pk}-{provider.secretariat.pk}-")


@pytest.mark.parametrize("text", ["nothing like it", "\u202e" + "x" * 300, "%", "_"])
def test_a_search_that_finds_nothing_says_so(rp, provider, many, text):
    page = _search(rp, signed_in(provider.staff), text)
    assert page.radios("capacity") == []
    assert "capacity-count" in page.ids


@pytest.mark.parametrize("text", ["\x00", "\x00\x00\x00", " " * 300])
def test_a_search_of_nothing_printable_shows_the_first_page(rp, provider, many, text):
    page = _search(rp, signed_in(provider.staff), text)
    assert len(page.radios("capacity")) == capacities.PAGE_SIZE


def test_the_enterprise_parameter_still_narrows_to_one_client(rp, provider, many):
    token = rp.sign_in(signed_in(provider.staff), enterprise=many[3].number_display)
    assert token["userinfo"]["enterprise"]["number"] == many[3].number
    assert token["userinfo"]["act"]["sub"] == provider.enterprise.number


@pytest.mark.parametrize("size", [10, 10_000])
def test_the_screen_costs_the_same_queries_at_10_and_10000_clients(
    rp, provider, size, django_assert_max_num_queries
):
    clients_through(provider, provider.staff, size)
    browser = signed_in(provider.staff)
    url = rp.authorization_url()
    visit(browser, url)  # the session, the site and the client's caches warmed
    with django_assert_max_num_queries(SCREEN_QUERIES):
        response = visit(browser, url)
    assert response.status_code == 200
    page = PageReader(response.content.decode())
    # 10,000 are more than the screen lists: it asks for a search instead.
    assert len(page.radios("capacity")) == (size if size == 10 else 0)
    if size > capacities.LIST_AT_MOST:
        assert "recherchez" in count_text(page)
    with django_assert_max_num_queries(SCREEN_QUERIES):
        response = visit(browser, url + "&capacity_search=Client+0000&capacity_page=2")
    assert response.status_code == 200
    # A search that narrows the 10,000 to a thousand lists them again, page by page.
    with django_assert_max_num_queries(SCREEN_QUERIES):
        response = visit(browser, url + "&capacity_search=Client+01&capacity_page=2")
    radios = PageReader(response.content.decode()).radios("capacity")
    assert len(radios) == (0 if size == 10 else capacities.PAGE_SIZE)


def test_more_than_the_screen_lists_asks_for_a_search_until_it_narrows(
    rp, registered, provider, many, monkeypatch
):
    monkeypatch.setattr(capacities, "LIST_AT_MOST", 30)
    browser = signed_in(provider.staff)
    page = screen(rp, browser)
    assert page.radios("capacity") == []
    assert "Vous agissez pour plus de 30 entreprises" in count_text(page)
    # Nothing is chosen for the person, even silently.
    silent = visit(browser, rp.authorization_url(prompt="none"))
    assert silent.status_code == 302
    assert "error=" in silent["Location"] and "code=" not in silent["Location"]
    # Too wide a search still asks; a narrower one lists.
    assert "Plus de 30 entreprises" in count_text(_search(rp, browser, "Client"))
    found = _search(rp, browser, "Client 0001")
    assert len(found.radios("capacity")) == 10
    assert "1 à 10 sur 10 entreprises" in count_text(found)
    # A choice is still judged against everything held, not only what was listed.
    registration, _secret = registered
    [mandate] = many[44].mandates_given.all()
    option = capacities.option_for(
        provider.staff, registration, f"{many[44].pk}-{provider.secretariat.pk}-{mandate.pk}"
    )
    assert option is not None and option.enterprise == many[44]


def test_above_the_limit_the_persons_own_enterprise_is_still_listed(
    rp, provider, many, monkeypatch
):
    monkeypatch.setattr(capacities, "LIST_AT_MOST", 30)
    grant_own(provider, provider.staff, "dimona-consultation")  # at the provider itself
    page = screen(rp, signed_in(provider.staff))
    [radio] = page.radios("capacity")
    assert radio["value"] == f"{provider.enterprise.pk}-{provider.employer.pk}"
    assert "sans passer par un prestataire" in count_text(page)


# The session and the user, the client and its registration, oauthlib's checks of the
# request, then the offer: its count, its page, the page's qualities and enterprises. At
# most this many at 10 and 10,000 clients (measured: 16 at 10; 14 at 10,000, whose first
# screen reads only the count).
SCREEN_QUERIES = 16


# --- The decision API -----------------------------------------------------------------------


@pytest.fixture
def caller(registered):
    registration, secret = registered
    return registration, client_credentials_token(registration.client_id, secret)


def _ask(caller, person, enterprise, role="dimona-declaration"):
    registration, token = caller
    response = post(
        EVALUATION, question(sub_of(registration, person), enterprise.number, role), token=token
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_person_acting_through_a_provider_is_allowed_for_the_client(
    caller, client_chain, provider, mandate, django_assert_num_queries
):
    grant_through(provider, mandate, "dimona-declaration")
    _ask(caller, provider.staff, client_chain.enterprise)  # the statement prepared
    with django_assert_num_queries(1):
        assert _ask(caller, provider.staff, client_chain.enterprise) == {
            "decision": True,
            "context": {"through": provider.enterprise.number},
        }
    # Not for the provider itself, nor with a role of the client it was not given.
    assert _ask(caller, provider.staff, provider.enterprise)["decision"] is False
    assert (
        _ask(caller, provider.staff, client_chain.enterprise, "dimona-consultation")["context"][
            "id"
        ]
        == "no_role"
    )


def test_a_permit_names_the_provider_only_when_held_through_one_alone(
    caller, client_chain, provider, mandate
):
    """Held in the enterprise itself too, the access owes nothing to the mandate: no
    provider named. Alike for one question and for a batch (two paths, one rule)."""
    registration, token = caller
    grant_through(provider, mandate, "dimona-declaration")

    def batch():
        sub = sub_of(registration, provider.staff)
        response = post(
            EVALUATIONS,
            {
                "evaluations": [
                    question(sub, client_chain.enterprise.number, "dimona-declaration"),
                    question(sub, client_chain.enterprise.number, "dimona-declaration"),
                ]
            },
            token=token,
        )
        assert response.status_code == 200, response.content
        return response.json()["evaluations"]

    permit = {"decision": True, "context": {"through": provider.enterprise.number}}
    assert _ask(caller, provider.staff, client_chain.enterprise) == permit
    assert batch() == [permit, permit]
    grant_own(client_chain, provider.staff, "dimona-declaration")
    assert _ask(caller, provider.staff, client_chain.enterprise) == {"decision": True}
    assert batch() == [{"decision": True}, {"decision": True}]


def test_when_the_mandate_ended_the_reason_is_mandate_ended_naming_the_provider(
    caller, client_chain, provider, mandate
):
    grant_through(provider, mandate, "dimona-declaration")
    run_on_commit(
        lambda: mandate_services.mandate_end(
            actor=client_chain.rae, mandate=mandate, enterprise=client_chain.enterprise
        )
    )
    answer = _ask(caller, provider.staff, client_chain.enterprise)
    assert answer == {
        "decision": False,
        "context": {
            "id": "mandate_ended",
            "reason_admin": {"en": decisions.REASONS["mandate_ended"]},
            "through": provider.enterprise.number,
        },
    }


def test_a_role_ended_by_the_manager_under_a_mandate_in_effect_is_ended(
    caller, client_chain, provider, mandate
):
    [attribution] = grant_through(provider, mandate, "dimona-declaration")
    run_on_commit(
        lambda: role_services.attribution_end(actor=provider.sec_gl, attribution=attribution)
    )
    answer = _ask(caller, provider.staff, client_chain.enterprise)
    assert answer["context"]["id"] == "ended"
    assert "through" not in answer["context"]


def test_a_mandate_stopped_behind_the_services_back_says_mandate_ended(
    caller, client_chain, provider, mandate
):
    grant_through(provider, mandate, "dimona-declaration")
    type(mandate).objects.filter(pk=mandate.pk).update(state=rules.ENDED)
    answer = _ask(caller, provider.staff, client_chain.enterprise)
    assert answer["context"]["id"] == "mandate_ended"


def test_the_reason_is_one_query_set_whatever_the_reason(
    caller, client_chain, provider, mandate, django_assert_max_num_queries
):
    grant_through(provider, mandate, "dimona-declaration")
    type(mandate).objects.filter(pk=mandate.pk).update(state=rules.ENDED)
    _ask(caller, provider.staff, client_chain.enterprise)
    from relying.tests.test_authzen import DENIED_QUERIES

    with django_assert_max_num_queries(DENIED_QUERIES):
        _ask(caller, provider.staff, client_chain.enterprise)


# --- When access stops: the next call, and the applications told -----------------------------


def test_ending_the_mandate_ends_the_sign_in_on_the_next_call_and_tells_the_application(
    listening_rp, receiver, client_chain, provider, mandate
):
    rp = listening_rp
    grant_through(provider, mandate, "dimona-declaration")
    token = rp.sign_in(signed_in(provider.staff))
    capacity = Capacity.objects.get()
    assert capacities.is_current(capacity, capacity.client.application_registration)
    run_on_commit(
        lambda: mandate_services.mandate_end(
            actor=client_chain.rae, mandate=mandate, enterprise=client_chain.enterprise
        )
    )
    capacity = capacities.for_grant(capacity.grant_id)
    assert not capacities.is_current(capacity, capacity.client.application_registration)
    assert rp.userinfo(token["access_token"]).status_code == 401
    assert rp.introspect(token["access_token"]) == {"active": False}
    with pytest.raises(OAuthError) as refused:
        rp.refresh(token["refresh_token"])
    assert refused.value.error == "invalid_grant"
    [event] = SecurityEvent.objects.all()
    assert event.enterprise == client_chain.enterprise
    assert event.event_type == SESSION_REVOKED
    assert event.status == SecurityEvent.Status.DELIVERED
    assert len(receiver.received) == 1
    body = event.claims["events"][SESSION_REVOKED]
    assert event.claims["sub_id"]["tenant"]["id"] == client_chain.enterprise.number
    assert body["reason_admin"]["en"].startswith("The mandate through which")


def test_a_transferred_mandate_stops_access_and_tells_the_application_the_day_after(
    listening, receiver, client_chain, provider, other_provider, mandate, clock
):
    registration, _secret = listening
    [attribution] = grant_through(provider, mandate, "dimona-declaration")
    capacity = _bound(registration, provider.staff, attribution)
    start = rules.next_quarter_start(timezone.localdate())
    with quietly():
        proposal = mandate_services.mandate_transfer(
            actor=client_chain.rae,
            mandate=mandate,
            enterprise=client_chain.enterprise,
            new_mandatary=other_provider.enterprise,
            start_date=start,
        )
    run_on_commit(
        lambda: mandate_services.mandate_validate(
            actor=other_provider.rae, mandate=proposal, enterprise=other_provider.enterprise
        )
    )
    # Until the last day of the old mandate, the sign-in holds and nobody is told.
    clock.to(start - dt.timedelta(days=1))
    run_on_commit(role_services.expire_due)
    assert capacities.is_current(capacity, registration)
    assert receiver.received == []
    # The day the new provider takes over: access stops, and the beat tells the application.
    clock.to(start)
    assert not capacities.is_current(capacity, registration)
    run_on_commit(role_services.expire_due)
    assert RoleAttribution.objects.get(pk=attribution.pk).status == RoleAttribution.Status.EXPIRED
    [event] = SecurityEvent.objects.all()
    assert event.event_type == SESSION_REVOKED
    assert event.enterprise == client_chain.enterprise
    assert len(receiver.received) == 1
    assert "transfer" in event.claims["events"][SESSION_REVOKED]["reason_admin"]["en"]


def test_a_mandate_reaching_its_end_date_stops_access_and_tells_the_application(
    listening, receiver, client_chain, provider, clock
):
    registration, _secret = listening
    today = timezone.localdate()
    end = rules.quarter_end(today)
    mandate = mandate_between(
        client_chain,
        provider,
        group="social-security-declarations",
        start=rules.quarter_start(today),
        end=end,
    )
    [attribution] = grant_through(provider, mandate, "dimona-declaration")
    capacity = _bound(registration, provider.staff, attribution)
    clock.to(end)
    run_on_commit(role_services.expire_due)
    assert capacities.is_current(capacity, registration)
    assert receiver.received == []
    clock.to(end + dt.timedelta(days=1))
    assert not capacities.is_current(capacity, registration)
    run_on_commit(role_services.expire_due)
    [event] = SecurityEvent.objects.all()
    assert event.event_type == SESSION_REVOKED
    assert event.claims["sub_id"]["tenant"]["id"] == client_chain.enterprise.number
    assert len(receiver.received) == 1


def _bound(registration, person, attribution) -> Capacity:
    """A sign-in's capacity on the mandated attribution, bound as the screen binds it."""
    [option] = capacities.offer(person, registration).options
    assert option.mandate_id == attribution.mandate_id
    with quietly():
        services.capacity_bind(
            grant_id="grant-" + str(attribution.pk),
            client=registration.client,
            person=person,
            option=option,
            second_factor=False,
        )
    return capacities.for_grant("grant-" + str(attribution.pk))
