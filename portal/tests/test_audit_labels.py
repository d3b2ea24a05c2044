import pytest
from django.utils import translation

from portal.audit import audit
from portal.audit_labels import ACTION_LABELS

pytestmark = pytest.mark.django_db


def test_histories_show_a_translated_label_not_the_code():
    event = audit(actor=None, action="designation.accepted")
    with translation.override("fr"):
        assert str(event.action_label) == "Désignation acceptée"
    with translation.override("nl"):
        assert str(event.action_label) == "Aanduiding aanvaard"


def test_an_unknown_code_is_shown_as_it_is():
    assert audit(actor=None, action="something.new").action_label == "something.new"


@pytest.mark.parametrize("language", ["fr", "nl", "de"])
def test_every_label_is_translated(language):
    with translation.override("en"):
        source = {code: str(label) for code, label in ACTION_LABELS.items()}
    with translation.override(language):
        untranslated = [code for code, label in ACTION_LABELS.items() if str(label) == source[code]]
    assert not untranslated
