from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import NationalNumberSource
from accounts.services import national_number_verify
from accounts.tests.factories import UserFactory, national_number_for
from portal.models import AuditEvent
from portal.refusals import Refusal
from roles import services
from roles.models import AccessLink, AccessRequest, RoleAttribution

pytestmark = pytest.mark.django_db


def test_direct_attribution_to_an_existing_account(
    client, gl, eq, dimona, person, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(gl)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("roles:direct", args=[eq.pk]),
            {
                "roles": [dimona.pk],
                "national_number": person.national_number,
                "first_name": "Marie",
                "last_name": "Peeters",
                "email": "marie.work@example.test",
            },
        )
    assert response.status_code == 302
    attribution = RoleAttribution.objects.get()
    assert attribution.person == person
    assert attribution.source == "direct"
    assert mailoutbox[0].to == ["marie.work@example.test"]
    assert AuditEvent.objects.filter(
        action="role.attributed", target_id=str(attribution.pk)
    ).exists()
    client.force_login(person)
    assert "Dimona" in client.get(reverse("roles:profile")).content.decode()


def test_direct_attribution_attaches_at_verification_not_at_declaration(
    client, gl, eq, dimona, mailoutbox, django_capture_on_commit_callbacks
):
    number = national_number_for(777)
    with django_capture_on_commit_callbacks(execute=True):
        services.attribution_grant_direct(
            actor=gl,
            enterprise_quality=eq,
            roles=[dimona],
            national_number=number,
            first_name="Nina",
            last_name="Nieuw",
            email="nina@example.test",
        )
    attribution = RoleAttribution.objects.get()
    assert attribution.person is None
    assert len(mailoutbox) == 1
    newcomer = UserFactory(national_number=None)
    newcomer.national_number = number  # declared: typed by whoever holds the account
    newcomer.save()
    attribution.refresh_from_db()
    assert attribution.person is None
    national_number_verify(
        actor=UserFactory(is_staff=True, national_number=None),
        user=newcomer,
        national_number=number,
        source=NationalNumberSource.CONTACT_CENTRE,
        document_kind="eid",
        reason="Identity card checked at the desk",
    )
    attribution.refresh_from_db()
    assert attribution.person == newcomer


def test_direct_attribution_attaches_at_sign_in(client, gl, eq, dimona):
    from django.contrib.auth.signals import user_logged_in

    number = national_number_for(778)
    services.attribution_grant_direct(
        actor=gl,
        enterprise_quality=eq,
        roles=[dimona],
        national_number=number,
        first_name="Nina",
        last_name="Nieuw",
        email="nina@example.test",
    )
    newcomer = UserFactory(national_number=number)  # created by a path without the signal
    RoleAttribution.objects.update(person=None)
    user_logged_in.send(sender=type(newcomer), request=None, user=newcomer)
    assert RoleAttribution.objects.get().person == newcomer


def test_direct_attribution_rejects_a_bad_national_number(client, gl, eq, dimona):
    client.force_login(gl)
    response = client.post(
        reverse("roles:direct", args=[eq.pk]),
        {
            "roles": [dimona.pk],
            "national_number": "12345678901",
            "first_name": "A",
            "last_name": "B",
            "email": "a@example.test",
        },
    )
    assert response.status_code == 200
    assert not RoleAttribution.objects.exists()


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("valid_from", "The start date cannot be in the past."),
        ("valid_until", "The end date cannot be in the past."),
    ],
)
def test_a_date_in_the_past_is_refused_on_its_own_field(client, gl, eq, dimona, field, message):
    client.force_login(gl)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("roles:direct", args=[eq.pk]),
        {
            "roles": [dimona.pk],
            "national_number": national_number_for(7),
            "first_name": "A",
            "last_name": "B",
            "email": "a@example.test",
            field: yesterday.isoformat(),
        },
    )
    assert response.status_code == 200
    # The page is in the manager's language (French here): the message of that field only.
    with translation.override(response.context["LANGUAGE_CODE"]):
        assert response.context["form"].errors == {field: [gettext(message)]}
    assert not RoleAttribution.objects.exists()


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"valid_from": -1}, "The start date cannot be in the past."),
        ({"valid_until": -1}, "The end date cannot be in the past."),
        ({"valid_from": 5, "valid_until": 2}, "The end date must follow the start date."),
    ],
    ids=["start in the past", "end in the past", "end before start"],
)
def test_the_service_refuses_the_period_the_form_refuses(gl, eq, dimona, dates, message):
    """The rule is the service's (roles.periods): a caller that skips the form (an import,
    the shell, another view) meets the same refusal, with the form's own message."""
    today = timezone.localdate()
    with pytest.raises(Refusal) as refused:
        services.attribution_grant_direct(
            actor=gl,
            enterprise_quality=eq,
            roles=[dimona],
            national_number=national_number_for(8),
            first_name="A",
            last_name="B",
            email="a@example.test",
            **{field: today + timedelta(days=days) for field, days in dates.items()},
        )
    assert str(refused.value.message) == gettext(message)
    assert not RoleAttribution.objects.exists()


