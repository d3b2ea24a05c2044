"""manage.py import_cbe DIR --update: the registry's monthly update files, and their effect on
the portal (a registered enterprise the registry stops is flagged; nothing is deleted)."""

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from enterprises.importer import import_cbe
from enterprises.models import Designation, Enterprise, Mandate
from enterprises.tests.test_import_cbe import (
    ADDRESS_HEADER,
    DENOMINATION_HEADER,
    ENTERPRISE_HEADER,
    LUCIE,
    MANDATE_HEADER,
    small_dataset,
    write_csv,
)
from portal.models import AuditEvent
from tests.personas import Chain, build_chain, make_agent, signed_in

pytestmark = pytest.mark.django_db

SCHMITZ = "75061204548"
STOP = "enterprise.stopped_by_registry"

METHODS = [
    "python",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            connection.vendor != "postgresql", reason="the fast path is PostgreSQL's"
        ),
    ),
]


def dotted(number: str) -> str:
    return f"{number[:4]}.{number[4:7]}.{number[7:]}"


def address(number, street_nl, street_fr, house, town_nl="Gent", town_fr="Gand"):
    return [
        number,
        "REGO",
        "",
        "",
        "9000",
        town_nl,
        town_fr,
        street_nl,
        street_fr,
        house,
        "",
        "",
        "",
    ]


def base_registry(directory: Path) -> Chain:
    """The registry before the update: two enterprises of the files (Renard with two mandates)
    and a registered enterprise with its whole chain (and a mandate of its own)."""
    small_dataset(
        directory,
        mandates=[
            ["0403.170.701", LUCIE, "Lucie", "Renard", "Gérante", "true", "14-03-2011", ""],
            ["0403.170.701", SCHMITZ, "Jonas", "Schmitz", "Administrateur", "true", "", ""],
            ["0456.789.430", LUCIE, "Lucie", "Renard", "Bestuurder", "false", "2019-06-01", ""],
        ],
    )
    import_cbe(directory)
    return build_chain(name="Garage Registered SRL")


def update_set(directory: Path, case: str, registered: Chain) -> Path:
    """The files of one update case (UPDATE_CASES)."""
    stopped = dotted(registered.enterprise.number)
    files: dict[str, tuple[list, list]] = {}
    if case in ("portal", "deletions"):
        files["enterprise_delete.csv"] = (["EnterpriseNumber"], [[stopped], ["0887.123.495"]])
    if case == "portal":
        files["enterprise_insert.csv"] = (
            ENTERPRISE_HEADER,
            [["0712.345.630", "AC", "000", "2", "014", "", "01-02-2026"]],
        )
        # Renard renamed (all its names replaced), Schmitz new with its names.
        files["denomination_delete.csv"] = (
            ["EntityNumber"],
            [["0403.170.701"], ["2.145.998.717"]],
        )
        files["denomination_insert.csv"] = (
            DENOMINATION_HEADER,
            [
                ["0403.170.701", "1", "001", "Boulangerie Renard & Fille SRL"],
                ["0712.345.630", "3", "001", "Atelier Schmitz GmbH"],
                ["2.145.998.717", "1", "001", "Succursale"],
            ],
        )
        # Peeters moves (its Dutch name kept: the Dutch columns), Schmitz's new address.
        files["address_delete.csv"] = (["EntityNumber"], [["0456.789.430"]])
        files["address_insert.csv"] = (
            ADDRESS_HEADER,
            [
                address("0456.789.430", "Korenmarkt", "Marché aux grains", "7"),
                address("0712.345.630", "Gospertstraße", "Gospertstraße", "22", "Eupen", "Eupen"),
            ],
        )
        # Renard's administrator has left: the insert file lists its other mandate only.
        files["mandates_delete.csv"] = (["EnterpriseNumber"], [["0403.170.701"]])
        files["mandates_insert.csv"] = (
            MANDATE_HEADER,
            [
                ["0403.170.701", LUCIE, "Lucie", "Renard", "Gérante", "true", "14-03-2011", ""],
                ["0712.345.630", SCHMITZ, "Jonas", "Schmitz", "Geschäftsführer", "true", "", ""],
            ],
        )
    if case == "names-deleted":
        files["denomination_delete.csv"] = (["EntityNumber"], [["0456.789.430"]])
    if case == "addresses-deleted":
        files["address_delete.csv"] = (["EntityNumber"], [["0403.170.701"], [stopped]])
        files["enterprise_delete.csv"] = (["EnterpriseNumber"], [[stopped]])
    if case == "registered-listed-stopped":
        number = registered.enterprise.number
        files["enterprise_delete.csv"] = (["EnterpriseNumber"], [[stopped]])
        files["enterprise_insert.csv"] = (
            ENTERPRISE_HEADER,
            [[number, "ST", "000", "2", "014", "", ""]],
        )
    if case == "malformed":
        files["enterprise_delete.csv"] = (["EnterpriseNumber"], [["0403.170.702"]])
        files["denomination_insert.csv"] = (
            DENOMINATION_HEADER,
            [["0887.123.495", "1", "001", "Inconnue SA"], ["0403.170.701", "1", "004", "X"]],
        )
        files["mandates_insert.csv"] = (
            MANDATE_HEADER,
            [["0403.170.701", LUCIE, "Lucie", "Renard", "Gérante", "maybe", "", ""]],
        )
    directory.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in files.items():
        write_csv(directory / name, header, rows)
    return directory


