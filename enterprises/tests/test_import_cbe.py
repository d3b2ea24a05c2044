"""manage.py import_cbe: the KBO/BCE open data files into the registry mirror."""

import csv
import datetime as dt
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone, translation

from enterprises.importer import import_cbe
from enterprises.models import Enterprise, JuridicalForm, Mandate
from enterprises.tests.factories import EnterpriseFactory, MandateFactory
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "cbe-sample"
LUCIE = "85073003328"
SCHMITZ = "75061204548"

ENTERPRISE_HEADER = [
    "EnterpriseNumber",
    "Status",
    "JuridicalSituation",
    "TypeOfEnterprise",
    "JuridicalForm",
    "JuridicalFormCAC",
    "StartDate",
]
DENOMINATION_HEADER = ["EntityNumber", "Language", "TypeOfDenomination", "Denomination"]
ADDRESS_HEADER = [
    "EntityNumber",
    "TypeOfAddress",
    "CountryNL",
    "CountryFR",
    "Zipcode",
    "MunicipalityNL",
    "MunicipalityFR",
    "StreetNL",
    "StreetFR",
    "HouseNumber",
    "Box",
    "ExtraAddressInfo",
    "DateStrikingOff",
]
CODE_HEADER = ["Category", "Code", "Language", "Description"]
MANDATE_HEADER = [
    "EnterpriseNumber",
    "NationalNumber",
    "FirstName",
    "LastName",
    "Function",
    "SigningAuthority",
    "StartDate",
    "EndDate",
]


def write_csv(path: Path, header, rows, *, bom: bool = False) -> None:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def small_dataset(directory: Path, *, bom: bool = False, **overrides) -> Path:
    """Two enterprises, bilingual names, addresses, mandates and the names of their juridical
    forms; `overrides` replace files' rows (enterprise=[...], denomination=[...],
    address=[...], mandates=[...], code=[...]; code=None: no code.csv)."""
    rows = {
        "enterprise": [
            ["0403.170.701", "AC", "000", "2", "610", "", "14-03-2011"],
            ["0456.789.430", "AC", "000", "2", "014", "", "02-05-1998"],
        ],
        "denomination": [
            ["0403.170.701", "2", "001", "Bakkerij Renard BV"],
            ["0403.170.701", "1", "001", "Boulangerie Renard SRL"],
            ["0403.170.701", "1", "003", "Pains Renard"],
            ["0456.789.430", "2", "001", "Brouwerij Peeters NV"],
        ],
        "address": [
            [
                "0403.170.701",
                "REGO",
                "",
                "",
                "1000",
                "Brussel",
                "Bruxelles",
                "Beenhouwersstraat",
                "Rue des Bouchers",
                "12",
                "",
                "",
                "",
            ],
            [
                "0456.789.430",
                "REGO",
                "",
                "",
                "9000",
                "Gent",
                "Gand",
                "Veldstraat",
                "Veldstraat",
                "45",
                "",
                "",
                "",
            ],
        ],
        "mandates": [
            ["0403.170.701", LUCIE, "Lucie", "Renard", "Gérante", "true", "14-03-2011", ""],
            [
                "0456.789.430",
                "85.07.30-033.28",
                "Lucie",
                "Renard",
                "Bestuurder",
                "false",
                "2019-06-01",
                "",
            ],
        ],
        "code": [
            ["JuridicalForm", "610", "FR", "Société à responsabilité limitée"],
            ["JuridicalForm", "610", "NL", "Besloten vennootschap"],
            ["Status", "AC", "FR", "Actif"],  # another category: skipped
            ["JuridicalForm", "014", "FR", "Société anonyme"],
            ["JuridicalForm", "014", "NL", "Naamloze vennootschap"],
        ],
    }
    rows.update(overrides)
    directory.mkdir(parents=True, exist_ok=True)
    write_csv(directory / "enterprise.csv", ENTERPRISE_HEADER, rows["enterprise"], bom=bom)
    write_csv(directory / "denomination.csv", DENOMINATION_HEADER, rows["denomination"], bom=bom)
    write_csv(directory / "address.csv", ADDRESS_HEADER, rows["address"], bom=bom)
    write_csv(directory / "mandates.csv", MANDATE_HEADER, rows["mandates"], bom=bom)
    if rows["code"] is not None:
        write_csv(directory / "code.csv", CODE_HEADER, rows["code"], bom=bom)
    return directory


