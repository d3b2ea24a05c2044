"""The inputs that answered 500 or stored what they should not, one behaviour each: every
form and every CSV column takes its limit from its model field, and refuses control and
invisible characters with a message that names the field; real names stay allowed.

On SQLite (no column limits, NUL stored) these tests still fail without the protection:
they assert the refusal and its message, not the database's error.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from enterprises.models import Designation
from portal.text import forbidden_character, printable, text_error
from roles.models import Invitation, InvitationBatch, RoleAttribution

from .personas import new_person
from .security_helpers import snapshot
from .test_csrf_and_safe_methods import client_for

pytestmark = pytest.mark.django_db

LONG_EMAIL = "a" * 300 + "@example.test"  # valid for Django's validator (320), not the column


FIRST, LAST, EMAIL = _("First name"), _("Last name"), _("E-mail address")
NN = _("National number")
BAD_DATE = _("Invalid end date (use YYYY-MM-DD).")


def _says(response, text, *fragments) -> None:
    """`text` (an error shown on the page) has every fragment, labels in the page's language."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        for fragment in fragments:
            assert str(fragment) in str(text), (str(fragment), str(text))


# --- portal/text.py ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "char",
    [
        *["\x00", "\x07", "\x1b", "\x7f", "\x85", "\n", "\t", "\u2028", "\u2029"],
        *"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
        *"\u200b\u200c\u200d\u2060\ufeff\U000e0041",
    ],
)
def test_a_line_refuses_control_and_invisible_characters(char):
    assert forbidden_character(f"Jan{char}Peeters") == char
    error = text_error(f"Jan{char}", label="First name")
    assert error is not None and "First name" in error.messages[0]
    assert f"U+{ord(char):04X}" in error.messages[0]


@pytest.mark.parametrize(
    "name",
    [
        "Ελένη-Marie O'Brien",
        "محمد Ali",
        "Анна-Łucja Żółć",
        "Zoë d’Hondt-Van den Broeck",
        "שרה כהן",
        "李小龍",
    ],
)
def test_real_names_with_accents_apostrophes_hyphens_and_mixed_scripts_stay_allowed(name):
    assert forbidden_character(name) is None


def test_a_multiline_text_keeps_line_breaks_tabs_and_marks_but_not_overrides():
    assert forbidden_character("Hello\r\n\tدرود\u200c\u200fبر شما", multiline=True) is None
    assert forbidden_character("Hello\x00", multiline=True) == "\x00"
    assert forbidden_character("see \u202egnp.exe", multiline=True) == "\u202e"


def test_printable_replaces_what_a_line_refuses():
    assert printable("A\x00B\u202eC\td") == "A\ufffdB\ufffdC\ufffdd"


# --- Forms: the model's limits and the text rules -----------------------------------------------


def _direct_data(w, **changes):
    data = {"roles": [w.dimona.pk], **new_person(6), **changes}
    data.pop("language")
    return data


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", LONG_EMAIL, ("254",)),
        ("first_name", "x" * 200, ("150",)),
        ("first_name", "Jan\x00", (FIRST, "U+0000")),
        ("last_name", "Pee\u202eters", (LAST, "U+202E")),
        ("last_name", "Pee\u200bters", (LAST, "U+200B")),
    ],
)
def test_a_direct_attribution_refuses_long_or_invisible_values_and_writes_nothing(
    world, field, value, message
):
    client = client_for(world.chain.gl, enforce_csrf=False)
    before = snapshot()
    url = reverse("roles:direct", kwargs={"eq_id": world.eq.pk})
    response = client.post(url, _direct_data(world, **{field: value}))
    assert response.status_code == 200
    _says(response, response.context["form"].errors[field], *message)
    assert snapshot() == before


def test_a_direct_attribution_keeps_a_mixed_script_name(world):
    client = client_for(world.chain.gl, enforce_csrf=False)
    url = reverse("roles:direct", kwargs={"eq_id": world.eq.pk})
    response = client.post(url, _direct_data(world, first_name="Ελένη-محمد O'Brien"))
    assert response.status_code == 302
    assert RoleAttribution.objects.filter(first_name="Ελένη-محمد O'Brien").exists()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("x" * 200 + "; Smith; ann@example.test", (FIRST, "150")),
        (f"Ann; Smith; {LONG_EMAIL}", (EMAIL, "254")),
        ("Ann; Sm\u202eith; ann@example.test", (LAST, "U+202E")),
        ("An\x1bn; Smith; ann@example.test", (FIRST, "U+001B")),
    ],
)
def test_an_invitation_refuses_long_or_invisible_values_and_writes_nothing(world, line, message):
    client = client_for(world.chain.gl, enforce_csrf=False)
    before = snapshot()
    url = reverse("roles:invite", kwargs={"eq_id": world.eq.pk})
    response = client.post(url, {"roles": [world.dimona.pk], "invitees": line})
    assert response.status_code == 200
    _says(response, response.context["form"].errors["invitees"], " 1", *message)
    assert snapshot() == before


