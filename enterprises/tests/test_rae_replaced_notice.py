"""The RAE replaced by a legal representative is told by e-mail, in their language, once."""

import pytest

from accounts.tests.factories import UserFactory
from enterprises import services
from enterprises.models import Designation
from enterprises.tests.conftest import person

pytestmark = pytest.mark.django_db


def _to(mailoutbox, user):
    return [m for m in mailoutbox if m.to == [user.email]]


def test_the_replaced_rae_is_told_when_the_new_one_accepts(
    chain, mailoutbox, django_capture_on_commit_callbacks
):
    chain.rae.language = "nl"
    chain.rae.save(update_fields=["language"])
    new = UserFactory(first_name="Nadia", last_name="Nieuw")
    with django_capture_on_commit_callbacks(execute=True):
        designation = services.rae_replace(
            actor=chain.lr, enterprise=chain.enterprise, person=person(new)
        )
    assert not _to(mailoutbox, chain.rae)  # still the RAE until the new one accepts
    with django_capture_on_commit_callbacks(execute=True):
        services.designation_accept(actor=new, designation=designation)
    (mail,) = _to(mailoutbox, chain.rae)
    assert chain.enterprise.name in mail.subject
    # In the replaced person's language (Dutch), naming who replaces them and who decided.
    assert mail.subject.startswith("U bent niet langer")
    assert "Nadia Nieuw" in mail.body and str(chain.lr) in mail.body
    assert "Nadia Nieuw" in mail.alternatives[0].content


def test_the_replaced_rae_is_told_when_the_representative_designates_self(
    chain, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.rae_replace(actor=chain.lr, enterprise=chain.enterprise, person=person(chain.lr))
    (mail,) = _to(mailoutbox, chain.rae)
    assert chain.enterprise.name in mail.subject
    assert str(chain.lr) in mail.body


def test_the_notice_goes_once_and_not_for_a_rae_still_active(
    chain, mailoutbox, django_capture_on_commit_callbacks
):
    from enterprises.tasks import notify_rae_replaced

    active = Designation.objects.get(person=chain.rae, kind="rae")
    notify_rae_replaced.apply(args=[active.pk])
    assert not _to(mailoutbox, chain.rae)
    with django_capture_on_commit_callbacks(execute=True):
        services.rae_replace(actor=chain.lr, enterprise=chain.enterprise, person=person(chain.lr))
    notify_rae_replaced.apply(args=[active.pk], task_id="another-run")
    # A duplicate run of the task (another id) finds the notice sent: one e-mail.
    assert len(_to(mailoutbox, chain.rae)) == 1
