"""Views: loader, form, service, message, redirect. No ORM writes here."""

import csv
from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mandates import selectors as mandate_selectors
from portal import submissions
from portal.permissions import Refused
from portal.refusals import RateLimited, Refusal, refusal_text, show_refusal
from portal.text import csv_cell, csv_export_writer
from roles import permissions, selectors, services
from roles.forms import (
    AccessLinkForm,
    AttributionFilterForm,
    BatchConfirmForm,
    BulkUploadForm,
    ClientFilterForm,
    DirectAttributionForm,
    EmailChangeForm,
    InvitationForm,
)
from roles.models import AccessRequest, Invitation, InvitationBatch
from roles.paging import TwoEndedPaginator
from roles.permissions import (
    invitation_for_token,
    invitation_not_for,
    managed_quality_for_user,
)

PAGE_SIZE = 25
# The manager's list counts its rows up to this many ("more than 10000 attributions"):
# counting 100,000 rows on every page cost more than the rest of the page's reads.
LIST_COUNT_CAP = 10_000
HOME_PAGE_SIZE = 30
GL_HELP = "gl-manage-roles"


def _rate_limited(request, exc):
    return render(
        request,
        "roles/rate_limited.html",
        {"message": refusal_text(exc), "help_slug": GL_HELP},
        status=429,
    )


def _ctx(eq, mandate=None, **extra) -> dict:
    return {
        "eq": eq,
        "enterprise": eq.enterprise,
        "mandate": mandate,
        "help_slug": GL_HELP,
        **extra,
    }


def _client_mandate(eq, mandate_id: int | None):
    """The pages of giving roles serve the quality itself or, at `clients/<mandate_id>/`,
    one client of a provider quality: then the mandate, access-checked, or 404."""
    if mandate_id is None:
        return None
    return permissions.mandate_for_manager(eq, mandate_id)


def _mandate_kwargs(eq, mandate) -> dict:
    return {"eq_id": eq.pk} | ({"mandate_id": mandate.pk} if mandate else {})


def _here(name: str, mandate) -> str:
    """The URL name of a page of giving roles, for the quality or for one of its clients."""
    return f"roles:client_{name}" if mandate else f"roles:{name}"


# --- Local manager ------------------------------------------------------------------------


