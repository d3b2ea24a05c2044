"""Generated people carry names that no page text and no other generated name contains.

Tests assert that a person's name is, or is not, on a page; a random surname ("English",
also a word of the language switcher) made such a test fail now and then.
"""

import pytest

from accounts.tests.factories import UserFactory
from enterprises.tests.factories import MandateFactory

pytestmark = pytest.mark.django_db


def test_generated_names_never_hold_each_other_or_page_text(client):
    people = UserFactory.build_batch(12)
    mandates = MandateFactory.build_batch(12)
    names = [p.first_name for p in people + mandates] + [p.last_name for p in people + mandates]
    assert not [(a, b) for a in names for b in names if a != b and a in b]
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert not [name for name in names if name in page]
