"""Back and submit again: each designation or activation form acts once."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory, national_number_for
from enterprises.models import Designation, EnterpriseQuality, Quality, Registration
from enterprises.tests.factories import EnterpriseFactory, MandateFactory
from portal import submissions
from portal.models import AuditEvent, OutboxMessage
from tests.personas import signed_in

pytestmark = pytest.mark.django_db

KEY_RE = re.compile(r'name="(?:rae-)?submission_key" value="([A-Za-z0-9_-]+)"')


def rendered_key(client, url) -> str:
    page = client.get(url)
    assert page.status_code == 200
    [key] = KEY_RE.findall(page.content.decode())
    return key


def said_already_sent(response) -> bool:
    # Messages are written in the request's language (French by default).
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        expected = str(submissions.ALREADY_SENT)
    return expected in [str(m) for m in get_messages(response.wsgi_request)]


def someone(n: int, prefix: str = "") -> dict:
    return {
        f"{prefix}first_name": "Jan",
        f"{prefix}last_name": "Janssens",
        f"{prefix}national_number": national_number_for(n),
        f"{prefix}email": f"jan{n}@example.test",
        f"{prefix}language": "nl",
    }


def test_a_registration_sent_twice_registers_once(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    enterprise = EnterpriseFactory()
    lr = UserFactory()
    MandateFactory(enterprise=enterprise, national_number=lr.national_number)
    client = signed_in(lr)
    url = reverse("enterprises:register_designate", args=[enterprise.number])
    data = {
        **someone(501, "rae-"),
        "rae-submission_key": rendered_key(client, url),
        "co_rae-TOTAL_FORMS": "2",
        "co_rae-INITIAL_FORMS": "0",
        **someone(502, "co_rae-0-"),
        "co_rae-1-language": "fr",
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url, data)
    detail = reverse("enterprises:detail", args=[enterprise.number])
    assert first.status_code == 302 and first["Location"] == detail
    assert Registration.objects.count() == 1
    assert Designation.objects.count() == 2
    assert len(mailoutbox) == 2
    assert AuditEvent.objects.filter(action="enterprise.registered").count() == 1
    # Not the "already registered" refusal: the enterprise's page, and why nothing happened.
    assert second.status_code == 302 and second["Location"] == detail
    assert said_already_sent(second)


@pytest.mark.parametrize(
    "name, designator, kind",
    [
        ("enterprises:replace_rae", "lr", "rae"),
        ("enterprises:designate_co_rae", "rae", "co_rae"),
        ("enterprises:designate_gl", "rae", "gl"),
        ("enterprises:designate_co_gl", "gl", "co_gl"),
    ],
)
def test_a_designation_sent_twice_designates_once(
    chain, name, designator, kind, mailoutbox, django_capture_on_commit_callbacks
):
    args = [chain.enterprise.number]
    if kind in ("gl", "co_gl"):
        args.append(chain.employer.pk)
    client = signed_in(getattr(chain, designator))
    url = reverse(name, args=args)
    data = {**someone(611), "submission_key": rendered_key(client, url)}
    before = Designation.objects.count(), OutboxMessage.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url, data)
    assert first.status_code == 302
    assert Designation.objects.filter(national_number=national_number_for(611)).count() == 1
    assert (Designation.objects.count(), OutboxMessage.objects.count()) == (
        before[0] + 1,
        before[1] + 1,
    )
    assert [m.to for m in mailoutbox] == [["jan611@example.test"]]
    assert (
        AuditEvent.objects.filter(
            action="designation.created", details__kind=kind, details__name="Jan Janssens"
        ).count()
        == 1
    )
    # Not the "already designated, resend the link" form error: the first result.
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert said_already_sent(second)


def test_a_quality_activation_sent_twice_activates_once(chain):
    client = signed_in(chain.rae)
    url = reverse("enterprises:quality_activate", args=[chain.enterprise.number])
    quality = Quality.objects.exclude(pk=chain.employer.quality_id).filter(is_available=True)[0]
    data = {"quality": quality.pk, "submission_key": rendered_key(client, url)}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302
    assert EnterpriseQuality.objects.filter(enterprise=chain.enterprise, quality=quality).exists()
    assert (
        AuditEvent.objects.filter(action="quality.activated", details__quality=quality.code).count()
        == 1
    )
    # The quality is no longer offered: without the key the repeat would be a form error.
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert said_already_sent(second)


def test_two_renders_of_the_same_designation_meet_the_pending_rule(chain):
    # Two tabs (two keys): the second finds the first designation and offers its resend.
    client = signed_in(chain.rae)
    url = reverse("enterprises:designate_co_rae", args=[chain.enterprise.number])
    client.post(url, {**someone(612), "submission_key": rendered_key(client, url)})
    again = client.post(url, {**someone(612), "submission_key": rendered_key(client, url)})
    assert again.status_code == 200
    [error] = again.context["form"].non_field_errors()
    assert "renvoyez" in error  # "resend the link instead", in French
    assert Designation.objects.filter(national_number=national_number_for(612)).count() == 1
