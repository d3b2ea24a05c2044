"""Thin views: decorators, loader, form, service, message, redirect."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enterprises.permissions import (
    enterprise_mandates_for_user,
    mandate_action_for_user,
    mandate_for_user,
)
from mandates import rules, selectors, services
from mandates.forms import ActionForm, MandateFilterForm, ProposeForm, TransferForm
from portal import submissions
from portal.refusals import Refusal, show_refusal
from portal.text import csv_cell
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


class _Echo:
    def write(self, value):
        return value


@login_required
@require_GET
def mandate_export(request, number: str):
    enterprise, _access = enterprise_mandates_for_user(request.user, number)
    _form, side, queryset = _filtered(request, enterprise)
    writer = csv.writer(_Echo())
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