def run(directory, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_cbe", str(directory), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot() -> list[tuple]:
    return [
        *Enterprise.objects.order_by("number").values_list(
            "number", "name", "status", "street", "updated_at"
        ),
        *Mandate.objects.order_by("pk").values_list(
            "enterprise__number", "national_number", "function", "end_date", "updated_at"
        ),
        *JuridicalForm.objects.values_list("code", "label_fr", "label_nl", "label_de", "label_en"),
    ]


def labels(code: str) -> tuple[str, str, str, str]:
    return JuridicalForm.objects.values_list("label_fr", "label_nl", "label_de", "label_en").get(
        code=code
    )


# --- Good files ---------------------------------------------------------------------------


def test_it_imports_the_sample_dataset():
    out, _ = run(SAMPLE)

    assert Enterprise.objects.count() == 30
    renard = Enterprise.objects.get(number="0403170701")
    assert renard.name == "Boulangerie Renard SRL"
    assert renard.is_active
    assert renard.municipality == "Bruxelles"
    assert renard.mandates.signing().filter(national_number=LUCIE).exists()
    peeters = Enterprise.objects.get(name="Brouwerij Peeters NV")
    assert peeters.municipality == "Gent"
    assert peeters.mandates.signing().filter(national_number=LUCIE).exists()
    schmitz = Enterprise.objects.get(name="Atelier Schmitz GmbH")
    assert schmitz.municipality == "Eupen"
    assert schmitz.mandates.signing().filter(national_number=SCHMITZ).exists()
    assert Enterprise.objects.filter(status=Enterprise.Status.STOPPED).count() >= 2
    # The enterprise kept for refusals: Lucie holds a mandate there, without signing authority.
    lambert = Enterprise.objects.get(name="Librairie Lambert SRL")
    assert lambert.mandates.filter(national_number=LUCIE, signing_authority=False).exists()
    assert not lambert.mandates.signing().filter(national_number=LUCIE).exists()
    # The establishment unit's rows are skipped, not reported.
    assert "denomination.csv: 39 read, 30 created, 0 updated, 1 skipped" in out
    assert "enterprise.csv: 30 read, 30 created, 0 updated" in out
    # The names of the four forms the sample uses; the Status row is skipped.
    assert "code.csv: 13 read, 4 created, 0 updated, 1 skipped" in out
    assert labels("610") == (
        "Société à responsabilité limitée",
        "Besloten vennootschap",
        "Gesellschaft mit beschränkter Haftung",
        "Private limited company",
    )
    assert labels("014") == (
        "Société anonyme",
        "Naamloze vennootschap",
        "Aktiengesellschaft",
        "Public limited company",
    )
    assert set(JuridicalForm.objects.values_list("code", flat=True)) == set(
        Enterprise.objects.values_list("juridical_form", flat=True)
    )
    assert "Imported in" in out


def test_names_prefer_french_then_dutch_and_addresses_follow_the_name(tmp_path):
    small_dataset(tmp_path)

    run(tmp_path)

    renard = Enterprise.objects.get(number="0403170701")
    assert renard.name == "Boulangerie Renard SRL"  # French although Dutch came first
    assert renard.commercial_name == "Pains Renard"
    assert renard.address == "Rue des Bouchers 12, 1000 Bruxelles"
    assert renard.juridical_form == "610"
    assert renard.start_date == dt.date(2011, 3, 14)
    peeters = Enterprise.objects.get(number="0456789430")
    assert peeters.name == "Brouwerij Peeters NV"
    assert peeters.address == "Veldstraat 45, 9000 Gent"
    mandate = Mandate.objects.get(enterprise=peeters)
    assert mandate.national_number == LUCIE  # normalised from 85.07.30-033.28
    assert mandate.start_date == dt.date(2019, 6, 1)  # ISO dates too
    assert mandate.signing_authority is False


def test_code_csv_gives_the_names_of_the_juridical_forms(tmp_path):
    small_dataset(tmp_path)

    out, _ = run(tmp_path)

    assert labels("610") == ("Société à responsabilité limitée", "Besloten vennootschap", "", "")
    assert labels("014") == ("Société anonyme", "Naamloze vennootschap", "", "")
    assert not JuridicalForm.objects.filter(code="AC").exists()  # a status, not a form
    assert "code.csv: 5 read, 2 created, 0 updated, 1 skipped" in out
    form = JuridicalForm.objects.get(code="610")
    with translation.override("nl"):
        assert form.label == "Besloten vennootschap"
    with translation.override("de"):
        assert form.label == "Société à responsabilité limitée"  # no German name: French


def test_it_writes_one_audit_event(tmp_path):
    small_dataset(tmp_path)

    run(tmp_path)

    event = AuditEvent.objects.get(action="cbe.import")
    assert event.details["files"]["enterprise.csv"]["created"] == 2


def test_a_utf8_bom_is_tolerated(tmp_path):
    small_dataset(tmp_path, bom=True)
    assert (tmp_path / "enterprise.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    run(tmp_path)

    assert Enterprise.objects.get(number="0403170701").name == "Boulangerie Renard SRL"


def test_small_batches_give_the_same_result(tmp_path):
    small_dataset(tmp_path)

    report = import_cbe(tmp_path, batch_size=1)

    assert Enterprise.objects.count() == 2
    assert Mandate.objects.count() == 2
    assert report.files["mandates.csv"].created == 2
    assert JuridicalForm.objects.count() == 2
    assert report.files["code.csv"].created == 2


def test_an_enterprise_without_denomination_is_named_after_its_number(tmp_path):
    small_dataset(tmp_path, denomination=[["0403.170.701", "1", "001", "Boulangerie Renard SRL"]])

    run(tmp_path)

    assert Enterprise.objects.get(number="0456789430").name == "0456.789.430"


# --- Re-import ----------------------------------------------------------------------------


def test_a_reimport_updates_and_never_duplicates(tmp_path):
    small_dataset(tmp_path / "first")
    run(tmp_path / "first")
    renard = Enterprise.objects.get(number="0403170701")
    small_dataset(
        tmp_path / "second",
        enterprise=[
            ["0403.170.701", "ST", "012", "2", "610", "", "14-03-2011"],
            ["0456.789.430", "AC", "000", "2", "014", "", "02-05-1998"],
        ],
        denomination=[
            ["0403.170.701", "1", "001", "Boulangerie Renard & Fils SRL"],
            ["0456.789.430", "2", "001", "Brouwerij Peeters NV"],
        ],
        mandates=[
            ["0403.170.701", LUCIE, "Lucie", "Renard-Dupont", "Gérante", "false", "", ""],
            ["0456.789.430", LUCIE, "Lucie", "Renard", "Bestuurder", "false", "2019-06-01", ""],
        ],
    )

    out, _ = run(tmp_path / "second")

    assert Enterprise.objects.count() == 2
    assert Mandate.objects.count() == 2
    renard.refresh_from_db()  # the same row, updated in place
    assert renard.name == "Boulangerie Renard & Fils SRL"
    assert renard.status == Enterprise.Status.STOPPED
    assert renard.commercial_name == ""  # no longer in the registry
    mandate = renard.mandates.get()
    assert mandate.last_name == "Renard-Dupont"
    assert mandate.signing_authority is False
    assert "enterprise.csv: 2 read, 0 created, 2 updated" in out
    assert "mandates.csv: 2 read, 0 created, 2 updated" in out


def test_a_reimport_updates_the_names_of_the_juridical_forms_in_place(tmp_path):
    small_dataset(tmp_path / "first")
    run(tmp_path / "first")
    small_dataset(
        tmp_path / "second",
        code=[
            ["JuridicalForm", "610", "FR", "Société à responsabilité limitée (SRL)"],
            ["JuridicalForm", "610", "DE", "Gesellschaft mit beschränkter Haftung"],
        ],
    )

    out, _ = run(tmp_path / "second")

    assert JuridicalForm.objects.count() == 2
    # The file is the truth for the forms it lists: the Dutch name it no longer has is emptied.
    assert labels("610") == (
        "Société à responsabilité limitée (SRL)",
        "",
        "Gesellschaft mit beschränkter Haftung",
        "",
    )
    # A form absent from the file is kept: enterprises may still use its code.
    assert labels("014") == ("Société anonyme", "Naamloze vennootschap", "", "")
    assert "code.csv: 2 read, 0 created, 1 updated, 0 skipped" in out


def test_a_mandate_absent_from_a_reimport_is_ended_not_deleted(tmp_path):
    small_dataset(tmp_path)
    run(tmp_path)
    # Another (older) mandate of an imported enterprise, and one of an enterprise outside it.
    renard = Enterprise.objects.get(number="0403170701")
    gone = MandateFactory(enterprise=renard, function="Administrateur", start_date=None)
    future = MandateFactory(
        enterprise=renard, function="Gérant", start_date=timezone.localdate() + dt.timedelta(9)
    )
    elsewhere = MandateFactory()

    out, _ = run(tmp_path)

    gone.refresh_from_db()
    assert gone.end_date == timezone.localdate() - dt.timedelta(days=1)
    assert not renard.mandates.current().filter(pk=gone.pk).exists()
    assert not Mandate.objects.filter(pk=future.pk).exists()
    elsewhere.refresh_from_db()
    assert elsewhere.end_date is None
    assert renard.mandates.signing().filter(national_number=LUCIE).exists()
    assert "1 ended" in out


def test_a_missing_optional_file_leaves_its_fields_alone(tmp_path):
    small_dataset(tmp_path)
    run(tmp_path)
    (tmp_path / "denomination.csv").unlink()
    (tmp_path / "address.csv").unlink()
    (tmp_path / "mandates.csv").unlink()
    (tmp_path / "code.csv").unlink()

    out, _ = run(tmp_path)

    renard = Enterprise.objects.get(number="0403170701")
    assert renard.name == "Boulangerie Renard SRL"
    assert renard.street == "Rue des Bouchers"
    assert renard.mandates.get().end_date is None
    assert labels("610") == ("Société à responsabilité limitée", "Besloten vennootschap", "", "")
    assert "code.csv" not in out


# --- Dry run ------------------------------------------------------------------------------


def test_a_dry_run_writes_nothing_and_says_what_it_would_do(tmp_path):
    small_dataset(tmp_path)

    out, _ = run(tmp_path, "--dry-run")

    assert Enterprise.objects.count() == 0
    assert Mandate.objects.count() == 0
    assert JuridicalForm.objects.count() == 0
    assert not AuditEvent.objects.filter(action="cbe.import").exists()
    assert "enterprise.csv: 2 read, 2 created, 0 updated" in out
    assert "code.csv: 5 read, 2 created, 0 updated, 1 skipped" in out
    assert "Dry run, nothing written" in out


def test_a_dry_run_leaves_existing_rows_untouched(tmp_path):
    small_dataset(tmp_path)
    run(tmp_path)
    before = snapshot()
    shutil.rmtree(tmp_path)
    small_dataset(tmp_path, mandates=[])

    out, _ = run(tmp_path, "--dry-run")

    assert snapshot() == before
    assert "2 ended" in out


# --- Malformed rows: reported with file and line, nothing written -------------------------

GOOD_ENTERPRISE = ["0403.170.701", "AC", "000", "2", "610", "", "14-03-2011"]
GOOD_MANDATE = ["0403.170.701", LUCIE, "Lucie", "Renard", "Gérante", "true", "", ""]
REGO = ["REGO", "", "", "1000", "Brussel", "Bruxelles", "Straat", "Rue", "1", "", "", ""]
GOOD_CODE = ["JuridicalForm", "610", "FR", "Société à responsabilité limitée"]


@pytest.fixture
def english():
    # The report is compared with the English source text.
    with translation.override("en"):
        yield


# (files' rows replaced, the line of the report); also run on both paths (test_import_paths).
MALFORMED = [
    pytest.param(
        {"enterprise": [GOOD_ENTERPRISE, ["0456.789.431", "AC", "", "2", "014", "", ""]]},
        "enterprise.csv, line 3: “0456.789.431” is not a valid enterprise number",
        id="enterprise-check-digits",
    ),
    pytest.param(
        {"enterprise": [GOOD_ENTERPRISE, ["", "AC", "", "2", "014", "", ""]]},
        "enterprise.csv, line 3: the enterprise number is missing",
        id="enterprise-no-number",
    ),
    pytest.param(
        {"enterprise": [GOOD_ENTERPRISE, ["0456.789.430", "XX", "", "2", "014", "", ""]]},
        "enterprise.csv, line 3: unknown status “XX”",
        id="enterprise-status",
    ),
    pytest.param(
        {
            "enterprise": [
                GOOD_ENTERPRISE,
                ["0456.789.430", "AC", "", "2", "014", "", "31-02-2020"],
            ]
        },
        "enterprise.csv, line 3: StartDate “31-02-2020” is not a date",
        id="enterprise-date",
    ),
    pytest.param(
        {"enterprise": [GOOD_ENTERPRISE, GOOD_ENTERPRISE]},
        "enterprise.csv, line 3: enterprise 0403170701 already on line 2",
        id="enterprise-duplicate",
    ),
    pytest.param(
        {"enterprise": [GOOD_ENTERPRISE, ["0456.789.430", "AC"]]},
        "enterprise.csv, line 3: 2 field(s) where the header has 7",
        id="enterprise-field-count",
    ),
    pytest.param(
        {"denomination": [["0887.123.495", "1", "001", "Inconnue SA"]]},
        "denomination.csv, line 2: unknown enterprise 0887123495",
        id="denomination-unknown-enterprise",
    ),
    pytest.param(
        {"denomination": [["0403.170.701", "7", "001", "Renard"]]},
        "denomination.csv, line 2: unknown language “7”",
        id="denomination-language",
    ),
    pytest.param(
        {"denomination": [["0403.170.701", "1", "009", "Renard"]]},
        "denomination.csv, line 2: unknown TypeOfDenomination “009”",
        id="denomination-type",
    ),
    pytest.param(
        {"denomination": [["0403.170.701", "1", "001", ""]]},
        "denomination.csv, line 2: the denomination is empty",
        id="denomination-empty",
    ),
    pytest.param(
        {"address": [["0887.123.495", *REGO]]},
        "address.csv, line 2: unknown enterprise 0887123495",
        id="address-unknown-enterprise",
    ),
    pytest.param(
        {"address": [["0403.170.701", *REGO], ["0403.170.701", *REGO]]},
        "address.csv, line 3: a second registered office for 0403170701 (first on line 2)",
        id="address-two-registered-offices",
    ),
    pytest.param(
        {"address": [["0403.170.701", "REGO", "", "", "1" * 21, "", "", "", "", "", "", "", ""]]},
        "address.csv, line 2: zipcode is longer than 20 characters",
        id="address-too-long",
    ),
    pytest.param(
        {"mandates": [[*GOOD_MANDATE[:1], "85073003329", *GOOD_MANDATE[2:]]]},
        "mandates.csv, line 2: “85073003329” is not a valid Belgian national number",
        id="mandate-national-number",
    ),
    pytest.param(
        {"mandates": [["0887.123.495", *GOOD_MANDATE[1:]]]},
        "mandates.csv, line 2: unknown enterprise 0887123495",
        id="mandate-unknown-enterprise",
    ),
    pytest.param(
        {"mandates": [[*GOOD_MANDATE[:5], "perhaps", "", ""]]},
        "mandates.csv, line 2: SigningAuthority “perhaps” is not true or false",
        id="mandate-signing",
    ),
    pytest.param(
        {"mandates": [[*GOOD_MANDATE[:6], "2020-13-01", ""]]},
        "mandates.csv, line 2: StartDate “2020-13-01” is not a date",
        id="mandate-date",
    ),
    pytest.param(
        {"mandates": [[*GOOD_MANDATE[:6], "2020-01-01", "2019-01-01"]]},
        "mandates.csv, line 2: EndDate is before StartDate",
        id="mandate-dates-order",
    ),
    pytest.param(
        {"mandates": [GOOD_MANDATE, GOOD_MANDATE]},
        "mandates.csv, line 3: the same person and function for 0403170701 already on line 2",
        id="mandate-duplicate",
    ),
    pytest.param(
        {"mandates": [[*GOOD_MANDATE[:4], "", "true", "", ""]]},
        "mandates.csv, line 2: Function is missing",
        id="mandate-no-function",
    ),
    pytest.param(
        {"code": [GOOD_CODE, ["JuridicalForm", "610", "XX", "Srl"]]},
        "code.csv, line 3: unknown language “XX” (FR, NL, DE or EN)",
        id="code-language",
    ),
    pytest.param(
        {"code": [GOOD_CODE, ["JuridicalForm", "", "NL", "Besloten vennootschap"]]},
        "code.csv, line 3: Code is missing",
        id="code-no-code",
    ),
    pytest.param(
        {"code": [GOOD_CODE, ["JuridicalForm", "123456789", "NL", "Te lang"]]},
        "code.csv, line 3: Code is longer than 8 characters",
        id="code-too-long",
    ),
    pytest.param(
        {"code": [GOOD_CODE, ["JuridicalForm", "014", "NL", ""]]},
        "code.csv, line 3: Description is empty",
        id="code-no-description",
    ),
    pytest.param(
        {"code": [GOOD_CODE, ["", "014", "NL", "Naamloze vennootschap"]]},
        "code.csv, line 3: Category is missing",
        id="code-no-category",
    ),
    pytest.param(
        {"code": [GOOD_CODE, GOOD_CODE]},
        "code.csv, line 3: juridical form 610 in FR already on line 2",
        id="code-duplicate",
    ),
    pytest.param(
        {"code": [GOOD_CODE, ["JuridicalForm", "014", "FR"]]},
        "code.csv, line 3: 3 field(s) where the header has 4",
        id="code-field-count",
    ),
]


@pytest.mark.parametrize(("overrides", "expected"), MALFORMED)
@pytest.mark.usefixtures("english")
def test_a_malformed_row_is_reported_and_nothing_is_written(tmp_path, overrides, expected):
    existing = EnterpriseFactory(name="Déjà là")
    before = snapshot()
    small_dataset(tmp_path, **overrides)

    with pytest.raises(CommandError, match="nothing was imported"):
        run_with_stderr = StringIO()
        try:
            call_command("import_cbe", str(tmp_path), stdout=StringIO(), stderr=run_with_stderr)
        finally:
            report = run_with_stderr.getvalue()

    assert expected in report
    assert snapshot() == before
    assert Enterprise.objects.get() == existing
    assert not AuditEvent.objects.filter(action="cbe.import").exists()


@pytest.mark.usefixtures("english")
def test_a_malformed_code_row_leaves_the_names_and_the_enterprises_alone(tmp_path):
    small_dataset(tmp_path / "first")
    run(tmp_path / "first")
    before = snapshot()
    small_dataset(
        tmp_path / "second",
        enterprise=[
            ["0403.170.701", "ST", "012", "2", "610", "", "14-03-2011"],
            ["0456.789.430", "AC", "000", "2", "014", "", "02-05-1998"],
        ],
        code=[
            ["JuridicalForm", "610", "FR", "Un autre nom"],
            ["JuridicalForm", "610", "NL", "Een andere naam"],
            ["JuridicalForm", "610", "nl-BE", "Een andere naam"],
        ],
    )

    with pytest.raises(CommandError, match="1 malformed row"):
        call_command(
            "import_cbe", str(tmp_path / "second"), stdout=StringIO(), stderr=(err := StringIO())
        )

    assert err.getvalue().splitlines() == [
        "code.csv, line 4: unknown language “nl-BE” (FR, NL, DE or EN)"
    ]
    assert snapshot() == before
    assert labels("610") == ("Société à responsabilité limitée", "Besloten vennootschap", "", "")
    assert Enterprise.objects.get(number="0403170701").is_active


def test_every_malformed_row_of_every_file_is_reported(tmp_path):
    small_dataset(
        tmp_path,
        enterprise=[GOOD_ENTERPRISE, ["0403170799", "AC", "", "2", "", "", ""]],
        denomination=[["0403.170.701", "1", "001", "Renard"], ["0403.170.701", "9", "001", "X"]],
        address=[["0403.170.701", *REGO]],
        mandates=[[*GOOD_MANDATE[:1], "123", *GOOD_MANDATE[2:]], GOOD_MANDATE],
    )
    err = StringIO()

    with pytest.raises(CommandError, match="3 malformed row"):
        call_command("import_cbe", str(tmp_path), stdout=StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "enterprise.csv, line 3",
        "denomination.csv, line 3",
        "mandates.csv, line 2",
    ]
    assert Enterprise.objects.count() == 0


def test_a_missing_column_is_reported(tmp_path):
    small_dataset(tmp_path)
    write_csv(tmp_path / "denomination.csv", ["EntityNumber", "Language"], [["0403.170.701", "1"]])

    with pytest.raises(CommandError):
        call_command("import_cbe", str(tmp_path), stdout=StringIO(), stderr=(err := StringIO()))

    assert "denomination.csv, line 1: missing column(s): TypeOfDenomination, Denomination" in (
        err.getvalue()
    )
    assert Enterprise.objects.count() == 0


def test_text_that_is_not_utf8_is_reported_with_its_line(tmp_path):
    small_dataset(tmp_path)
    with (tmp_path / "denomination.csv").open("ab") as handle:
        handle.write('"0456.789.430","1","003","Brasserie Pêcheur"\n'.encode("latin-1"))

    with pytest.raises(CommandError):
        call_command("import_cbe", str(tmp_path), stdout=StringIO(), stderr=(err := StringIO()))

    assert "denomination.csv, line 6: not valid UTF-8 text" in err.getvalue()
    assert Enterprise.objects.count() == 0


def test_a_folder_without_enterprise_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="malformed"):
        call_command("import_cbe", str(tmp_path), stdout=StringIO(), stderr=(err := StringIO()))
    assert "no enterprise.csv" in err.getvalue()


def test_a_path_that_is_not_a_folder_is_refused(tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("import_cbe", str(tmp_path / "nowhere"), stdout=StringIO())


def test_a_broken_quote_is_reported(tmp_path):
    small_dataset(tmp_path)
    with (tmp_path / "mandates.csv").open("a", encoding="utf-8") as handle:
        handle.write('"0403.170.701","85073003328"x,"Lucie"\n')

    with pytest.raises(CommandError):
        call_command("import_cbe", str(tmp_path), stdout=StringIO(), stderr=(err := StringIO()))

    assert "mandates.csv, line 4: unreadable CSV" in err.getvalue()
    assert Enterprise.objects.count() == 0


def test_an_empty_file_is_reported(tmp_path):
    small_dataset(tmp_path)
    (tmp_path / "address.csv").write_bytes(b"")

    with pytest.raises(CommandError):
        call_command("import_cbe", str(tmp_path), stdout=StringIO(), stderr=(err := StringIO()))

    assert "address.csv, line 1: the file is empty" in err.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path's own promise")
def test_a_reimport_of_unchanged_files_leaves_every_row_alone(tmp_path):
    small_dataset(tmp_path)
    run(tmp_path)
    rows = """SELECT xmin::text, updated_at FROM enterprises_enterprise UNION ALL
              SELECT xmin::text, updated_at FROM enterprises_mandate ORDER BY 1"""
    with connection.cursor() as cursor:
        cursor.execute(rows)
        before = cursor.fetchall()

    out, _ = run(tmp_path)

    with connection.cursor() as cursor:
        cursor.execute(rows)
        # Not rewritten, not even locked (a lock would change xmax, an update xmin).
        assert cursor.fetchall() == before
        cursor.execute(
            "SELECT count(*) FROM enterprises_enterprise WHERE xmax <> 0 "
            "UNION ALL SELECT count(*) FROM enterprises_mandate WHERE xmax <> 0"
        )
        assert cursor.fetchall() == [(0,), (0,)]
    assert "enterprise.csv: 2 read, 0 created, 2 updated" in out
