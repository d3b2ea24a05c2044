"""Thin views: decorators, loader, form, service, message, redirect."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enterprises.permissions import (
    enterprise_mandates_for_user,
    mandate_action_for_user,
    mandate_for_user,
)
from mandates import bulk_csv, rules, selectors, services
from mandates.forms import (
    ActionForm,
    MandateFilterForm,
    ProposalUploadForm,
    ProposeForm,
    TransferForm,
    ValidateManyForm,
)
from mandates.models import ProposalRow
from mandates.permissions import proposal_batch_for_user
from portal import submissions
from portal.refusals import Refusal, show_refusal
from portal.text import csv_cell, csv_export_writer
from roles.paging import TwoEndedPaginator

PAGE_SIZE = 25
HOME_PAGE_SIZE = 30
HELP = "rae-mandates"
Side = rules.Side


def _detail(mandate, access):
    return redirect("mandates:detail", number=access.enterprise.number, pk=mandate.pk)


@login_required
@require_GET
def home(request):
    """The enterprises whose mandates the person manages: the wizard's way in."""
    page = Paginator(selectors.managed_enterprises(request.user), HOME_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "mandates/home.html", {"page": page, "help_slug": HELP})


def _filtered(request, enterprise):
    form = MandateFilterForm(request.GET or None)
    side = form.chosen_side()
    return (
        form,
        side,
        selectors.mandates_for_enterprise(enterprise, side=side, params=form.params()),
    )


@login_required
@require_GET
def mandate_list(request, number: str):
    enterprise, _access = enterprise_mandates_for_user(request.user, number)
    form, side, queryset = _filtered(request, enterprise)
    page = TwoEndedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mandates/list.html",
        {
            "enterprise": enterprise,
            "form": form,
            "side": side.value,
            "as_client": side is Side.MANDATOR,
            "page": page,
            "help_slug": HELP,
        },
    )


