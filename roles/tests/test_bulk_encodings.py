"""Bulk CSV as spreadsheets save it: a header row in French, Dutch, German or English, and
the encodings Excel writes (UTF-8 with or without BOM, Windows-1252, UTF-16 "Unicode text").
The bytes are built here, as the spreadsheet would write them."""

import codecs

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from portal.refusals import Refusal
from roles import csv_input, services
from roles.models import InvitationBatch

pytestmark = pytest.mark.django_db

HEADERS = {
    "fr": ["Prénom", "Nom", "Courriel", "Rôles", "Date de fin", "Numéro national"],
    "nl": ["Voornaam", "Achternaam", "E-mailadres", "Rollen", "Einddatum", "Rijksregisternummer"],
    "de": ["Vorname", "Nachname", "E-Mail-Adresse", "Rollen", "Enddatum", "Nationalregisternummer"],
    "en": ["First name", "Last name", "E-mail", "Roles", "End date", "National number"],
}


def _parse(gl, eq, raw: bytes):
    upload = SimpleUploadedFile("people.csv", raw, content_type="text/csv")
    return services.batch_parse(actor=gl, enterprise_quality=eq, uploaded=upload)


def _csv(rows, delimiter=";") -> str:
    return "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"


@pytest.mark.parametrize("language", sorted(HEADERS))
def test_a_header_in_each_language_is_recognised(gl, eq, dimona, language):
    rows = [HEADERS[language], ["Élodie", "Lefèvre", "elodie@example.test", dimona.code, "", ""]]
    batch = _parse(gl, eq, _csv(rows).encode())
    assert batch.total_rows == 1 and batch.valid_rows == 1, batch.rows
    (row,) = batch.rows
    assert row["line"] == 2  # the header is line 1 of the spreadsheet
    assert (row["first_name"], row["last_name"]) == ("Élodie", "Lefèvre")


def test_header_names_ignore_case_accents_and_punctuation(gl, eq, dimona):
    header = ["PRENOM", "nom de famille", "e mail", "ROLES", "date-de-fin", "numero national"]
    rows = [header, ["Zoé", "Dubois", "zoe@example.test", dimona.code, "", ""]]
    assert _parse(gl, eq, _csv(rows).encode()).valid_rows == 1


def test_a_header_may_order_the_columns_its_own_way(gl, eq, dimona):
    rows = [
        ["E-mail", "Rollen", "Nachname", "Vorname"],
        ["hans@example.test", dimona.code, "Müller", "Hans"],
    ]
    (row,) = _parse(gl, eq, _csv(rows).encode()).rows
    assert not row["errors"]
    assert (row["first_name"], row["last_name"], row["email"]) == (
        "Hans",
        "Müller",
        "hans@example.test",
    )


def test_a_header_with_an_unknown_or_missing_column_is_explained(gl, eq):
    with translation.override("en"), pytest.raises(Refusal) as unknown:
        _parse(gl, eq, _csv([["Prénom", "Nom", "Courriel", "Rôles", "Service"]]).encode())
    assert "“Service”" in str(unknown.value.message)
    with translation.override("en"), pytest.raises(Refusal) as missing:
        _parse(gl, eq, _csv([["Prénom", "Nom", "Courriel"], ["A", "B", "a@b.test"]]).encode())
    assert str(missing.value.message) == "The first row names no column for: roles."
    assert not InvitationBatch.objects.exists()


def test_a_row_without_header_is_still_data(gl, eq, dimona):
    batch = _parse(gl, eq, _csv([["Nom", "Name", "nom@example.test", dimona.code]]).encode())
    assert batch.total_rows == 1 and batch.rows[0]["line"] == 1


def test_a_windows_1252_file_is_read(gl, eq, dimona):
    rows = [HEADERS["fr"], ["Chloé", "Van Damme-Noël", "chloe@example.test", dimona.code, "", ""]]
    raw = _csv(rows).encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # what the portal refused before
    (row,) = _parse(gl, eq, raw).rows
    assert not row["errors"]
    assert row["last_name"] == "Van Damme-Noël" and row["first_name"] == "Chloé"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_excels_unicode_text_is_read(gl, eq, dimona, encoding):
    # Excel's "Unicode text": UTF-16 with its BOM, tab-separated.
    bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
    rows = [HEADERS["nl"], ["Jürgen", "Ŝtraße", "jurgen@example.test", dimona.code, "", ""]]
    raw = bom + _csv(rows, delimiter="\t").encode(encoding)
    (row,) = _parse(gl, eq, raw).rows
    assert not row["errors"], row
    assert (row["first_name"], row["last_name"]) == ("Jürgen", "Ŝtraße")


def test_a_utf8_file_with_bom_is_read(gl, eq, dimona):
    rows = [HEADERS["de"], ["Jörg", "Weiß", "jorg@example.test", dimona.code, "", ""]]
    raw = codecs.BOM_UTF8 + _csv(rows, delimiter=",").encode()
    (row,) = _parse(gl, eq, raw).rows
    assert not row["errors"] and row["first_name"] == "Jörg"


@pytest.mark.parametrize(
    "raw",
    [
        "Bo\tSmith".encode("utf-16-le"),  # UTF-16 without its BOM
        b"\x81\x8d\x8f\x90\x9d",  # bytes Windows-1252 does not define
        b"\xff\xfe\x00garbage",  # a BOM, then no text
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5U0#\xf4",  # an .xlsx (a zip)
    ],
    ids=["utf16-without-bom", "not-windows-1252", "bom-then-garbage", "xlsx"],
)
def test_an_unreadable_file_says_how_to_save_it_as_utf8(client, gl, eq, raw):
    client.force_login(gl)
    response = client.post(
        reverse("roles:bulk_upload", args=[eq.pk]),
        {"file": SimpleUploadedFile("people.csv", raw)},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "CSV UTF-8 (comma delimited)" in page and "Unicode (UTF-8)" in page
    assert not InvitationBatch.objects.exists()


def test_every_column_has_names_in_the_four_languages():
    assert list(csv_input.HEADER_NAMES) == csv_input.COLUMNS
    for language, header in HEADERS.items():
        assert csv_input.header_columns(header) == csv_input.COLUMNS, language