UPDATE_CASES = [
    "portal",
    "deletions",
    "names-deleted",
    "addresses-deleted",
    "registered-listed-stopped",
    "malformed",
]


def run_update(directory, *args) -> str:
    out = StringIO()
    call_command("import_cbe", str(directory), "--update", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def registered(tmp_path) -> Chain:
    return base_registry(tmp_path / "base")


@pytest.mark.parametrize("method", METHODS)
def test_an_update_stops_renames_adds_and_ends(
    tmp_path, registered, method, mailoutbox, django_capture_on_commit_callbacks
):
    enterprise = registered.enterprise
    designations = list(
        Designation.objects.filter(enterprise=enterprise).values_list("pk", "status")
    )
    update_set(tmp_path / "update", "portal", registered)
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        out = run_update(tmp_path / "update", "--method", method)

    # The registered enterprise the registry deleted: stopped and flagged, nothing deleted.
    enterprise.refresh_from_db()
    assert enterprise.status == Enterprise.Status.STOPPED
    assert enterprise.registry_stopped_at is not None
    assert enterprise.name == "Garage Registered SRL"  # its last name kept
    assert (
        list(Designation.objects.filter(enterprise=enterprise).values_list("pk", "status"))
        == designations
    )
    assert not enterprise.mandates.current().exists()  # its mandates ended, not deleted
    assert enterprise.mandates.exists()
    event = AuditEvent.objects.get(action=STOP)
    assert event.enterprise == enterprise
    assert event.details["number"] == enterprise.number
    assert [m.to for m in mailoutbox] == [[registered.rae.email]]
    assert enterprise.name in mailoutbox[0].subject
    # Renamed: all its names replaced.
    renard = Enterprise.objects.get(number="0403170701")
    assert renard.name == "Boulangerie Renard & Fille SRL"
    assert renard.commercial_name == ""
    assert renard.address == "Rue des Bouchers 12, 1000 Bruxelles"  # untouched
    # Moved, in the language of the name it keeps.
    peeters = Enterprise.objects.get(number="0456789430")
    assert peeters.name == "Brouwerij Peeters NV"
    assert peeters.address == "Korenmarkt 7, 9000 Gent"
    # New, with its name, address and mandate.
    schmitz = Enterprise.objects.get(number="0712345630")
    assert (schmitz.name, schmitz.name_language, schmitz.municipality) == (
        "Atelier Schmitz GmbH",
        "de",
        "Eupen",
    )
    assert schmitz.mandates.signing().filter(national_number=SCHMITZ).exists()
    # The administrator no longer listed: ended yesterday, still there.
    gone = Mandate.objects.get(enterprise=renard, national_number=SCHMITZ)
    assert gone.end_date == yesterday
    assert renard.mandates.signing().filter(national_number=LUCIE).exists()
    assert "enterprise_delete.csv: 2 read, 0 created, 0 updated, 1 skipped, 1 stopped" in out
    assert "enterprise_insert.csv: 1 read, 1 created, 0 updated" in out
    assert "denomination_insert.csv: 3 read, 1 created, 1 updated, 1 skipped" in out
    assert "mandates_insert.csv: 2 read, 1 created, 1 updated, 0 skipped, 2 ended" in out
    assert "1 registered enterprise(s) stopped by the registry" in out
    assert AuditEvent.objects.filter(action="cbe.import").latest("id").details["update"] is True


@pytest.mark.parametrize("method", METHODS)
def test_the_same_update_twice_changes_nothing_more(
    tmp_path, registered, method, mailoutbox, django_capture_on_commit_callbacks
):
    update_set(tmp_path / "update", "portal", registered)
    with django_capture_on_commit_callbacks(execute=True):
        run_update(tmp_path / "update", "--method", method)
    before = (
        list(Enterprise.objects.order_by("number").values()),
        list(Mandate.objects.order_by("pk").values()),
    )

    with django_capture_on_commit_callbacks(execute=True):
        out = run_update(tmp_path / "update", "--method", method)

    after = (
        list(Enterprise.objects.order_by("number").values()),
        list(Mandate.objects.order_by("pk").values()),
    )
    strip = [{k: v for k, v in row.items() if k != "updated_at"} for part in after for row in part]
    assert strip == [
        {k: v for k, v in row.items() if k != "updated_at"} for part in before for row in part
    ]
    assert AuditEvent.objects.filter(action=STOP).count() == 1
    assert len(mailoutbox) == 1
    assert "registered enterprise(s) stopped" not in out


@pytest.mark.parametrize("method", METHODS)
def test_a_dry_run_of_an_update_writes_nothing(tmp_path, registered, method, mailoutbox):
    update_set(tmp_path / "update", "portal", registered)
    before = list(Enterprise.objects.order_by("number").values())

    out = run_update(tmp_path / "update", "--dry-run", "--method", method)

    assert list(Enterprise.objects.order_by("number").values()) == before
    assert not AuditEvent.objects.filter(action=STOP).exists()
    assert mailoutbox == []
    assert "1 stopped" in out
    assert "Dry run, nothing written" in out


@pytest.mark.parametrize("method", METHODS)
def test_names_deleted_without_new_ones_leave_the_number(tmp_path, registered, method):
    update_set(tmp_path / "update", "names-deleted", registered)

    out = run_update(tmp_path / "update", "--method", method)

    peeters = Enterprise.objects.get(number="0456789430")
    assert peeters.name == "0456.789.430"
    assert peeters.name_language == ""
    assert peeters.street == "Veldstraat"  # the address is another file's
    assert "1 enterprise(s) without a denomination" in out


@pytest.mark.parametrize("method", METHODS)
def test_a_deleted_enterprise_keeps_its_address(tmp_path, registered, method):
    update_set(tmp_path / "update", "addresses-deleted", registered)
    street = registered.enterprise.street

    run_update(tmp_path / "update", "--method", method)

    assert Enterprise.objects.get(number="0403170701").address == ""
    registered.enterprise.refresh_from_db()
    assert registered.enterprise.street == street
    assert registered.enterprise.status == Enterprise.Status.STOPPED


@pytest.mark.parametrize("method", METHODS)
def test_a_registered_enterprise_listed_as_stopped_is_flagged(
    tmp_path, registered, method, mailoutbox, django_capture_on_commit_callbacks
):
    update_set(tmp_path / "update", "registered-listed-stopped", registered)

    with django_capture_on_commit_callbacks(execute=True):
        run_update(tmp_path / "update", "--method", method)

    registered.enterprise.refresh_from_db()
    assert registered.enterprise.registry_stopped_at is not None
    assert AuditEvent.objects.filter(action=STOP, enterprise=registered.enterprise).count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("method", METHODS)
def test_listed_active_again_the_flag_is_cleared_and_a_new_stop_is_told_again(
    tmp_path, registered, method, mailoutbox, django_capture_on_commit_callbacks
):
    number = registered.enterprise.number
    update_set(tmp_path / "stop", "deletions", registered)
    with django_capture_on_commit_callbacks(execute=True):
        run_update(tmp_path / "stop", "--method", method)
    again = tmp_path / "again"
    again.mkdir()
    write_csv(
        again / "enterprise_insert.csv",
        ENTERPRISE_HEADER,
        [[number, "AC", "000", "2", "014", "", ""]],
    )

    run_update(again, "--method", method)

    registered.enterprise.refresh_from_db()
    assert registered.enterprise.is_active
    assert registered.enterprise.registry_stopped_at is None
    with django_capture_on_commit_callbacks(execute=True):
        run_update(tmp_path / "stop", "--method", method)
    assert AuditEvent.objects.filter(action=STOP).count() == 2
    assert len(mailoutbox) == 2


@pytest.mark.parametrize("method", METHODS)
def test_a_full_import_listing_a_registered_enterprise_as_stopped_flags_it(
    tmp_path, method, mailoutbox, django_capture_on_commit_callbacks
):
    chain = build_chain()
    number = chain.enterprise.number
    write_csv(
        tmp_path / "enterprise.csv",
        ENTERPRISE_HEADER,
        [[number, "ST", "000", "2", "014", "", ""]],
    )

    with django_capture_on_commit_callbacks(execute=True):
        out = StringIO()
        call_command("import_cbe", str(tmp_path), "--method", method, stdout=out)

    chain.enterprise.refresh_from_db()
    assert chain.enterprise.registry_stopped_at is not None
    assert [m.to for m in mailoutbox] == [[chain.rae.email]]
    assert "1 registered enterprise(s) stopped by the registry" in out.getvalue()


@pytest.mark.parametrize("method", METHODS)
def test_a_malformed_update_is_reported_and_nothing_is_written(tmp_path, registered, method):
    update_set(tmp_path / "update", "malformed", registered)
    before = list(Enterprise.objects.order_by("number").values())
    err = StringIO()

    with translation.override("en"), pytest.raises(CommandError, match="4 malformed row"):
        call_command(
            "import_cbe",
            str(tmp_path / "update"),
            "--update",
            "--method",
            method,
            stdout=StringIO(),
            stderr=err,
        )

    assert err.getvalue().splitlines() == [
        "enterprise_delete.csv, line 2: “0403.170.702” is not a valid enterprise number "
        "(10 digits, e.g. 0123.456.749).",
        "denomination_insert.csv, line 2: unknown enterprise 0887123495 "
        "(neither in enterprise_insert.csv nor in the registry mirror)",
        "denomination_insert.csv, line 3: unknown TypeOfDenomination “004” (001 to 003)",
        "mandates_insert.csv, line 2: SigningAuthority “maybe” is not true or false",
    ]
    assert list(Enterprise.objects.order_by("number").values()) == before


def test_a_folder_without_update_files_is_refused(tmp_path):
    small_dataset(tmp_path)

    with pytest.raises(CommandError, match="malformed"):
        call_command(
            "import_cbe", str(tmp_path), "--update", stdout=StringIO(), stderr=(err := StringIO())
        )

    assert "no update files" in err.getvalue()


def test_the_contact_centre_sees_the_registered_enterprises_the_registry_stopped(
    tmp_path, registered
):
    update_set(tmp_path / "update", "deletions", registered)
    run_update(tmp_path / "update")
    client = english(signed_in(make_agent()))

    page = client.get(reverse("enterprises:contact_centre")).content.decode()

    listed = page.split('id="stopped-title"')[1]
    assert "1 registered enterprise is listed as stopped by the registry" in listed
    assert "Garage Registered SRL" in listed
    assert dotted(registered.enterprise.number) in listed
    looked_up = client.post(
        reverse("enterprises:contact_centre"),
        {"number": registered.enterprise.number, "reason": "The RAE calls about the e-mail"},
    ).content.decode()
    assert "The registry stopped this registered enterprise on" in looked_up


def test_the_contact_centre_page_says_when_none_is_stopped(db):
    page = (
        english(signed_in(make_agent())).get(reverse("enterprises:contact_centre")).content.decode()
    )

    assert "None: no registered enterprise is listed as stopped by the registry." in page


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
