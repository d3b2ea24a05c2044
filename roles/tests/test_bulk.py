import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from portal.refusals import Refusal
from roles import services
from roles.models import Invitation, InvitationBatch

pytestmark = pytest.mark.django_db


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")


def test_preview_lists_every_row_with_its_errors_then_sends(
    client, gl, eq, mailoutbox, django_capture_on_commit_callbacks
):
    future = (timezone.localdate() + timedelta(days=60)).isoformat()
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    content = (
        "first_name,last_name,email,roles,valid_until,national_number\n"
        f"Marie,Peeters,marie@example.test,dimona-declaration;dimona-consultation,{future},\n"
        "Jan,Janssens,not-an-email,dimona-declaration,,\n"
        "Luc,Leroy,luc@example.test,mandates-manage,,\n"
        f"Eva,Evers,eva@example.test,dmfa-declaration,{past},\n"
        "Tom,Thys,tom@example.test,dmfa-declaration,,12345678901\n"
        "Ann,Aerts,ann@example.test,dmfa-declaration,,\n"
    )
    client.force_login(gl)
    response = client.post(reverse("roles:bulk_upload", args=[eq.pk]), {"file": _csv(content)})
    batch = InvitationBatch.objects.get()
    assert response.status_code == 302
    assert (batch.total_rows, batch.valid_rows, batch.error_rows) == (6, 2, 4)
    assert not Invitation.objects.exists()  # nothing sent before confirmation
    page = client.get(reverse("roles:bulk_preview", args=[eq.pk, batch.pk])).content.decode()
    for name in ["Marie", "Jan", "Luc", "Eva", "Tom", "Ann"]:
        assert name in page
    assert page.count('class="errorlist"') == 4
    # Lines as the spreadsheet numbers them (the header is line 1); roles by their names,
    # an unknown code as written.
    assert [row["line"] for row in InvitationBatch.objects.get().rows] == [2, 3, 4, 5, 6, 7]
    assert "Dimona — déclaration, Dimona — consultation" in page
    assert "mandates-manage" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("roles:bulk_preview", args=[eq.pk, batch.pk]))
    assert response.status_code == 302
    assert Invitation.objects.filter(batch=batch, status="sent").count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["ann@example.test", "marie@example.test"]
    marie = Invitation.objects.get(email="marie@example.test")
    assert marie.roles.count() == 2
    assert marie.valid_until.isoformat() == future
    progress = client.get(
        reverse("roles:bulk_progress", args=[eq.pk, batch.pk]), {"format": "json"}
    ).json()
    assert progress == {
        "total": 2,
        "queued": 0,
        "failed": 0,
        "sent": 2,
        "done": 2,
        "finished": True,
    }
    html = client.get(reverse("roles:bulk_progress", args=[eq.pk, batch.pk])).content.decode()
    assert "<progress" in html and "roles/progress.js" in html
    # Confirming twice does not send twice.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roles:bulk_preview", args=[eq.pk, batch.pk]))
    assert Invitation.objects.count() == 2


