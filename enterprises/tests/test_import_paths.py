"""One set of rules: the PostgreSQL path (COPY, SQL) and the Python path give the same result.

Each case is imported by both paths from the same database state (each run rolled back) and
the outcomes compared: the report (counts, or every malformed row with its reason) and what
the tables hold. On SQLite only the Python path exists: these tests need PostgreSQL.
"""

import pytest
from django.db import connection, transaction
from django.utils import translation

from enterprises.importer import MalformedImport, import_cbe
from enterprises.models import Enterprise, JuridicalForm, Mandate
from enterprises.tests.factories import EnterpriseFactory, MandateFactory, enterprise_number_for
from enterprises.tests.test_import_cbe import (
    GOOD_ENTERPRISE,
    GOOD_MANDATE,
    LUCIE,
    MALFORMED,
    REGO,
    SAMPLE,
    small_dataset,
)
from enterprises.tests.test_import_update import UPDATE_CASES, base_registry, update_set
from portal.models import AuditEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the fast path is PostgreSQL's"),
]


def state() -> dict:
    return {
        # When the flag was set differs from run to run; whether it is, not.
        "enterprises": [
            (*row[:-1], row[-1] is not None)
            for row in Enterprise.objects.order_by("number").values_list(
                "number",
                "name",
                "name_language",
                "abbreviation",
                "commercial_name",
                "juridical_form",
                "status",
                "start_date",
                "street",
                "house_number",
                "box",
                "zipcode",
                "municipality",
                "registry_stopped_at",
            )
        ],
        "mandates": list(
            Mandate.objects.order_by(
                "enterprise__number", "national_number", "function"
            ).values_list(
                "enterprise__number",
                "national_number",
                "first_name",
                "last_name",
                "function",
                "signing_authority",
                "start_date",
                "end_date",
            )
        ),
        "forms": list(JuridicalForm.objects.values_list()),
        "audit": sorted(AuditEvent.objects.values_list("action", "enterprise__number")),
    }


def outcome(directory, method: str, **options):
    """What importing `directory` by `method` gives, then undone."""
    with transaction.atomic():
        try:
            with translation.override("en"):
                report = import_cbe(directory, method=method, **options)
        except MalformedImport as exc:
            result = ("malformed", [str(e) for e in exc.report.errors], exc.report.errors.total)
        else:
            result = (
                "imported",
                {name: vars(counts) for name, counts in report.files.items()},
                report.unnamed,
                report.flagged,
            )
        result += (state(),)
        transaction.set_rollback(True)
    return result


def same_on_both_paths(directory, **options):
    python = outcome(directory, "python", **options)
    postgresql = outcome(directory, "postgresql", **options)
    assert postgresql == python
    return python


def test_the_sample_data():
    result = same_on_both_paths(SAMPLE)

    assert result[0] == "imported"
    assert len(result[-1]["enterprises"]) == 30


def test_a_reimport_that_changes_names_addresses_statuses_and_mandates(tmp_path):
    small_dataset(tmp_path / "first")
    import_cbe(tmp_path / "first")
    MandateFactory(enterprise=Enterprise.objects.get(number="0403170701"), start_date=None)
    small_dataset(
        tmp_path / "second",
        enterprise=[
            ["0403.170.701", "ST", "012", "2", "610", "", "14-03-2011"],
            ["0456.789.430", "AC", "000", "2", "014", "706", "02-05-1998"],
            ["0712.345.630", "AC", "000", "2", "014", "", ""],
        ],
        denomination=[
            ["0403.170.701", "0", "002", "BR"],
            ["0456.789.430", "3", "001", "Brauerei Peeters AG"],
            ["0456.789.430", "2", "001", "Brouwerij Peeters NV"],
        ],
        address=[
            ["0456.789.430", *REGO],
            ["0712.345.630", "BAET", *REGO[1:]],
        ],
        mandates=[GOOD_MANDATE],
    )

    result = same_on_both_paths(tmp_path / "second")

    assert result[0] == "imported"


def test_the_same_files_again(tmp_path):
    small_dataset(tmp_path)
    import_cbe(tmp_path)

    same_on_both_paths(tmp_path)


