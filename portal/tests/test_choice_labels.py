"""`get_<field>_display()` (portal.choices): the label in the reader's language, each
field's labels translated once per language."""

from django.utils import translation

from portal.audit import Action
from portal.models import AuditEvent


def test_the_label_follows_the_active_language():
    event = AuditEvent(action=Action.ROLE_ATTRIBUTED)
    shown = {}
    for language in ("fr", "nl", "de", "en"):
        with translation.override(language):
            shown[language] = event.get_action_display()
            assert shown[language] == str(Action.ROLE_ATTRIBUTED.label)
    assert len(set(shown.values())) == 4  # a different word in each language


def test_an_unknown_value_is_shown_as_it_is_stored():
    with translation.override("fr"):
        assert AuditEvent(action="gone.action").get_action_display() == "gone.action"


def test_without_an_active_language_the_labels_are_the_source_text():
    with translation.override(None):
        assert AuditEvent(action=Action.ROLE_ATTRIBUTED).get_action_display() == "Role attributed"
