from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from portal.audit import Action
from portal.models import AuditEvent
from roles import selectors, services
from roles.models import EmailChange, RoleAttribution
from roles.tasks import expire_due, send_reminders

pytestmark = pytest.mark.django_db


def _grant(gl, eq, role, person, **kwargs):
    [attribution] = services.attribution_grant_direct(
        actor=gl,
        enterprise_quality=eq,
        roles=[role],
        national_number=person.national_number,
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email,
        **kwargs,
    )
    return attribution


def test_attributions_expire_after_their_end_date(gl, eq, dimona, person):
    attribution = _grant(
        gl, eq, dimona, person, valid_until=timezone.localdate() + timedelta(days=3)
    )
    expire_due.apply()
    attribution.refresh_from_db()
    assert attribution.status == "active"
    assert selectors.has_role(person, enterprise=eq.enterprise, role_code=dimona.code)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=5)):
        expire_due.apply()
        assert not selectors.has_role(person, enterprise=eq.enterprise, role_code=dimona.code)
    attribution.refresh_from_db()
    assert attribution.status == "expired"
    assert AuditEvent.objects.filter(action="role.expired", target_id=str(attribution.pk)).exists()


def test_reminders_go_once_to_holder_and_managers(
    gl, co_gl, eq, dimona, person, mailoutbox, django_capture_on_commit_callbacks
):
    _grant(gl, eq, dimona, person, valid_until=timezone.localdate() + timedelta(days=30))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders.apply()
    assert mailoutbox == []  # not yet within 14 days
    later = timezone.now() + timedelta(days=20)
    with mock.patch("django.utils.timezone.now", return_value=later):
        with django_capture_on_commit_callbacks(execute=True):
            send_reminders.apply()
        with django_capture_on_commit_callbacks(execute=True):
            send_reminders.apply()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([person.email, gl.email, co_gl.email])


def test_the_manager_ends_and_access_is_lost_on_the_next_request(
    client, gl, eq, dimona, person, mailoutbox, django_capture_on_commit_callbacks
):
    attribution = _grant(gl, eq, dimona, person)
    assert selectors.has_role(person, enterprise=eq.enterprise, role_code=dimona.code)
    client.force_login(gl)
    url = reverse("roles:attribution", args=[eq.pk, attribution.pk])
    assert "confirm" in client.get(url, {"confirm": "revoke"}).content.decode().lower()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "revoke"})
    attribution.refresh_from_db()
    assert attribution.status == "revoked"
    assert attribution.ended_by == gl
    assert not selectors.has_role(person, enterprise=eq.enterprise, role_code=dimona.code)
    assert mailoutbox[-1].to == [person.email]
    with translation.override("fr"):
        revoked, attributed = (
            str(Action.ROLE_REVOKED.label),
            str(Action.ROLE_ATTRIBUTED.label),
        )
    history = client.get(url).content.decode()
    assert revoked in history and attributed in history


def test_the_holder_deactivates_after_confirmation_and_managers_are_told(
    client, gl, eq, dimona, person, mailoutbox, django_capture_on_commit_callbacks
):
    attribution = _grant(gl, eq, dimona, person)
    mailoutbox.clear()
    client.force_login(person)
    url = reverse("roles:profile_deactivate", args=[attribution.pk])
    assert client.get(url).status_code == 200
    attribution.refresh_from_db()
    assert attribution.status == "active"  # GET only asks
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    attribution.refresh_from_db()
    assert attribution.status == "deactivated"
    assert AuditEvent.objects.filter(action="role.deactivated", actor=person).exists()
    assert [m.to for m in mailoutbox] == [[gl.email]]


def test_nobody_deactivates_someone_elses_attribution(client, gl, eq, dimona, person, other_gl):
    attribution = _grant(gl, eq, dimona, person)
    client.force_login(other_gl)
    assert (
        client.post(reverse("roles:profile_deactivate", args=[attribution.pk])).status_code == 404
    )
    attribution.refresh_from_db()
    assert attribution.status == "active"


