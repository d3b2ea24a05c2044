"""A provider's file of mandate proposals (preview with each row's errors, the work in
Celery by chunks, idempotent, its progress) and a client validating many proposals at once."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from enterprises.tests.factories import EnterpriseFactory
from mandates import bulk_csv, rules, services, tasks
from mandates.models import ClientMandate, ProposalBatch, ProposalRow
from portal.models import Action, AuditEvent, OutboxMessage
from portal.refusals import Refusal
from roles.models import ApplicationGroup
from tests.personas import mandate_between, proposal_file, register, run_on_commit, signed_in
from tests.security_helpers import snapshot

pytestmark = pytest.mark.django_db
Status = ProposalRow.Status


def _client():
    enterprise = EnterpriseFactory()
    register(enterprise)
    return enterprise


def _errors(batch) -> dict[int, list[str]]:
    return {row.line: row.errors for row in batch.rows.order_by("line")}


def _upload(rows: list[str], name="proposals.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join(rows).encode())


def test_the_preview_checks_every_row_with_the_proposal_rules(
    client_chain, provider, other_provider, next_quarter
):
    tomorrow = timezone.localdate() + timedelta(days=1)
    ok, waiting = _client(), _client()
    unregistered = EnterpriseFactory()
    unknown = EnterpriseFactory.build()  # a valid number the registry does not know
    # In the way: the client already gives the declarations to another provider, and the
    # provider already proposed itself for `waiting`'s e-Box.
    mandate_between(
        client_chain, other_provider, group="social-security-declarations", start=next_quarter
    )
    services.mandate_propose(
        actor=provider.rae,
        enterprise=provider.enterprise,
        side=rules.Side.MANDATARY,
        other=waiting,
        group=ApplicationGroup.objects.get(code="ebox"),
        start_date=tomorrow,
    )
    lines = [
        "numéro d'entreprise;groupe;début;fin",  # a French header
        f"{ok.number};ebox;{tomorrow};",  # 2: valid
        f"{unknown.number};ebox;{tomorrow};",  # 3: unknown to the registry
        "123;ebox;2030-01-01;",  # 4: not a number
        f"{unregistered.number};ebox;{tomorrow};",  # 5: not registered
        f"{ok.number};nope;{tomorrow};",  # 6: unknown group
        f"{_client().number};social-security-declarations;{next_quarter + timedelta(1)};",  # 7
        f"{client_chain.enterprise.number};social-security-declarations;{next_quarter};",  # 8
        f"{waiting.number};ebox;{tomorrow};",  # 9: already proposed
        f"{ok.number};ebox;{tomorrow};",  # 10: duplicate of line 2
        f"{provider.enterprise.number};ebox;{tomorrow};",  # 11: itself
        f"{ok.number};ebox;tomorrow;",  # 12: not a date
    ]
    with translation.override("en"):
        batch = services.proposal_batch_parse(
            actor=provider.rae, enterprise=provider.enterprise, uploaded=_upload(lines)
        )
    errors = _errors(batch)
    assert errors[2] == []
    assert "known to the registry" in errors[3][0]
    assert "not a valid enterprise number" in errors[4][0]
    assert "not registered on the portal" in errors[5][0]
    assert "“nope”" in errors[6][0]
    assert "follows quarters" in errors[7][0]
    assert "periods overlap" in errors[8][0] and other_provider.enterprise.name in errors[8][0]
    assert "already proposed" in errors[9][0]
    assert "Line 2 already proposes" in errors[10][0]
    assert "to itself" in errors[11][0]
    assert "not a date" in errors[12][0]
    assert (batch.total_rows, batch.valid_rows, batch.error_rows) == (11, 1, 10)
    assert batch.status == ProposalBatch.Status.DRAFT
    assert not ClientMandate.objects.filter(mandator=ok).exists()  # nothing proposed yet
    event = AuditEvent.objects.get(action=Action.MANDATE_BATCH_UPLOADED)
    assert event.details == {"rows": 11, "errors": 10}


def test_a_provider_without_the_quality_sees_it_on_every_row(client_chain, next_quarter):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with translation.override("en"):
        batch = services.proposal_batch_parse(
            actor=client_chain.rae,
            enterprise=client_chain.enterprise,  # an employer, no secretariat quality
            uploaded=_upload([f"{_client().number};ebox;{tomorrow};"]),
        )
        [row] = batch.rows.all()
        assert row.status == Status.INVALID
        assert "has not activated a quality" in row.errors[0]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("0123\x00456749", "U+0000"),
        ("x" * 300, "at most"),
        ("\u202e0123456749", "U+202E"),
    ],
    ids=["nul", "300-chars", "rtl-override"],
)
def test_hostile_cells_are_refused_in_their_row_and_shown_printable(provider, cell, message):
    with translation.override("en"):
        batch = services.proposal_batch_parse(
            actor=provider.rae,
            enterprise=provider.enterprise,
            uploaded=_upload([f"{cell};ebox;2030-01-01;"]),
        )
    [row] = batch.rows.all()
    assert row.status == Status.INVALID
    assert any(message in error for error in row.errors), row.errors
    assert "\x00" not in row.number and "\u202e" not in row.number
    assert len(row.number) <= bulk_csv.LIMITS["number"] + 1


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "file is empty"),
        (b"\n\n;;;\n", "contains no rows"),
        (b"\xff\xfe\x00\x01\x02", "could not be read as text"),
        (b"\x00\x00\x00\x00a\x00", "could not be read as text"),
        (
            ("0123456749;ebox;2030-01-01;\n" * (bulk_csv.MAX_ROWS + 1)).encode(),
            f"at most {bulk_csv.MAX_ROWS}",
        ),
        (b"number;group;colour\n0123456749;ebox;blue\n", "does not know"),
    ],
    ids=["empty", "only-blank-lines", "wrong-encoding", "binary", "too-many-rows", "header"],
)
def test_bad_files_get_a_translated_error_and_nothing_is_written(provider, raw, message):
    browser = signed_in(provider.rae)
    url = reverse("mandates:bulk_upload", args=[provider.enterprise.number])
    before = snapshot()
    response = browser.post(
        url,
        {"file": SimpleUploadedFile("p.csv", raw)},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == before
    assert not ProposalBatch.objects.exists()


def test_the_row_limit_is_said_in_french_too(provider):
    raw = ("0123456749;ebox;2030-01-01;\n" * (bulk_csv.MAX_ROWS + 1)).encode()
    with translation.override("fr"), pytest.raises(Refusal) as caught:
        bulk_csv.read(raw)
    assert str(bulk_csv.MAX_ROWS) in str(caught.value.messages[0])
    assert "lignes" in str(caught.value.messages[0])


def test_a_bom_and_commas_are_read_like_the_roles_file(provider):
    tomorrow = timezone.localdate() + timedelta(days=1)
    client = _client()
    raw = "\ufeffNumber,Group,Start date,End date\r\n".encode() + (
        f"{client.number},ebox,{tomorrow.strftime('%d/%m/%Y')},\r\n".encode()
    )
    batch = services.proposal_batch_parse(
        actor=provider.rae,
        enterprise=provider.enterprise,
        uploaded=SimpleUploadedFile("p.csv", raw),
    )
    [row] = batch.rows.all()
    assert row.errors == [] and row.client == client and row.start_date == tomorrow


def _batch(provider, clients, start=None):
    start = start or timezone.localdate() + timedelta(days=1)
    return proposal_file(provider, [f"{c.number};ebox;{start};" for c in clients])


def test_confirming_runs_the_work_through_the_outbox_in_chunks(provider, monkeypatch):
    monkeypatch.setattr(services, "BATCH_CHUNK", 2)
    clients = [_client() for _ in range(5)]
    batch = _batch(provider, clients)
    run_on_commit(lambda: services.proposal_batch_confirm(actor=provider.rae, batch=batch))
    batch.refresh_from_db()
    assert batch.status == ProposalBatch.Status.DONE and batch.finished_at
    assert set(batch.rows.values_list("status", flat=True)) == {Status.PROPOSED}
    mandates = ClientMandate.objects.filter(mandatary=provider.enterprise, mandator__in=clients)
    assert mandates.count() == 5
    assert set(mandates.values_list("state", "proposed_by_side")) == {("proposed", "mandatary")}
    # Three runs of two, two and one rows, each queued by name through the outbox.
    runs = OutboxMessage.objects.filter(task_name="mandates.run_proposal_batch")
    assert runs.count() == 3
    proposed = AuditEvent.objects.filter(action=Action.MANDATE_PROPOSED, actor=provider.rae)
    assert proposed.count() == 5
    finished = AuditEvent.objects.get(action=Action.MANDATE_BATCH_FINISHED)
    assert finished.details == {"proposed": 5, "refused": 0}
    assert AuditEvent.objects.filter(action=Action.MANDATE_BATCH_CONFIRMED).count() == 1


def test_a_row_the_rules_refuse_at_run_time_says_why_and_the_others_go_on(provider, other_provider):
    tomorrow = timezone.localdate() + timedelta(days=1)
    clients = [_client() for _ in range(3)]
    batch = _batch(provider, clients, start=tomorrow)
    # Between the preview and the work, the second client gives the e-Box to another provider.
    taken = clients[1]
    services.mandate_validate(
        actor=other_provider.rae,
        mandate=services.mandate_propose(
            actor=_rae_of(taken),
            enterprise=taken,
            side=rules.Side.MANDATOR,
            other=other_provider.enterprise,
            group=ApplicationGroup.objects.get(code="ebox"),
            start_date=tomorrow,
        ),
        enterprise=other_provider.enterprise,
    )
    provider.rae.language = "fr"
    provider.rae.save()
    with translation.override("en"):  # the worker's language is not the sender's
        services.proposal_batch_confirm(actor=provider.rae, batch=batch)
        tasks.run_proposal_batch(batch.pk)
    rows = list(batch.rows.order_by("line"))
    assert [r.status for r in rows] == [Status.PROPOSED, Status.REFUSED, Status.PROPOSED]
    # The reason in the words of the person who sent the file.
    assert rows[1].mandate is None and "les périodes se chevauchent" in rows[1].refusal
    assert not ClientMandate.objects.filter(mandator=taken, mandatary=provider.enterprise).exists()
    assert selectors_progress(batch) == {
        "total": 3,
        "done": 3,
        "proposed": 2,
        "refused": 1,
        "waiting": 0,
        "invalid": 0,
        "finished": True,
    }


def selectors_progress(batch):
    from mandates import selectors

    batch.refresh_from_db()
    return selectors.batch_progress(batch)


def _rae_of(enterprise):
    from enterprises.models import Designation

    return Designation.objects.get(enterprise=enterprise, kind="rae", status="active").person


def test_the_task_run_twice_proposes_each_row_once(provider):
    clients = [_client() for _ in range(3)]
    batch = _batch(provider, clients)
    services.proposal_batch_confirm(actor=provider.rae, batch=batch)  # the task not run yet
    tasks.run_proposal_batch(batch.pk)
    after_first = snapshot()
    # A redelivered message, and a row put back as if a copy had crashed before its save.
    assert tasks.run_proposal_batch(batch.pk) == 0
    assert snapshot() == after_first
    assert ClientMandate.objects.filter(mandatary=provider.enterprise).count() == 3


def test_two_copies_of_a_chunk_skip_the_rows_the_other_did(provider):
    clients = [_client() for _ in range(4)]
    batch = _batch(provider, clients)
    services.proposal_batch_confirm(actor=provider.rae, batch=batch)
    assert services.proposal_batch_run(batch_id=batch.pk, chunk=2) == 2
    # The second copy read the same ids before the first saved them: it proposes nothing
    # twice, only the rows still pending.
    assert services.proposal_batch_run(batch_id=batch.pk, chunk=4) == 0
    assert ClientMandate.objects.filter(mandatary=provider.enterprise).count() == 4
    assert AuditEvent.objects.filter(action=Action.MANDATE_BATCH_FINISHED).count() == 1


def test_a_draft_is_confirmed_once(provider):
    batch = _batch(provider, [_client()])
    services.proposal_batch_confirm(actor=provider.rae, batch=batch)
    with pytest.raises(Refusal):
        services.proposal_batch_confirm(actor=provider.rae, batch=batch)
    assert AuditEvent.objects.filter(action=Action.MANDATE_BATCH_CONFIRMED).count() == 1


def test_a_file_without_a_valid_row_cannot_be_confirmed(provider):
    batch = proposal_file(provider, ["0123456749;nope;2030-01-01;"])
    before = snapshot()
    with pytest.raises(Refusal):
        services.proposal_batch_confirm(actor=provider.rae, batch=batch)
    assert snapshot() == before


def test_the_pages_from_upload_to_progress_without_javascript(provider):
    clients = [_client() for _ in range(2)]
    browser = signed_in(provider.rae)
    number = provider.enterprise.number
    example = browser.get(reverse("mandates:bulk_example", args=[number]))
    assert example.status_code == 200
    assert example.content.decode().splitlines()[0] == ";".join(bulk_csv.COLUMNS)
    tomorrow = timezone.localdate() + timedelta(days=1)
    upload = _upload([f"{c.number};ebox;{tomorrow};" for c in clients] + ["x;y;z;"])
    response = browser.post(
        reverse("mandates:bulk_upload", args=[number]),
        {"file": upload},
        headers={"accept-language": "en"},
    )
    batch = ProposalBatch.objects.get()
    preview = reverse("mandates:bulk_preview", args=[number, batch.pk])
    assert response.status_code == 302 and response.url == preview
    page = browser.get(preview, headers={"accept-language": "en"}).content.decode()
    assert "3 rows: 2 ready, 1 with errors" in page
    assert "Propose 2 mandates" in page
    only_errors = browser.get(preview, {"errors": "1"}).context["page"]
    assert [row.line for row in only_errors] == [3]
    progress_url = reverse("mandates:bulk_progress", args=[number, batch.pk])
    # Confirmed but not worked yet (the task has not run): the page reloads itself.
    services.proposal_batch_confirm(actor=provider.rae, batch=batch)
    waiting = browser.get(progress_url)
    assert waiting.context["progress"]["waiting"] == 2
    assert '<meta http-equiv="refresh"' in waiting.content.decode()
    # Once confirmed, the preview sends to the progress page.
    assert browser.get(preview).url == progress_url
    tasks.run_proposal_batch(batch.pk)
    done = browser.get(progress_url, headers={"accept-language": "en"})
    assert done.context["progress"]["proposed"] == 2
    assert '<meta http-equiv="refresh"' not in done.content.decode()
    assert 'data-count="done">2<' in done.content.decode()


def test_another_enterprises_file_is_404(provider, other_provider):
    batch = _batch(provider, [_client()])
    browser = signed_in(other_provider.rae)
    for name in ("mandates:bulk_preview", "mandates:bulk_progress"):
        url = reverse(name, args=[other_provider.enterprise.number, batch.pk])
        assert browser.get(url).status_code == 404


# --- Validating many at once ---------------------------------------------------------------


def _offer(provider, client, *, start=None):
    """The provider's RAE proposes itself to the client for the e-Box."""
    return services.mandate_propose(
        actor=provider.rae,
        enterprise=provider.enterprise,
        side=rules.Side.MANDATARY,
        other=client.enterprise,
        group=ApplicationGroup.objects.get(code="ebox"),
        start_date=start or timezone.localdate() + timedelta(days=1),
    )