@login_required
@require_GET
def mandate_export(request, number: str):
    enterprise, _access = enterprise_mandates_for_user(request.user, number)
    _form, side, queryset = _filtered(request, enterprise)
    writer = csv_export_writer()
    other = gettext("Provider") if side is Side.MANDATOR else gettext("Client")
    header = [
        f"{other}: " + gettext("Enterprise number"),
        f"{other}: " + gettext("Name"),
        gettext("Applications"),
        gettext("State"),
        gettext("Start date"),
        gettext("End date"),
        gettext("Proposed by"),
    ]

    def rows():
        yield writer.writerow(header)
        for mandate in queryset.iterator(chunk_size=2000):
            party = mandate.mandatary if side is Side.MANDATOR else mandate.mandator
            yield writer.writerow(
                [
                    party.number_display,
                    csv_cell(party.name),
                    csv_cell(mandate.group.name),
                    mandate.get_state_display(),
                    mandate.start_date.isoformat(),
                    mandate.end_date.isoformat() if mandate.end_date else "",
                    mandate.get_proposed_by_side_display(),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="mandates-{enterprise.number}-{side.value}.csv"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def propose(request, number: str):
    enterprise, _access = enterprise_mandates_for_user(request.user, number)
    form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mandate = services.mandate_propose(
                actor=request.user,
                enterprise=enterprise,
                side=data["side"],
                other=data["other"],
                group=data["group"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                submission_key=data["submission_key"],
            )
        except submissions.AlreadySubmitted:
            return submissions.already_sent(request, "mandates:list", number=enterprise.number)
        except Refusal as exc:
            show_refusal(request, exc, form=form)
        else:
            messages.success(
                request,
                _("The mandate is proposed: the access managers of %(name)s validate or refuse it.")
                % {"name": mandate.other(mandate.side_of(enterprise)).name},
            )
            return redirect("mandates:detail", number=enterprise.number, pk=mandate.pk)
    return render(
        request,
        "mandates/propose.html",
        {"enterprise": enterprise, "form": form, "help_slug": HELP},
    )


@login_required
@require_GET
def detail(request, number: str, pk: int):
    mandate, access = mandate_for_user(request.user, number, pk)
    side = access.mandate_side(mandate)
    # The client sees who acts for it through this provider (names and roles held under the
    # mandate now, never who in the provider gave them); the provider, how many of its
    # people hold roles under it.
    acting = staff = None
    if side is Side.MANDATOR:
        acting = TwoEndedPaginator(selectors.acting_for(mandate), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    else:
        staff = selectors.staff_under(mandate)
    return render(
        request,
        "mandates/detail.html",
        {
            "enterprise": access.enterprise,
            "mandate": mandate,
            "side": side.value,
            "other": mandate.other(side),
            "actions": access.mandate_actions(mandate),
            "action_form": ActionForm(),
            "history": selectors.mandate_history(mandate),
            "transfers": selectors.pending_transfers(mandate),
            "page": acting,
            "staff_count": staff,
            "help_slug": HELP,
        },
    )


def _act(request, number, pk, action, service, done):
    """A button: the loader checks the side and the state, the service acts once."""
    if submissions.repeated(request):  # Back and submit again: the state moved on already
        return submissions.already_sent(request, "mandates:detail", number=number, pk=pk)
    mandate, access = mandate_action_for_user(request.user, number, pk, action)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            service(
                actor=request.user,
                mandate=mandate,
                enterprise=access.enterprise,
                submission_key=form.cleaned_data["submission_key"],
            )
        except submissions.AlreadySubmitted:
            return submissions.already_sent(request, "mandates:detail", number=number, pk=pk)
        except Refusal as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, done)
    else:
        messages.error(request, " ".join(form.non_field_errors()))
    return _detail(mandate, access)


@login_required
@require_POST
def validate(request, number: str, pk: int):
    return _act(
        request, number, pk, "validate", services.mandate_validate, _("The mandate is active.")
    )


@login_required
@require_POST
def refuse(request, number: str, pk: int):
    return _act(
        request, number, pk, "refuse", services.mandate_refuse, _("The proposal is refused.")
    )


@login_required
@require_POST
def end(request, number: str, pk: int):
    return _act(request, number, pk, "end", services.mandate_end, _("The mandate has ended."))


@login_required
@require_http_methods(["GET", "POST"])
def transfer(request, number: str, pk: int):
    if submissions.repeated(request):
        return submissions.already_sent(request, "mandates:detail", number=number, pk=pk)
    mandate, access = mandate_action_for_user(request.user, number, pk, "transfer")
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.mandate_transfer(
                actor=request.user,
                mandate=mandate,
                enterprise=access.enterprise,
                new_mandatary=form.cleaned_data["other"],
                start_date=form.cleaned_data["start_date"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except submissions.AlreadySubmitted:
            return submissions.already_sent(request, "mandates:detail", number=number, pk=pk)
        except Refusal as exc:
            show_refusal(request, exc, form=form)
        else:
            messages.success(
                request,
                _(
                    "The transfer is proposed: when %(name)s validates it, the current mandate "
                    "ends the day before."
                )
                % {"name": proposal.mandatary.name},
            )
            return _detail(proposal, access)
    return render(
        request,
        "mandates/transfer.html",
        {"enterprise": access.enterprise, "mandate": mandate, "form": form, "help_slug": HELP},
    )


# --- A file of proposals ----------------------------------------------------------------------

BATCH_PAGE_SIZE = 200


@login_required
@require_http_methods(["GET", "POST"])
def bulk_upload(request, number: str):
    enterprise, _access = enterprise_mandates_for_user(request.user, number)
    form = ProposalUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.proposal_batch_parse(
                actor=request.user,
                enterprise=enterprise,
                uploaded=form.cleaned_data["file"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except submissions.AlreadySubmitted as exc:
            if "batch" in exc.result:
                return submissions.already_sent(
                    request,
                    "mandates:bulk_preview",
                    number=enterprise.number,
                    pk=exc.result["batch"],
                )
            return submissions.already_sent(
                request, "mandates:bulk_upload", number=enterprise.number
            )
        except Refusal as exc:
            show_refusal(request, exc, form=form, field="file")
        else:
            return redirect("mandates:bulk_preview", number=enterprise.number, pk=batch.pk)
    return render(
        request,
        "mandates/bulk_upload.html",
        {
            "enterprise": enterprise,
            "form": form,
            "groups": selectors.groups(),
            "max_rows": bulk_csv.MAX_ROWS,
            "help_slug": HELP,
        },
    )


@login_required
@require_GET
def bulk_example(request, number: str):
    """A file to start from: the columns and two rows with the catalogue's groups."""
    enterprise_mandates_for_user(request.user, number)  # the access check: 404 or 403
    codes = [group.code for group in selectors.groups()[:2]] or [""]
    start = rules.next_quarter_start(timezone.localdate())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mandate-proposals-example.csv"'
    writer = csv.writer(response, delimiter=";")
    writer.writerow(bulk_csv.COLUMNS)
    writer.writerow(["0123.456.749", codes[0], start.isoformat(), ""])
    writer.writerow(
        ["0987.654.321", codes[-1], start.isoformat(), rules.quarter_end(start).isoformat()]
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def bulk_preview(request, number: str, pk: int):
    batch, access = proposal_batch_for_user(request.user, number, pk)
    form = ActionForm(request.POST if request.method == "POST" else None)
    if submissions.repeated(request):  # the file is no longer a draft
        return submissions.already_sent(request, "mandates:bulk_progress", number=number, pk=pk)
    if not batch.is_draft:
        return redirect("mandates:bulk_progress", number=number, pk=pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_batch_confirm(
                actor=request.user, batch=batch, submission_key=form.cleaned_data["submission_key"]
            )
        except submissions.AlreadySubmitted:
            return submissions.already_sent(request, "mandates:bulk_progress", number=number, pk=pk)
        except Refusal as exc:
            show_refusal(request, exc)
            return redirect("mandates:bulk_preview", number=number, pk=pk)
        return redirect("mandates:bulk_progress", number=number, pk=pk)
    only_errors = request.GET.get("errors") == "1"
    rows = selectors.batch_rows(
        batch, statuses=[ProposalRow.Status.INVALID] if only_errors else None
    )
    page = Paginator(rows, BATCH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mandates/bulk_preview.html",
        {
            "enterprise": access.enterprise,
            "batch": batch,
            "page": page,
            "only_errors": only_errors,
            "confirm_form": form,
            "help_slug": HELP,
        },
    )


@login_required
@require_GET
def bulk_progress(request, number: str, pk: int):
    """The work's real counts, read from the rows; the page reloads itself (a meta refresh,
    no JavaScript) until the work is finished, and lists the refused rows with the reason."""
    batch, access = proposal_batch_for_user(request.user, number, pk)
    progress = selectors.batch_progress(batch)
    refused = selectors.batch_rows(batch, statuses=[ProposalRow.Status.REFUSED])
    page = Paginator(refused, BATCH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mandates/bulk_progress.html",
        {
            "enterprise": access.enterprise,
            "batch": batch,
            "progress": progress,
            "page": page,
            "refresh": batch.is_draft is False and not progress["finished"],
            "help_slug": HELP,
        },
    )


# --- The proposals waiting for this enterprise's answer ---------------------------------------


@login_required
@require_GET
def waiting(request, number: str):
    enterprise, _access = enterprise_mandates_for_user(request.user, number)
    page = TwoEndedPaginator(selectors.awaiting_answer(enterprise), PAGE_SIZE * 4).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "mandates/waiting.html",
        {
            "enterprise": enterprise,
            "page": page,
            "form": ValidateManyForm(),
            "limit": rules.VALIDATE_MANY_LIMIT,
            "help_slug": HELP,
        },
    )


@login_required
@require_POST
def validate_many(request, number: str):
    """Validate the chosen proposals, or all (up to the limit): one service call per
    mandate, each its own transaction; the page says what was validated and what was
    refused, and why."""
    enterprise, _access = enterprise_mandates_for_user(request.user, number)
    form = ValidateManyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("mandates:waiting", number=enterprise.number)
    chosen = selectors.awaiting_answer(enterprise, ids=form.cleaned_data["ids"])
    mandates = list(chosen[: rules.VALIDATE_MANY_LIMIT])
    try:
        validated, refused = services.mandates_validate_many(
            actor=request.user,
            enterprise=enterprise,
            mandates=mandates,
            submission_key=form.cleaned_data["submission_key"],
        )
    except submissions.AlreadySubmitted:
        return submissions.already_sent(request, "mandates:waiting", number=enterprise.number)
    asked = form.cleaned_data["ids"]
    return render(
        request,
        "mandates/validated.html",
        {
            "enterprise": enterprise,
            "validated": validated,
            "refused": refused,
            # Chosen ids that wait no more (answered meanwhile, or not this enterprise's).
            "gone": len(asked) - len(mandates) if asked is not None else 0,
            "still_waiting": selectors.awaiting_answer(enterprise).count(),
            "help_slug": HELP,
        },
    )