def test_without_the_optional_files(tmp_path):
    small_dataset(tmp_path)
    EnterpriseFactory(number="0456789430", name="Déjà là", name_language="nl")
    for name in ("denomination.csv", "mandates.csv", "code.csv"):
        (tmp_path / name).unlink()

    same_on_both_paths(tmp_path)


@pytest.mark.parametrize(("overrides", "expected"), MALFORMED)
def test_every_malformed_case(tmp_path, overrides, expected):
    small_dataset(tmp_path, **overrides)

    result = same_on_both_paths(tmp_path)

    assert result[0] == "malformed"
    assert any(expected in line for line in result[1])


OTHER_WRITINGS = [
    pytest.param("BE0403170701", id="vat-prefix"),
    pytest.param("BE 0403.170.701", id="vat-prefix-spaced"),
    pytest.param("0403 170 701", id="spaces"),
    pytest.param("403170701", id="nine-digits"),
    pytest.param("0403-170-701", id="dashes"),
    pytest.param("0403/170/701", id="slashes"),
    pytest.param("0403\u2010170\u2010701", id="unicode-hyphens"),
    pytest.param("0403.170.702", id="check-digits"),
    pytest.param("2.145.998.717", id="establishment-unit"),
    pytest.param("9403.170.701", id="first-digit"),
    pytest.param("0000.000.000", id="zeros"),
    pytest.param("040317070", id="short"),
    pytest.param("0403.170.701.1", id="long"),
    pytest.param("O403.170.701", id="letter-o"),
    pytest.param("０４０３１７０７０１", id="fullwidth-digits"),
]


@pytest.mark.parametrize("number", OTHER_WRITINGS)
@pytest.mark.parametrize("file", ["enterprise", "denomination", "address", "mandates"])
def test_numbers_written_otherwise(tmp_path, number, file):
    # Renard's number written otherwise in one file; Peeters as usual everywhere.
    rows = {
        "enterprise": [
            [number, *GOOD_ENTERPRISE[1:]],
            ["0456.789.430", "AC", "000", "2", "014", "", "02-05-1998"],
        ],
        "denomination": [
            [number, "1", "001", "Boulangerie Renard SRL"],
            ["0456.789.430", "2", "001", "Brouwerij Peeters NV"],
        ],
        "address": [[number, *REGO], ["0456.789.430", *REGO]],
        "mandates": [[number, *GOOD_MANDATE[1:]], ["0456.789.430", *GOOD_MANDATE[1:]]],
    }
    small_dataset(tmp_path, **{file: rows[file]})

    result = same_on_both_paths(tmp_path)

    if number in NORMALISED:
        assert result[0] == "imported"
        assert result[-1]["enterprises"][0][:1] == ("0403170701",)


# Writings the registry's rules accept (stdnum's be.vat), normalised to 0403170701.
NORMALISED = {
    "BE0403170701",
    "BE 0403.170.701",
    "0403 170 701",
    "403170701",
    "0403-170-701",
    "0403/170/701",
    "0403\u2010170\u2010701",
}


@pytest.mark.parametrize(
    "national_number",
    [
        LUCIE,
        "85.07.30-033.28",
        "85 07 30 033 28",
        "85\u201307\u201330\u2013033\u201328",
        "85073003329",
        "8507300332",
        "00000000000",
        "85133003328",
        "00000100197",  # an unknown birth date
        "17073003384",  # born in the 2000s
        "８５０７３００３３２８",
        "85O73003328",
    ],
)
def test_national_numbers_written_otherwise(tmp_path, national_number):
    small_dataset(tmp_path, mandates=[[GOOD_MANDATE[0], national_number, *GOOD_MANDATE[2:]]])

    result = same_on_both_paths(tmp_path)

    if national_number in (
        LUCIE,
        "85.07.30-033.28",
        "85 07 30 033 28",
        "85\u201307\u201330\u2013033\u201328",
    ):
        assert result[0] == "imported"
        assert result[-1]["mandates"][0][1] == LUCIE