def test_validate_all_validates_each_in_its_own_transaction_and_says_what_was_refused(
    client_chain, provider, other_provider
):
    first = _offer(provider, client_chain)
    second = _offer(other_provider, client_chain)  # the same days: only one can hold them
    browser = signed_in(client_chain.rae)
    number = client_chain.enterprise.number
    listed = browser.get(reverse("mandates:waiting", args=[number]))
    assert list(listed.context["page"]) == [first, second]
    response = browser.post(
        reverse("mandates:validate_many", args=[number]),
        {"scope": "all", "submission_key": "k" * 20},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert response.context["validated"] == [first]
    [(refused, reason)] = response.context["refused"]
    assert refused == second and "overlap" in reason
    assert "1 mandate validated and active." in response.content.decode()
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.state, second.state) == ("active", "proposed")
    assert AuditEvent.objects.filter(action=Action.MANDATE_VALIDATED).count() == 1
    # The same page sent again validates nothing twice.
    again = browser.post(
        reverse("mandates:validate_many", args=[number]),
        {"scope": "all", "submission_key": "k" * 20},
    )
    assert again.status_code == 302
    assert AuditEvent.objects.filter(action=Action.MANDATE_VALIDATED).count() == 1


def test_validate_the_selected_only_and_ignore_others_ids(
    client_chain, provider, other_provider, ebox
):
    chosen = _offer(provider, client_chain)
    _offer(other_provider, client_chain, start=timezone.localdate() + timedelta(days=400))
    stranger = mandate_between(
        provider, other_provider, group="ebox", start=timezone.localdate(), active=False
    )
    browser = signed_in(client_chain.rae)
    response = browser.post(
        reverse("mandates:validate_many", args=[client_chain.enterprise.number]),
        {"scope": "selected", "mandate": [chosen.pk, stranger.pk]},
    )
    assert response.context["validated"] == [chosen]
    assert response.context["gone"] == 1
    assert response.context["still_waiting"] == 1
    stranger.refresh_from_db()
    assert stranger.state == "proposed"