def test_the_email_change_applies_only_after_verification(
    client, gl, eq, dimona, dimona_read, person, mailoutbox, django_capture_on_commit_callbacks
):
    first = _grant(gl, eq, dimona, person)
    second = _grant(gl, eq, dimona_read, person)
    mailoutbox.clear()
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("roles:profile_email"),
            {"attributions": [first.pk], "new_email": "marie.new@example.test"},
        )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.email == person.email  # not yet
    verify = next(m for m in mailoutbox if m.to == ["marie.new@example.test"])
    assert any(m.to == [person.email] for m in mailoutbox)  # notice to the old address
    path = verify.body[verify.body.index("/profile/email/verify/") :].split()[0]
    assert client.get(path).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.email == "marie.new@example.test"
    assert second.email == person.email
    assert AuditEvent.objects.filter(action="role.email_changed").count() == 1
    # A second use of the link changes nothing more.
    assert client.get(path).status_code == 400


def test_the_email_change_form_sent_twice_asks_once(
    client, gl, eq, dimona, person, mailoutbox, django_capture_on_commit_callbacks
):
    """Back, then send again: the same form's key, so one change, one link, one notice."""
    from portal.submissions import new_key
    from roles.models import EmailChange

    attribution = _grant(gl, eq, dimona, person)
    mailoutbox.clear()
    client.force_login(person)
    data = {
        "attributions": [attribution.pk],
        "new_email": "marie.new@example.test",
        "submission_key": new_key(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            assert client.post(reverse("roles:profile_email"), data).status_code == 302
    assert EmailChange.objects.count() == 1
    assert [m.to for m in mailoutbox].count(["marie.new@example.test"]) == 1
    assert AuditEvent.objects.filter(action="role.email_change_requested").count() == 1


def test_the_address_already_linked_is_not_a_change(client, gl, eq, dimona, person, mailoutbox):
    from roles.models import EmailChange

    attribution = _grant(gl, eq, dimona, person)
    mailoutbox.clear()
    client.force_login(person)
    response = client.post(
        reverse("roles:profile_email"),
        {"attributions": [attribution.pk], "new_email": attribution.email.upper()},
    )
    assert response.status_code == 200
    with translation.override(response.context["LANGUAGE_CODE"]):
        assert translation.gettext("These attributions are already linked to this address.") in str(
            response.context["form"].errors
        )
    assert not EmailChange.objects.exists()
    assert mailoutbox == []


def test_an_expired_or_tampered_verification_link_is_refused(
    client, gl, eq, dimona, person, django_capture_on_commit_callbacks
):
    attribution = _grant(gl, eq, dimona, person)
    change = services.email_change_request(
        actor=person, attributions=[attribution], new_email="x@example.test"
    )
    token = services.email_change_token(change)
    client.force_login(person)
    assert client.get(reverse("roles:profile_email_verify", args=[token + "x"])).status_code == 400
    with mock.patch(
        "django.core.signing.time.time", return_value=__import__("time").time() + 10 * 86400
    ):
        assert client.get(reverse("roles:profile_email_verify", args=[token])).status_code == 400
    attribution.refresh_from_db()
    assert attribution.email == person.email
    assert EmailChange.objects.get().status == "pending"


def test_someone_elses_attributions_cannot_be_chosen(client, gl, eq, dimona, person, other_gl):
    attribution = _grant(gl, eq, dimona, person)
    client.force_login(other_gl)
    response = client.post(
        reverse("roles:profile_email"),
        {"attributions": [attribution.pk], "new_email": "e@example.test"},
    )
    assert response.status_code == 200  # form error
    assert not EmailChange.objects.exists()


def test_the_profile_lists_current_and_past_attributions(
    client, gl, eq, dimona, dimona_read, person
):
    _grant(gl, eq, dimona, person)
    ended = _grant(gl, eq, dimona_read, person)
    services.attribution_end(actor=gl, attribution=ended)
    client.force_login(person)
    page = client.get(reverse("roles:profile")).content.decode()
    assert page.count('class="badge active"') == 1
    assert page.count('class="badge ended"') == 1
    assert eq.enterprise.name in page


def test_demo_loads_and_is_idempotent(gl, eq, dimona, django_capture_on_commit_callbacks):
    import io

    from accounts.tests.factories import UserFactory
    from roles import demo
    from roles.models import AccessLink, Invitation, RoleAttribution

    gl.email = demo.GL_EMAIL
    gl.save()
    holder = UserFactory(email=demo.USER_EMAIL)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        assert demo.load(password="x", stdout=out) == []
        demo.load(password="x", stdout=out)
    statuses = sorted(
        RoleAttribution.objects.filter(person=holder).values_list("status", flat=True)
    )
    assert statuses == ["active", "ended"]
    assert Invitation.objects.count() == 1
    assert AccessLink.objects.count() == 1


def test_demo_skips_without_a_local_manager(db):
    import io

    from roles import demo

    assert demo.load(password="x", stdout=io.StringIO()) == []


def test_a_future_start_date_gives_access_from_that_day(gl, eq, dimona, person):
    start = timezone.localdate() + timedelta(days=2)
    _grant(gl, eq, dimona, person, valid_from=start)
    assert not selectors.has_role(person, enterprise=eq.enterprise, role_code=dimona.code)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=3)):
        assert selectors.has_role(person, enterprise=eq.enterprise, role_code=dimona.code)