def test_a_file_that_is_not_csv_is_explained(client, gl, eq):
    client.force_login(gl)
    response = client.post(
        reverse("roles:bulk_upload", args=[eq.pk]),
        {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00garbage")},
    )
    assert response.status_code == 200
    assert not InvitationBatch.objects.exists()


def test_ten_thousand_rows(gl, eq, django_capture_on_commit_callbacks, mailoutbox, settings):
    rows = "\n".join(f"P{i},N{i},p{i}@example.test,dimona-declaration,," for i in range(10000))
    upload = io.BytesIO(rows.encode())
    upload.name = "big.csv"
    batch = services.batch_parse(actor=gl, enterprise_quality=eq, uploaded=upload)
    assert batch.valid_rows == 10000
    # Sending is the worker's job: here we check the bulk write and the chunked outbox.
    from unittest import mock

    from portal.models import OutboxMessage

    with mock.patch("portal.outbox.publish"), django_capture_on_commit_callbacks(execute=False):
        count = services.batch_confirm(actor=gl, batch=batch)
    assert count == 10000
    assert Invitation.objects.filter(batch=batch, status="queued").count() == 10000
    assert Invitation.roles.through.objects.filter(invitation__batch=batch).count() == 10000
    assert OutboxMessage.objects.filter(task_name="roles.send_invitations").count() == 50


def test_the_example_file_goes_through_the_preview_without_errors(client, gl, eq, other_eq):
    client.force_login(gl)
    response = client.get(reverse("roles:bulk_example", args=[eq.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response).decode()
    assert content.splitlines()[0] == '"' + '","'.join(services.CSV_COLUMNS) + '"'
    upload = io.BytesIO(content.encode())
    upload.name = "example.csv"
    batch = services.batch_parse(actor=gl, enterprise_quality=eq, uploaded=upload)
    assert (batch.total_rows, batch.valid_rows) == (2, 2)
    # Another enterprise's quality: not this manager's.
    assert client.get(reverse("roles:bulk_example", args=[other_eq.pk])).status_code == 404


def test_the_example_file_of_a_quality_without_roles_still_has_its_columns(client, gl, eq):
    from roles.models import Role

    Role.objects.filter(application__quality=eq.quality).update(is_available=False)
    client.force_login(gl)
    response = client.get(reverse("roles:bulk_example", args=[eq.pk]))
    assert response.status_code == 200
    content = b"".join(response).decode()
    assert content.splitlines()[0] == '"' + '","'.join(services.CSV_COLUMNS) + '"'


def test_a_person_already_invited_to_the_same_roles_is_flagged_and_not_invited_again(
    gl, eq, dimona, dimona_read, django_capture_on_commit_callbacks
):
    """The invitation form's rule (an open invitation to the same roles is resent, not
    doubled) holds for the CSV upload: its preview flags the row, its confirmation refuses
    a row invited meanwhile (by another batch or the form)."""
    line = "Kim,Back,kim@example.test,dimona-declaration,,\n"
    first = services.batch_parse(actor=gl, enterprise_quality=eq, uploaded=_csv(line))
    second = services.batch_parse(actor=gl, enterprise_quality=eq, uploaded=_csv(line))
    assert first.valid_rows == second.valid_rows == 1
    with django_capture_on_commit_callbacks(execute=False):
        assert services.batch_confirm(actor=gl, batch=first) == 1
    with pytest.raises(Refusal) as refused:
        services.batch_confirm(actor=gl, batch=second)
    assert "kim@example.test" in str(refused.value.message)
    third = services.batch_parse(actor=gl, enterprise_quality=eq, uploaded=_csv(line))
    assert third.valid_rows == 0
    assert "kim@example.test" in third.rows[0]["errors"][0]
    assert Invitation.objects.filter(email="kim@example.test").count() == 1
    # Other roles for the same person are a new invitation, as in the form.
    other = services.batch_parse(
        actor=gl,
        enterprise_quality=eq,
        uploaded=_csv("Kim,Back,kim@example.test,dimona-consultation,,\n"),
    )
    assert other.valid_rows == 1, other.rows


@pytest.mark.parametrize(
    "header", ["", "first_name,last_name,email,roles,valid_until,national_number\n"]
)
def test_a_row_with_more_cells_than_the_columns_is_flagged(gl, eq, dimona, header):
    text = f"{header}Kim,Back,kim@example.test,dimona-declaration,,{',junk' * 94}\n"
    text += "Lou,Back,lou@example.test,dimona-declaration,,,,\n"  # empty cells past the end
    with translation.override("en"):
        batch = services.batch_parse(actor=gl, enterprise_quality=eq, uploaded=_csv(text))
    flagged, plain = batch.rows
    assert "This row has more cells than the columns of the file." in flagged["errors"]
    assert plain["errors"] == []