def test_ones_own_proposal_is_not_validated_by_oneself(client_chain, provider):
    # An access manager of both enterprises proposed: they cannot agree with themself.
    mine = _offer(provider, client_chain)
    ClientMandate.objects.filter(pk=mine.pk).update(proposed_by=client_chain.rae)
    validated, refused = services.mandates_validate_many(
        actor=client_chain.rae, enterprise=client_chain.enterprise, mandates=[mine]
    )
    assert validated == [] and len(refused) == 1
    mine.refresh_from_db()
    assert mine.state == "proposed"


@pytest.mark.parametrize(
    "data",
    [{"scope": "selected"}, {"scope": "selected", "mandate": ["x\x00"]}, {"scope": "\u202e"}],
    ids=["nothing-chosen", "nul-id", "rtl-scope"],
)
def test_bad_choices_get_a_message_not_a_500(client_chain, provider, data):
    _offer(provider, client_chain)
    browser = signed_in(client_chain.rae)
    before = snapshot()
    response = browser.post(
        reverse("mandates:validate_many", args=[client_chain.enterprise.number]), data
    )
    assert response.status_code == 302
    assert snapshot() == before


@pytest.mark.parametrize("header", ["", "number;group;start_date;end_date\n"])
def test_a_row_with_more_cells_than_the_columns_is_flagged(header):
    """With or without a header, cells past the file's columns are an error on their row,
    never dropped unseen."""
    raw = f"{header}0123456749;ebox;2030-01-01;;{';junk' * 90}\n0123456749;ebox;2030-01-01;\n"
    with translation.override("en"):
        flagged, plain = bulk_csv.read(raw.encode())
    assert "This row has more cells than the columns of the file." in flagged.errors
    assert "This row has more cells than the columns of the file." not in plain.errors
