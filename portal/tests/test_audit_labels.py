"""One audit vocabulary: every action is a member of `Action`, with a translated label."""

import gettext

import pytest
from django.conf import settings
from django.contrib.admin.sites import site
from django.utils import translation

from portal.audit import Action, audit, audit_each
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db

# The codes already in the trail. They are evidence (stored, searched, exported): a member
# may be added, never renamed.
STORED_CODES = {
    "account.updated",
    "identity.verified",
    "cbe.import",
    "contact_centre.lookup",
    "enterprise.registered",
    "designation.activated",
    "designation.created",
    "designation.accepted",
    "designation.cancelled",
    "designation.expired",
    "designation.replaced",
    "designation.resent",
    "designation.revoked",
    "quality.activated",
    "quality.deactivated",
    "invitation.created",
    "invitation.sent",
    "invitation.resent",
    "invitation.failed",
    "invitation.accepted",
    "invitation.declined",
    "invitation.expired",
    "invitation.revoked",
    "invitation.renewal_requested",
    "invitation_batch.uploaded",
    "invitation_batch.confirmed",
    "link.created",
    "link.disabled",
    "link.used",
    "link.requested",
    "link.request_approved",
    "link.request_rejected",
    "role.attributed",
    "role.attached",
    "role.ended",
    "role.revoked",
    "role.expired",
    "role.deactivated",
    "role.email_change_requested",
    "role.email_changed",
    "wizard.page_published",
}


def _source(action: Action) -> str:
    # No catalogue active: the msgid itself, the English the code was written with.
    with translation.override(None):
        return str(action.label)


def test_histories_show_a_translated_label_not_the_code():
    event = AuditEvent.objects.get(pk=audit(actor=None, action=Action.DESIGNATION_ACCEPTED).pk)
    with translation.override("fr"):
        assert event.get_action_display() == "Désignation acceptée"
    with translation.override("nl"):
        assert event.get_action_display() == "Aanduiding aanvaard"


def test_the_designation_sent_to_another_person_has_a_label():
    # The action every chain history showed raw ("designation.created").
    event = AuditEvent.objects.get(pk=audit(actor=None, action=Action.DESIGNATION_CREATED).pk)
    with translation.override("fr"):
        assert event.get_action_display() == "Désignation créée"


@pytest.mark.parametrize("language", ["fr", "nl", "de"])
def test_every_action_has_a_translated_label(language):
    # Django falls back to the default language (French) for a msgid a catalogue lacks, so
    # the label must come from the language's own catalogue, not merely differ from English.
    with (settings.LOCALE_PATHS[0] / language / "LC_MESSAGES" / "django.mo").open("rb") as mo:
        own = gettext.GNUTranslations(mo)
    with translation.override(language):
        shown = {action.value: str(action.label) for action in Action}
    untranslated = [
        action.value
        for action in Action
        if shown[action.value] == _source(action)
        or shown[action.value] != own.gettext(_source(action))
    ]
    assert not untranslated


def test_english_shows_the_source_label_of_every_action():
    with translation.override("en"):
        shown = {action.value: str(action.label) for action in Action}
    assert shown == {action.value: _source(action) for action in Action}
    # A label of its own, not the one Django makes from a member declared without one.
    made_up = [a.value for a in Action if shown[a.value] == a.name.replace("_", " ").title()]
    assert not made_up


def test_the_stored_codes_stay_the_same():
    assert not STORED_CODES - set(Action.values)


@pytest.mark.parametrize("write", ["audit", "audit_each"])
def test_an_action_outside_the_vocabulary_is_refused_before_anything_is_written(write, admin_user):
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="not an audit action"):
        if write == "audit":
            audit(actor=None, action="something.new")
        else:
            audit_each(
                actor=None, action="something.new", targets=[admin_user], enterprise=lambda t: None
            )
    assert AuditEvent.objects.count() == before


def test_the_exact_code_of_a_member_is_that_member():
    event = audit(actor=None, action="designation.accepted")
    assert event.action is Action.DESIGNATION_ACCEPTED
    assert AuditEvent.objects.get(pk=event.pk).action == "designation.accepted"


def test_the_model_and_the_admin_filter_take_the_vocabulary():
    assert AuditEvent._meta.get_field("action").choices == Action.choices
    admin = site.get_model_admin(AuditEvent)
    assert "action" in admin.list_filter


def test_the_admin_filters_by_label(admin_client):
    audit(actor=None, action=Action.CBE_IMPORT)
    page = admin_client.get("/admin/portal/auditevent/", HTTP_ACCEPT_LANGUAGE="en").content
    # Every action is offered by its label, also those not in the trail yet.
    with translation.override("en"):
        assert str(Action.WIZARD_PAGE_PUBLISHED.label).encode() in page
        assert str(Action.CBE_IMPORT.label).encode() in page