@pytest.mark.parametrize(
    "date",
    [
        "14-03-2011",
        "2011-03-14",
        "29-02-2024",
        "29-02-2023",
        "29-02-1900",
        "29-02-2000",
        "31-04-2020",
        "00-01-2020",
        "01-00-2020",
        "01-13-2020",
        "01-01-0000",
        "01-01-0001",
        "2020-1-01",
        "14/03/2011",
        "14-03-2_11",
        "14-03-+011",
        "١٤-٠٣-٢٠١١",
        "14-03-2011x",
        "tomorrow",
    ],
)
def test_dates_written_otherwise(tmp_path, date):
    small_dataset(
        tmp_path,
        enterprise=[[*GOOD_ENTERPRISE[:6], date]],
        mandates=[[*GOOD_MANDATE[:6], date, "31-12-2030"]],
    )

    same_on_both_paths(tmp_path)


@pytest.mark.parametrize(
    "signing", ["true", "TRUE", "True", "1", "yes", "Y", "t", "false", "0", "N", "", "vrai", "İ"]
)
def test_signing_authorities(tmp_path, signing):
    small_dataset(tmp_path, mandates=[[*GOOD_MANDATE[:5], signing, "", ""]])

    same_on_both_paths(tmp_path)


def test_duplicates_and_lengths_in_every_file(tmp_path):
    long_street = [
        "REGO",
        "",
        "",
        "1000",
        "Brussel",
        "Bruxelles",
        "S" * 201,
        "Rue",
        "1",
        "",
        "",
        "",
    ]
    small_dataset(
        tmp_path,
        enterprise=[GOOD_ENTERPRISE, GOOD_ENTERPRISE, [*GOOD_ENTERPRISE[:4], "123456789", "", ""]],
        denomination=[["0403.170.701", "1", "001", "x" * 321], ["0403.170.701", "2", "001", "Ok"]],
        address=[
            ["0403.170.701", *long_street],  # the Dutch columns: the name is Dutch
            ["0403.170.701", *REGO],
            ["0403.170.701", *REGO],
            ["0403.170.701", "", *REGO[1:]],
        ],
        mandates=[
            GOOD_MANDATE,
            GOOD_MANDATE,
            [*GOOD_MANDATE[:2], "F" * 151, *GOOD_MANDATE[3:]],
            [*GOOD_MANDATE[:4], "Gérante", "true", "", ""],
        ],
    )

    result = same_on_both_paths(tmp_path)

    assert result[0] == "malformed"


def test_structural_errors_are_merged_by_line(tmp_path):
    small_dataset(tmp_path, denomination=[["0403.170.701", "9", "001", "Bad language"]])
    with (tmp_path / "denomination.csv").open("ab") as handle:
        handle.write(b'"0403.170.701","1","003","Caf\xe9 Renard"\n')
        handle.write(b'"0403.170.701","1"\n')
        handle.write(b'"0403.170.701","1","002","N\x00L"\n')
        handle.write(b'"0456.789.430","7","002","Bad again"\n')

    result = same_on_both_paths(tmp_path)

    assert [line.split(":")[0] for line in result[1]] == [
        "denomination.csv, line 2",
        "denomination.csv, line 3",
        "denomination.csv, line 4",
        "denomination.csv, line 5",
        "denomination.csv, line 6",
    ]


@pytest.mark.parametrize("case", UPDATE_CASES)
def test_update_files(tmp_path, case):
    registered = base_registry(tmp_path / "base")
    update_set(tmp_path / "update", case, registered)

    same_on_both_paths(tmp_path / "update", update=True)


def test_many_numbers_written_otherwise_are_normalised_in_batches(tmp_path):
    numbers = [enterprise_number_for(index) for index in range(250)]
    small_dataset(
        tmp_path,
        enterprise=[[f"BE{n}", "AC", "000", "2", "014", "", ""] for n in numbers],
        denomination=[[f"BE {n}", "1", "001", f"Société {n}"] for n in numbers],
        address=[],
        mandates=[],
    )

    result = same_on_both_paths(tmp_path, batch_size=100)

    assert result[0] == "imported"
    assert [row[:2] for row in result[-1]["enterprises"][:2]] == [
        (numbers[0], f"Société {numbers[0]}"),
        (numbers[1], f"Société {numbers[1]}"),
    ]