def test_the_same_role_twice_is_refused(client, gl, eq, dimona, person):
    services.attribution_grant_direct(
        actor=gl,
        enterprise_quality=eq,
        roles=[dimona],
        national_number=person.national_number,
        first_name="M",
        last_name="P",
        email=person.email,
    )
    with pytest.raises(Refusal):
        services.attribution_grant_direct(
            actor=gl,
            enterprise_quality=eq,
            roles=[dimona],
            national_number=person.national_number,
            first_name="M",
            last_name="P",
            email=person.email,
        )
    assert RoleAttribution.objects.count() == 1


def _link(gl, eq, roles, **kwargs):
    defaults = {
        "label": "Page RH",
        "expires_at": timezone.now() + timedelta(days=7),
        "max_uses": 2,
        "requires_approval": False,
    }
    return services.link_create(
        actor=gl, enterprise_quality=eq, roles=roles, **{**defaults, **kwargs}
    )


def test_the_manager_creates_a_link_through_the_form(client, gl, eq, dimona):
    client.force_login(gl)
    response = client.post(
        reverse("roles:links", args=[eq.pk]),
        {
            "label": "Intranet",
            "roles": [dimona.pk],
            "expires_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "max_uses": 5,
        },
    )
    assert response.status_code == 302
    link = AccessLink.objects.get()
    assert len(link.slug) >= 32  # 192 random bits, URL-safe
    page = client.get(reverse("roles:links", args=[eq.pk])).content.decode()
    assert reverse("roles:link_follow", args=[link.slug]) in page


def test_a_link_works_for_a_year_at_most_whoever_creates_it(client, gl, eq, dimona):
    beyond = timezone.localdate() + timedelta(days=367)
    with pytest.raises(Refusal) as refused:
        _link(gl, eq, [dimona], expires_at=timezone.now() + timedelta(days=368))
    assert str(refused.value.message) == gettext("A link works for one year at most.")
    client.force_login(gl)
    response = client.post(
        reverse("roles:links", args=[eq.pk]),
        {
            "label": "Intranet",
            "roles": [dimona.pk],
            "expires_on": beyond.isoformat(),
            "max_uses": 5,
        },
    )
    assert response.status_code == 200
    with translation.override(response.context["LANGUAGE_CODE"]):
        assert response.context["form"].errors == {
            "expires_on": [gettext("A link works for one year at most.")]
        }
    assert not AccessLink.objects.exists()


def test_a_link_gives_the_role_within_its_use_limit(client, gl, eq, dimona):
    link = _link(gl, eq, [dimona], max_uses=2)
    url = reverse("roles:link_follow", args=[link.slug])
    takers = [UserFactory() for _ in range(3)]
    codes = []
    for taker in takers:
        client.force_login(taker)
        codes.append(client.post(url).status_code)
    assert codes == [302, 302, 409]
    assert RoleAttribution.objects.filter(source="link").count() == 2
    link.refresh_from_db()
    assert link.uses == 2


def test_an_expired_or_disabled_link_gives_nothing(client, gl, eq, dimona, person):
    link = _link(gl, eq, [dimona])
    AccessLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(person)
    assert client.post(reverse("roles:link_follow", args=[link.slug])).status_code == 409
    other = _link(gl, eq, [dimona])
    services.link_disable(actor=gl, link=other)
    assert client.post(reverse("roles:link_follow", args=[other.slug])).status_code == 409
    assert not RoleAttribution.objects.exists()


def test_a_link_requires_sign_in(client, gl, eq, dimona):
    link = _link(gl, eq, [dimona])
    response = client.post(reverse("roles:link_follow", args=[link.slug]))
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert not RoleAttribution.objects.exists()


def test_a_link_with_approval_creates_a_request_the_manager_decides(
    client, gl, eq, dimona, person, mailoutbox, django_capture_on_commit_callbacks
):
    link = _link(gl, eq, [dimona], requires_approval=True)
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("roles:link_follow", args=[link.slug])).status_code == 302
    request = AccessRequest.objects.get()
    assert request.status == "pending"
    assert not RoleAttribution.objects.exists()
    assert mailoutbox[-1].to == [gl.email]
    # Asking again while pending is refused.
    assert client.post(reverse("roles:link_follow", args=[link.slug])).status_code == 409
    client.force_login(gl)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("roles:request_decide", args=[eq.pk, request.pk]), {"decision": "approve"}
        )
    assert RoleAttribution.objects.get().person == person
    assert mailoutbox[-1].to == [person.email]


def test_the_manager_rejects_a_request(client, gl, eq, dimona, person):
    link = _link(gl, eq, [dimona], requires_approval=True)
    request = services.link_use(actor=person, link=link)
    client.force_login(gl)
    client.post(reverse("roles:request_decide", args=[eq.pk, request.pk]), {"decision": "reject"})
    request.refresh_from_db()
    assert request.status == "rejected"
    assert not RoleAttribution.objects.exists()
    assert AuditEvent.objects.filter(action="link.request_rejected").exists()


def test_a_user_cannot_ask_for_a_role(client, person):
    client.force_login(person)
    response = client.post(reverse("roles:request_role"), {"role": "dimona-declaration"})
    assert response.status_code == 403
    assert not RoleAttribution.objects.exists()