def test_a_designation_refuses_an_address_longer_than_its_column(world):
    client = client_for(world.chain.rae, enforce_csrf=False)
    before = snapshot()
    url = reverse("enterprises:designate_co_rae", kwargs={"number": world.enterprise.number})
    response = client.post(url, {**new_person(3), "email": LONG_EMAIL})
    assert response.status_code == 200
    limit = Designation._meta.get_field("email").max_length
    assert str(limit) in str(response.context["form"].errors["email"])
    assert snapshot() == before


def test_an_e_mail_change_refuses_an_address_longer_than_the_attributions_column(world):
    client = client_for(world.chain.user, enforce_csrf=False)
    before = snapshot()
    response = client.post(
        reverse("roles:profile_email"),
        {"attributions": [world.attribution.pk], "new_email": LONG_EMAIL},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_email"]
    assert snapshot() == before


def _signup(**changes):
    return {
        "email": "newcomer@example.test",
        "password1": "a-long-Passphrase-2026",
        "password2": "a-long-Passphrase-2026",
        "first_name": "New",
        "last_name": "Comer",
        "language": "fr",
        **changes,
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", LONG_EMAIL, ("254",)),
        ("email", "new\u200bcomer@exa\u200bmple.test", ("U+200B",)),
        ("first_name", "Ne\u202ew", (FIRST, "U+202E")),
        ("last_name", "x" * 151, ("150",)),
    ],
)
def test_sign_up_refuses_long_or_invisible_values_and_writes_nothing(
    world, client, field, value, message
):
    before = snapshot()
    response = client.post(reverse("account_signup"), _signup(**{field: value}))
    assert response.status_code == 200
    _says(response, response.context["form"].errors[field], *message)
    assert snapshot() == before


def test_adding_an_address_longer_than_its_column_is_refused(world):
    client = client_for(world.chain.user, enforce_csrf=False)
    before = snapshot()
    response = client.post(reverse("account_email"), {"action_add": "", "email": LONG_EMAIL})
    assert response.status_code == 200
    assert str(User._meta.get_field("email").max_length) in str(
        response.context["form"].errors["email"]
    )
    assert snapshot() == before


def test_account_settings_refuse_an_invisible_character_in_a_name(world):
    user = world.chain.user
    client = client_for(user, enforce_csrf=False)
    before = snapshot()
    response = client.post(
        reverse("accounts:settings"),
        {"first_name": "Ma\u2066rie", "last_name": "P", "language": "fr"},
    )
    assert response.status_code == 200
    assert "U+2066" in str(response.context["form"].errors["first_name"])
    assert snapshot() == before


# --- The bulk CSV ----------------------------------------------------------------------------


def _upload(client, world, content: bytes, name: str = "people.csv"):
    url = reverse("roles:bulk_upload", kwargs={"eq_id": world.eq.pk})
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("B\x00o,Smith,bo@example.test,dimona-declaration,,", (FIRST, "U+0000")),
        ("Bo,Sm\u202eith,bo@example.test,dimona-declaration,,", (LAST, "U+202E")),
        (f"{'x' * 151},Smith,bo@example.test,dimona-declaration,,", (FIRST, "150")),
        (f"Bo,Smith,{LONG_EMAIL},dimona-declaration,,", (EMAIL, "254")),
        ("Bo,Smith,bo@example.test,dimona-\x00declaration,,", (_("Roles"), "U+0000")),
        ("Bo,Smith,bo@example.test,dimona-declaration,2026-02-30,", (BAD_DATE,)),
        ("Bo,Smith,bo@example.test,dimona-declaration,10000-01-01,", (BAD_DATE,)),
        ("Bo,Smith,bo@example.test,dimona-declaration,,8507\x0030033", (NN, "U+0000")),
    ],
)
def test_a_csv_cell_with_a_control_character_or_too_long_is_a_row_error_named_by_column(
    world, row, message
):
    client = client_for(world.chain.gl, enforce_csrf=False)
    content = "first_name,last_name,email,roles,valid_until,national_number\n" + row + "\n"
    response = _upload(client, world, content.encode())
    assert response.status_code == 302
    batch = InvitationBatch.objects.latest("pk")
    [stored] = batch.rows
    _says(response, stored["errors"], *message)
    # Stored printable: PostgreSQL keeps no NUL in JSON, and the preview shows the row.
    assert "\x00" not in str(batch.rows)
    preview = reverse("roles:bulk_preview", kwargs={"eq_id": world.eq.pk, "pk": batch.pk})
    assert client.get(preview).status_code == 200
    before = snapshot()
    client.post(preview)  # nothing valid to send: refused, nothing written
    assert snapshot() == before
    assert not Invitation.objects.filter(batch=batch).exists()


def test_a_csv_file_name_with_a_nul_is_stored_printable(world):
    client = client_for(world.chain.gl, enforce_csrf=False)
    response = _upload(
        client, world, b"Bo,Smith,bo@example.test,dimona-declaration,,\n", name="p\x00eople.csv"
    )
    assert response.status_code == 302
    assert "\x00" not in InvitationBatch.objects.latest("pk").filename