@login_required
@require_GET
def manage_home(request):
    # Paginated: a manager of a thousand qualities gets pages, not a thousand cards at once.
    page = Paginator(selectors.managed_qualities(request.user), HOME_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    if not page.paginator.count:
        # An LR/RAE/co-RAE who is not GL anywhere gets the explained refusal.
        permissions.refuse_non_manager_anywhere(request.user)
    return render(
        request,
        "roles/manage_home.html",
        {"qualities": page.object_list, "page": page, "help_slug": GL_HELP},
    )


@login_required
@require_GET
def attribution_list(request, eq_id: int):
    eq = managed_quality_for_user(request.user, eq_id)
    works_under_mandates = mandate_selectors.works_under_mandates(eq)
    form = AttributionFilterForm(
        request.GET or None,
        roles_qs=selectors.roles_for_list(eq, with_clients=works_under_mandates),
        # The prepared rows are the quality's own roles; a provider's list also offers its
        # clients' roles, read through the queryset.
        roles=None if works_under_mandates else selectors.role_choices(eq),
        with_client=works_under_mandates,
    )
    params = form.params()
    page = TwoEndedPaginator(
        selectors.attributions_listed(eq, params=params),
        PAGE_SIZE,
        count_cap=LIST_COUNT_CAP,
        ranked=selectors.attributions_ranking(eq, params=params),
    ).get_page(request.GET.get("page"))
    selectors.with_roles(eq, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    invitations_count, requests_count = selectors.waiting_for_manager(eq)
    return render(
        request,
        "roles/attribution_list.html",
        _ctx(
            eq,
            form=form,
            page=page,
            query=query.urlencode(),
            invitations_count=invitations_count,
            requests_count=requests_count,
            works_under_mandates=works_under_mandates,
        ),
    )


@login_required
@require_GET
def clients_home(request):
    """The wizard's way to the clients: the provider qualities this person manages (straight
    to the clients page when there is one)."""
    qualities = list(selectors.managed_provider_qualities(request.user)[: HOME_PAGE_SIZE + 1])
    if len(qualities) == 1:
        return redirect("roles:clients", eq_id=qualities[0].pk)
    return render(
        request,
        "roles/clients_home.html",
        {"qualities": qualities[:HOME_PAGE_SIZE], "help_slug": "gl-provider-staff-access"},
    )


@login_required
@require_GET
def clients(request, eq_id: int):
    """A provider quality's clients: the mandates it works under, searched (a search, not a
    drop-down: a secretariat has 100,000 clients), filtered, paged; each row leads to the
    ways of giving the provider's staff roles for that client."""
    eq = managed_quality_for_user(request.user, eq_id)
    if not mandate_selectors.works_under_mandates(eq):
        raise Http404
    form = ClientFilterForm(request.GET or None, groups_qs=mandate_selectors.groups_for_quality(eq))
    qs = mandate_selectors.clients_of(eq, params=form.params())
    page = TwoEndedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "roles/clients.html",
        _ctx(eq, form=form, page=page, works_under_mandates=True),
    )


_cell = csv_cell  # the rule of exported cells, in portal/text.py


@login_required
@require_GET
def attribution_export(request, eq_id: int):
    eq = managed_quality_for_user(request.user, eq_id)
    with_clients = mandate_selectors.works_under_mandates(eq)
    form = AttributionFilterForm(
        request.GET or None,
        roles_qs=selectors.roles_for_list(eq, with_clients=with_clients),
        with_client=with_clients,
    )
    qs = selectors.attributions_for_manager(eq, params=form.params())
    writer = csv_export_writer()
    header = [
        gettext("Last name"),
        gettext("First name"),
        gettext("National number"),
        gettext("E-mail"),
        gettext("Application"),
        gettext("Role"),
        gettext("Status"),
        gettext("Source"),
        gettext("Valid from"),
        gettext("Valid until"),
    ]
    if with_clients:
        # A provider's quality: each row says whom it acts for (its own staff's roles in
        # the provider itself leave both cells empty), as the list does.
        header += [gettext("Client"), gettext("Client's enterprise number")]

    def client_cells(a) -> list[str]:
        if not with_clients:
            return []
        if a.mandate_id is None:
            return ["", ""]
        return [_cell(a.mandate.mandator.name), a.mandate.mandator.number]

    def rows():
        yield writer.writerow(header)
        for a in qs.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    _cell(a.last_name),
                    _cell(a.first_name),
                    a.national_number,
                    _cell(a.email),
                    _cell(a.role.application.name),
                    _cell(a.role.name),
                    a.get_status_display(),
                    a.get_source_display(),
                    a.valid_from.isoformat(),
                    a.valid_until.isoformat() if a.valid_until else "",
                    *client_cells(a),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="attributions-{eq.enterprise.number}-{eq.quality.code}.csv"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def attribution_detail(request, eq_id: int, pk: int):
    eq = managed_quality_for_user(request.user, eq_id)
    attribution = permissions.attribution_for_manager(eq, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in {"end", "revoke"}:
            messages.error(request, _("Unknown action."))
        else:
            try:
                services.attribution_end(
                    actor=request.user, attribution=attribution, revoke=action == "revoke"
                )
                messages.success(
                    request,
                    _("The attribution was revoked.")
                    if action == "revoke"
                    else _("The attribution was ended."),
                )
            except Refusal as exc:
                show_refusal(request, exc)
        return redirect("roles:attribution", eq_id=eq.pk, pk=attribution.pk)
    return render(
        request,
        "roles/attribution_detail.html",
        _ctx(
            eq,
            attribution=attribution,
            history=selectors.attribution_history(attribution),
            confirm=request.GET.get("confirm")
            if request.GET.get("confirm") in {"end", "revoke"}
            else None,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, eq_id: int, mandate_id: int | None = None):
    eq = managed_quality_for_user(request.user, eq_id)
    mandate = _client_mandate(eq, mandate_id)
    form = InvitationForm(request.POST or None, roles_qs=selectors.roles_offered(eq, mandate))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.invitations_create(
                actor=request.user,
                enterprise_quality=eq,
                roles=list(data["roles"]),
                invitees=data["invitees"],
                valid_until=data["valid_until"],
                message=data["message"],
                language=request.LANGUAGE_CODE,
                submission_key=data["submission_key"],
                mandate=mandate,
            )
        except submissions.AlreadySubmitted:
            return submissions.already_sent(request, "roles:invitations", eq_id=eq.pk)
        except RateLimited as exc:
            return _rate_limited(request, exc)
        except Refusal as exc:
            show_refusal(request, exc, form=form)
        else:
            messages.success(
                request,
                _("%(count)d invitation(s) will be sent.") % {"count": len(created)},
            )
            return redirect("roles:invitations", eq_id=eq.pk)
    return render(request, "roles/invite.html", _ctx(eq, mandate, form=form))


@login_required
@require_GET
def invitations(request, eq_id: int):
    eq = managed_quality_for_user(request.user, eq_id)
    page = Paginator(selectors.invitations_for_manager(eq), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "roles/invitations.html", _ctx(eq, page=page))


@login_required
@require_POST
def invitation_action(request, eq_id: int, pk: int):
    eq = managed_quality_for_user(request.user, eq_id)
    invitation = permissions.invitation_for_manager(eq, pk)
    action = request.POST.get("action")
    try:
        if action == "resend":
            services.invitation_resend(actor=request.user, invitation=invitation)
            messages.success(request, _("A new link will be sent."))
        elif action == "revoke":
            services.invitation_revoke(actor=request.user, invitation=invitation)
            messages.success(request, _("The invitation was revoked."))
        else:
            messages.error(request, _("Unknown action."))
    except RateLimited as exc:
        return _rate_limited(request, exc)
    except Refusal as exc:
        show_refusal(request, exc)
    return redirect("roles:invitations", eq_id=eq.pk)


@login_required
@require_http_methods(["GET", "POST"])
def direct(request, eq_id: int, mandate_id: int | None = None):
    eq = managed_quality_for_user(request.user, eq_id)
    mandate = _client_mandate(eq, mandate_id)
    form = DirectAttributionForm(
        request.POST or None, roles_qs=selectors.roles_offered(eq, mandate)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.attribution_grant_direct(
                actor=request.user,
                enterprise_quality=eq,
                roles=list(data["roles"]),
                national_number=data["national_number"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                valid_until=data["valid_until"],
                valid_from=data["valid_from"],
                submission_key=data["submission_key"],
                mandate=mandate,
            )
        except submissions.AlreadySubmitted:
            return submissions.already_sent(request, "roles:list", eq_id=eq.pk)
        except Refusal as exc:
            show_refusal(request, exc, form=form)
        else:
            messages.success(
                request,
                _("%(count)d role(s) given; the person is notified.") % {"count": len(created)},
            )
            return redirect("roles:list", eq_id=eq.pk)
    return render(request, "roles/direct.html", _ctx(eq, mandate, form=form))


@login_required
@require_http_methods(["GET", "POST"])
def links(request, eq_id: int, mandate_id: int | None = None):
    eq = managed_quality_for_user(request.user, eq_id)
    mandate = _client_mandate(eq, mandate_id)
    form = AccessLinkForm(request.POST or None, roles_qs=selectors.roles_offered(eq, mandate))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expires_at = timezone.make_aware(datetime.combine(data["expires_on"], time.max))
        try:
            link = services.link_create(
                actor=request.user,
                enterprise_quality=eq,
                label=data["label"],
                roles=list(data["roles"]),
                expires_at=expires_at,
                max_uses=data["max_uses"],
                requires_approval=data["requires_approval"],
                valid_until=data["valid_until"],
                submission_key=data["submission_key"],
                mandate=mandate,
            )
        except submissions.AlreadySubmitted:
            return submissions.already_sent(
                request, _here("links", mandate), **_mandate_kwargs(eq, mandate)
            )
        except Refusal as exc:
            show_refusal(request, exc, form=form)
        else:
            messages.success(
                request, _("The link “%(label)s” was created.") % {"label": link.label}
            )
            return redirect(_here("links", mandate), **_mandate_kwargs(eq, mandate))
    link_list = [
        (link, request.build_absolute_uri(reverse("roles:link_follow", args=[link.slug])))
        for link in selectors.links_for_manager(eq, mandate=mandate)
    ]
    return render(
        request,
        "roles/links.html",
        _ctx(
            eq,
            mandate,
            form=form,
            links=link_list,
            pending_requests=selectors.pending_requests_for_manager(eq),
        ),
    )


@login_required
@require_POST
def link_disable(request, eq_id: int, pk: int):
    eq = managed_quality_for_user(request.user, eq_id)
    link = permissions.link_for_manager(eq, pk)
    services.link_disable(actor=request.user, link=link)
    messages.success(request, _("The link no longer works."))
    return redirect("roles:links", eq_id=eq.pk)


@login_required
@require_POST
def request_decide(request, eq_id: int, pk: int):
    eq = managed_quality_for_user(request.user, eq_id)
    access_request = permissions.access_request_for_manager(eq, pk)
    decision = request.POST.get("decision")
    if decision not in {"approve", "reject"}:
        messages.error(request, _("Unknown action."))
    else:
        try:
            services.access_request_decide(
                actor=request.user, access_request=access_request, approve=decision == "approve"
            )
            names = {
                "name": str(access_request.person),
                "roles": access_request.link.roles_named,
            }
            if decision == "approve":
                messages.success(request, _("%(name)s now holds %(roles)s.") % names)
            else:
                messages.success(
                    request, _("The request of %(name)s for %(roles)s was refused.") % names
                )
        except Refusal as exc:
            show_refusal(request, exc)
    return redirect("roles:links", eq_id=eq.pk)


@login_required
@require_http_methods(["GET", "POST"])
def bulk_upload(request, eq_id: int, mandate_id: int | None = None):
    eq = managed_quality_for_user(request.user, eq_id)
    mandate = _client_mandate(eq, mandate_id)
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_parse(
                actor=request.user,
                enterprise_quality=eq,
                uploaded=form.cleaned_data["file"],
                message=form.cleaned_data["message"],
                submission_key=form.cleaned_data["submission_key"],
                mandate=mandate,
            )
        except submissions.AlreadySubmitted as exc:
            if "batch" in exc.result:  # the preview of the file sent the first time
                return submissions.already_sent(
                    request, "roles:bulk_preview", eq_id=eq.pk, pk=exc.result["batch"]
                )
            return submissions.already_sent(
                request, _here("bulk_upload", mandate), **_mandate_kwargs(eq, mandate)
            )
        except Refusal as exc:
            show_refusal(request, exc, form=form, field="file")
        else:
            return redirect("roles:bulk_preview", eq_id=eq.pk, pk=batch.pk)
    return render(
        request,
        "roles/bulk_upload.html",
        _ctx(eq, mandate, form=form, roles=selectors.roles_offered(eq, mandate)),
    )


@login_required
@require_GET
def bulk_example(request, eq_id: int):
    """A file to start from: the expected columns and two rows with this quality's roles."""
    eq = managed_quality_for_user(request.user, eq_id)
    # A quality whose catalogue has no role yet still gets the columns (roles left empty).
    codes = [role.code for role in selectors.roles_for_quality(eq)[:2]] or [""]
    next_year = timezone.localdate().replace(year=timezone.localdate().year + 1, day=1)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="invitations-example.csv"'
    writer = csv.writer(response, quoting=csv.QUOTE_ALL)
    writer.writerow(services.CSV_COLUMNS)
    writer.writerow(["Marie", "Peeters", "marie.peeters@example.be", codes[0], "", ""])
    writer.writerow(
        ["Jan", "Janssens", "jan.janssens@example.be", ";".join(codes), next_year.isoformat(), ""]
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def bulk_preview(request, eq_id: int, pk: int):
    eq = managed_quality_for_user(request.user, eq_id)
    batch = permissions.batch_for_manager(eq, pk)
    # Bound on every POST, even an empty one (a scripted client sends no key).
    form = BatchConfirmForm(request.POST if request.method == "POST" else None)
    if submissions.repeated(request):  # the batch is no longer a draft
        return submissions.already_sent(request, "roles:bulk_progress", eq_id=eq.pk, pk=batch.pk)
    if batch.status != InvitationBatch.Status.DRAFT:
        return redirect("roles:bulk_progress", eq_id=eq.pk, pk=batch.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.batch_confirm(
                actor=request.user,
                batch=batch,
                submission_key=form.cleaned_data["submission_key"],
            )
        except submissions.AlreadySubmitted:
            return submissions.already_sent(
                request, "roles:bulk_progress", eq_id=eq.pk, pk=batch.pk
            )
        except RateLimited as exc:
            return _rate_limited(request, exc)
        except Refusal as exc:
            show_refusal(request, exc)
            return redirect("roles:bulk_preview", eq_id=eq.pk, pk=batch.pk)
        return redirect("roles:bulk_progress", eq_id=eq.pk, pk=batch.pk)
    page = Paginator(batch.rows, 200).get_page(request.GET.get("page"))
    # The manager wrote codes; the preview reads back the roles' names (an unknown code as
    # written, next to its error).
    names = {role.code: str(role) for role in selectors.roles_offered(eq, batch.mandate)}
    rows = [{**row, "role_names": [names.get(code, code) for code in row["roles"]]} for row in page]
    return render(
        request,
        "roles/bulk_preview.html",
        _ctx(eq, batch.mandate, batch=batch, page=page, rows=rows, confirm_form=form),
    )


@login_required
@require_GET
def bulk_progress(request, eq_id: int, pk: int):
    eq = managed_quality_for_user(request.user, eq_id)
    batch = permissions.batch_for_manager(eq, pk)
    progress = selectors.batch_progress(batch)
    if request.GET.get("format") == "json":
        return JsonResponse(progress)
    return render(
        request,
        "roles/bulk_progress.html",
        _ctx(eq, batch.mandate, batch=batch, progress=progress),
    )


# --- Invitee ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    """The invitation page. Whoever opens the link first sees what it offers; answering
    needs an account, and allauth brings the invitee back here after signing in or up."""
    inv = invitation_for_token(token)
    if inv is None:
        return render(
            request, "roles/invitation_invalid.html", {"help_slug": "user-view-roles"}, status=404
        )
    state = "expired" if inv.status == Invitation.Status.SENT and inv.link_expired else inv.status
    context = {"invitation": inv, "state": state, "help_slug": "user-view-roles"}
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        context["roles"] = inv.roles.select_related("application")
        return render(request, "roles/invitation.html", context)
    context["roles"] = inv.roles.select_related("application")
    context["not_for_you"] = invitation_not_for(request.user, inv)
    if request.method == "POST" and state == Invitation.Status.SENT:
        action = request.POST.get("action")
        try:
            if action == "accept":
                services.invitation_accept(actor=request.user, invitation=inv)
                messages.success(request, _("You accepted the invitation."))
                return redirect("roles:profile")
            if action == "decline":
                services.invitation_decline(actor=request.user, invitation=inv)
                messages.success(request, _("You declined the invitation."))
                return redirect("roles:profile")
            messages.error(request, _("Unknown action."))
        except Refusal as exc:
            context["error"] = refusal_text(exc)
            return render(request, "roles/invitation.html", context, status=403)
    elif request.method == "POST":
        context["error"] = _("This invitation can no longer be answered.")
        return render(request, "roles/invitation.html", context, status=409)
    # Only the invitee may answer, or ask for a new link once it has expired.
    answerable = state in (Invitation.Status.SENT, "expired")
    status = 403 if context["not_for_you"] and answerable else 200
    return render(request, "roles/invitation.html", context, status=status)


@login_required
@require_POST
def invitation_renew(request, token: str):
    inv = invitation_for_token(token)
    if inv is None:
        raise Http404
    if not (inv.status == Invitation.Status.EXPIRED or inv.link_expired):
        messages.error(request, _("This invitation has not expired."))
        return redirect("roles:invitation", token=token)
    try:
        services.invitation_request_new_link(actor=request.user, invitation=inv)
        messages.success(request, _("The manager was asked to send you a new link."))
    except Refusal as exc:
        show_refusal(request, exc)
    return redirect("roles:invitation", token=token)


@require_http_methods(["GET", "POST"])
def link_follow(request, slug: str):
    """A published link. As with an invitation, whoever opens it first sees what it offers
    (enterprise, quality, roles, expiry); taking the roles or asking for them needs an
    account, and allauth brings the person back here after signing in or up."""
    link = permissions.link_by_slug(slug)
    context = {
        "link": link,
        "roles": link.roles.select_related("application"),
        "refusal": link.refusal,
        "help_slug": "user-request-role",
    }
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return render(request, "roles/link_follow.html", context)
    if request.method == "POST":
        try:
            result = services.link_use(actor=request.user, link=link)
        except Refusal as exc:
            context["error"] = refusal_text(exc)
            return render(request, "roles/link_follow.html", context, status=409)
        if isinstance(result, AccessRequest):
            messages.success(request, _("Your request was sent to the manager for approval."))
        else:
            messages.success(request, _("The roles were added to your profile."))
        return redirect("roles:profile")
    return render(request, "roles/link_follow.html", context)


# --- Mon profil eGov ------------------------------------------------------------------------


@login_required
@require_GET
def profile(request):
    # As many rows as the manager's list: rendering the rows is most of this page's cost.
    # The page is chosen on the attributions alone, then joined (roles.paging): a holder of
    # 1,000 attributions no longer sorts 1,000 joined rows for 25.
    page = TwoEndedPaginator(selectors.attributions_for_person(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "roles/profile.html",
        {
            "page": page,
            "history": selectors.history_for_person(request.user, limit=20),
            "help_slug": "user-view-roles",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_deactivate(request, pk: int):
    attribution = permissions.own_active_attribution(request.user, pk)
    if request.method == "POST":
        try:
            services.attribution_deactivate(actor=request.user, attribution=attribution)
            messages.success(request, _("The role was deactivated."))
        except Refusal as exc:
            show_refusal(request, exc)
        return redirect("roles:profile")
    return render(
        request,
        "roles/profile_deactivate.html",
        {"attribution": attribution, "help_slug": "user-deactivate-role"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_email(request):
    form = EmailChangeForm(
        request.POST or None, attributions_qs=selectors.own_active_attributions(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.email_change_request(
                actor=request.user,
                attributions=list(form.cleaned_data["attributions"]),
                new_email=form.cleaned_data["new_email"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except submissions.AlreadySubmitted:
            return submissions.already_sent(request, "roles:profile")
        except Refusal as exc:
            show_refusal(request, exc, form=form)
        else:
            messages.success(
                request,
                _(
                    "We sent a verification link to the new address; "
                    "the change applies once you follow it."
                ),
            )
            return redirect("roles:profile")
    return render(
        request, "roles/profile_email.html", {"form": form, "help_slug": "user-change-email"}
    )


@login_required
@require_GET
def profile_email_verify(request, token: str):
    try:
        services.email_change_verify(actor=request.user, token=token)
    except Refusal as exc:
        return render(
            request,
            "roles/profile_email_invalid.html",
            {"message": refusal_text(exc), "help_slug": "user-change-email"},
            status=400,
        )
    messages.success(request, _("The e-mail address of your attributions was changed."))
    return redirect("roles:profile")


@login_required
def request_role(request, *args, **kwargs):
    """There is no way to ask for a role: any crafted request is refused, with the reason."""
    raise Refused(
        reason=_("A user cannot ask for a role attribution."),
        who_can=_(
            "A local manager gives roles: by an invitation e-mail, a direct attribution, or a "
            "link published on a web page."
        ),
        help_slug="user-request-role",
    )