def test_dates_out_of_order_are_refused(client, gl, eq, dimona, person):
    client.force_login(gl)
    today = timezone.localdate()
    response = client.post(
        reverse("roles:direct", args=[eq.pk]),
        {
            "roles": [dimona.pk],
            "national_number": person.national_number,
            "first_name": "M",
            "last_name": "P",
            "email": person.email,
            "valid_from": (today + timedelta(days=5)).isoformat(),
            "valid_until": (today + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert not RoleAttribution.objects.exists()


def test_a_notification_task_run_twice_sends_each_notice_once(
    client,
    gl,
    co_gl,
    eq,
    dimona,
    dimona_read,
    person,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from roles.tasks import notify_attribution, notify_managers_deactivated, send_email_change

    with django_capture_on_commit_callbacks(execute=True):
        attribution = _grant(gl, eq, dimona, person)
    assert [m.to for m in mailoutbox] == [[person.email]]
    notify_attribution.apply(args=[attribution.pk])  # the same task, delivered again
    assert len(mailoutbox) == 1

    mailoutbox.clear()
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roles:profile_deactivate", args=[attribution.pk]))
    told = sorted(m.to[0] for m in mailoutbox)
    assert told == sorted([gl.email, co_gl.email])  # each manager once
    notify_managers_deactivated.apply(args=[attribution.pk])
    assert sorted(m.to[0] for m in mailoutbox) == told

    other = _grant(gl, eq, dimona_read, person)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("roles:profile_email"),
            {"attributions": [other.pk], "new_email": "marie.new@example.test"},
        )
    sent = sorted(m.to[0] for m in mailoutbox)
    assert sent == sorted(["marie.new@example.test", other.email])  # verification + notice
    change = EmailChange.objects.get()
    send_email_change.apply(args=[change.pk])
    assert sorted(m.to[0] for m in mailoutbox) == sent


def test_the_history_names_each_role_in_the_readers_language(client, gl, eq, dimona, person):
    # The manager acts in French; the holder reads the profile in German.
    with translation.override("fr"):
        attribution = _grant(gl, eq, dimona, person)
        french = str(attribution)
    with translation.override("de"):
        german = str(attribution)
    assert french != german  # the catalogue names the role in each language
    event = AuditEvent.objects.get(action=Action.ROLE_ATTRIBUTED, target_id=str(attribution.pk))
    assert event.target_label == french  # the actor's own wording stays the evidence
    assert event.target_labels["de"] == german
    person.language = "de"
    person.save(update_fields=["language"])
    client.force_login(person)
    page = client.get(reverse("roles:profile"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    history = page[page.index('data-label="Betrifft"') :]
    assert german in history
    assert french not in history


def test_a_target_named_alike_in_every_language_is_stored_once(gl):
    from portal.audit import audit

    event = audit(actor=gl, action=Action.ACCOUNT_UPDATED, target=gl)
    event.refresh_from_db()
    assert event.target_labels == {}
    assert event.target_shown == event.target_label == str(gl)
