"""Thin views: decorators, loader, form, service, message, redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from enterprises import services
from enterprises.forms import (
    ContactCentreForm,
    CoRaeFormSet,
    DesignationForm,
    EnterpriseNumberForm,
    QualityActivateForm,
)
from enterprises.models import Designation, Enterprise
from enterprises.permissions import (
    designation_for_token,
    designation_for_user,
    enterprise_by_number,
    enterprise_for_user,
    enterprise_quality_for_user,
    is_legal_representative,
    refuse,
    registration_check,
    require_contact_centre,
)
from enterprises.selectors import (
    available_qualities,
    chain_for,
    chain_history,
    enterprise_with_number,
    my_enterprises,
    my_enterprises_queryset,
    registry_stopped_registrations,
)
from enterprises.svg import chain_svg
from mandates.selectors import both_ways as mandates_both_ways
from portal import submissions
from portal.permissions import Refused
from portal.refusals import Refusal, refusal_text, show_refusal
from roles.paging import TwoEndedPaginator


def _detail(enterprise: Enterprise):
    return redirect("enterprises:detail", number=enterprise.number)


# --- Registration ------------------------------------------------------------------------------


def _registration_refusal(exc: Refusal) -> Refused:
    reason = refusal_text(exc)
    if exc.code == "already_registered":
        return Refused(
            reason=reason,
            who_can=_(
                "The enterprise's RAE manages it now. Ask the Social Security contact centre "
                "who it is; a legal representative may replace the RAE from the enterprise's page."
            ),
            help_slug="lr-designate-rae",
        )
    if exc.code == "unverified_national_number":
        return Refused(
            reason=reason,
            who_can=_(
                "You, once your national number is verified: sign in with eID or itsme, or "
                "have the contact centre check your identity document."
            ),
            help_slug="lr-register",
        )
    return refuse("legal_representative", reason=reason)


MINE_PAGE_SIZE = 50


@login_required
def register(request):
    """Step 1: the enterprise number, with the exact reason when it cannot be registered."""
    form = EnterpriseNumberForm(request.GET or None)
    refusal = None
    enterprise = None
    if form.is_bound and form.is_valid():
        enterprise = enterprise_with_number(form.cleaned_data["number"])
        if enterprise is None:
            refusal = "not_found"
        else:
            try:
                registration_check(user=request.user, enterprise=enterprise)
                return redirect("enterprises:register_designate", number=enterprise.number)
            except Refusal as exc:
                refusal = exc.code
                show_refusal(request, exc, form=form)
    return render(
        request,
        "enterprises/register.html",
        {
            "form": form,
            "refusal": refusal,
            "enterprise": enterprise,
            "is_lr": enterprise is not None and is_legal_representative(request.user, enterprise),
            "help_slug": "lr-register",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def register_designate(request, number: str):
    """Step 2: the registration and the RAE (and co-RAEs) designation, one transaction."""
    enterprise = enterprise_by_number(number)
    if submissions.repeated(request, prefix=Designation.Kind.RAE):
        return submissions.already_sent(request, "enterprises:detail", number=enterprise.number)
    try:
        registration_check(user=request.user, enterprise=enterprise)
    except Refusal as exc:
        raise _registration_refusal(exc) from None
    form = DesignationForm(request.POST or None, actor=request.user, prefix=Designation.Kind.RAE)
    formset = CoRaeFormSet(
        request.POST or None, prefix=Designation.Kind.CO_RAE, form_kwargs={"actor": request.user}
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        co_raes = [f.person() for f in formset if f.cleaned_data and f.has_person()]
        try:
            services.enterprise_register(
                actor=request.user,
                enterprise=enterprise,
                rae=form.person(),
                co_raes=co_raes,
                submission_key=form.cleaned_data["submission_key"],
            )
        except submissions.AlreadySubmitted:
            return submissions.already_sent(request, "enterprises:detail", number=enterprise.number)
        except Refusal as exc:
            show_refusal(request, exc, form=form)
        else:
            messages.success(request, _("The enterprise is registered."))
            return _detail(enterprise)
    return render(
        request,
        "enterprises/register_designate.html",
        {"enterprise": enterprise, "form": form, "formset": formset, "help_slug": "lr-register"},
    )


# --- My enterprises, an enterprise ---------------------------------------------------------------


@login_required
def mine(request):
    # Paginated: a person acting for a thousand enterprises gets pages, not one huge table;
    # the page chosen on the enterprises alone, then joined (roles.paging: 6 ms → 1.5 ms).
    page = TwoEndedPaginator(my_enterprises_queryset(request.user), MINE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    entries = my_enterprises(request.user, enterprises=list(page.object_list))
    return render(
        request,
        "enterprises/mine.html",
        {"entries": entries, "page": page, "help_slug": "lr-who-is"},
    )


@login_required
def detail(request, number: str):
    enterprise, access = enterprise_for_user(request.user, number)
    chain = chain_for(enterprise, full=access.has("view_chain"))
    if access.has("view_chain"):
        help_slug = "rae-who-is"
    elif access.manager_quality_ids:
        help_slug = "gl-designate-co-gl"
    else:
        help_slug = "lr-designate-rae"
    managed = []
    if access.manager_quality_ids:
        # A local manager sees its own qualities and their managers (not the whole chain).
        qualities = chain["qualities"] if chain["full"] else chain_for(enterprise)["qualities"]
        managed = [
            entry
            for entry in qualities
            if entry["enterprise_quality"].pk in access.manager_quality_ids
        ]
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "access": access,
            "chain": chain,
            "managed": managed,
            "gl_quality_ids": access.gl_quality_ids,
            "available_qualities": available_qualities(enterprise) if access.is_manager else None,
            "help_slug": help_slug,
        },
    )


def _chain_access(request, number):
    enterprise, access = enterprise_for_user(request.user, number)
    if not (access.has("view_chain") or access.is_lr):
        raise refuse("view_chain")
    return enterprise, access, chain_for(enterprise, full=access.has("view_chain"))


@login_required
def chain(request, number: str):
    enterprise, access, chain_data = _chain_access(request, number)
    history = None
    if access.has("view_chain"):
        history = Paginator(chain_history(enterprise), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/chain.html",
        {
            "enterprise": enterprise,
            "chain": chain_data,
            "history": history,
            "help_slug": "rae-who-is" if access.has("view_chain") else "lr-who-is",
        },
    )


@login_required
def chain_picture(request, number: str):
    _enterprise, _access, chain_data = _chain_access(request, number)
    response = HttpResponse(chain_svg(chain_data), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Designations ----------------------------------------------------------------------------


def _designate(request, enterprise, *, title, service, help_slug, allow_myself=True, **extra):
    form = DesignationForm(request.POST or None, actor=request.user, allow_myself=allow_myself)
    if request.method == "POST" and form.is_valid():
        try:
            designation = service(
                actor=request.user,
                person=form.person(),
                submission_key=form.cleaned_data["submission_key"],
            )
        except submissions.AlreadySubmitted:
            return submissions.already_sent(request, "enterprises:detail", number=enterprise.number)
        except Refusal as exc:
            show_refusal(request, exc, form=form)
        else:
            if designation.is_active:
                messages.success(request, _("The designation is active."))
            else:
                messages.success(
                    request,
                    _("%(name)s will receive an e-mail with a link to accept the designation.")
                    % {"name": designation.full_name},
                )
            return _detail(enterprise)
    return render(
        request,
        "enterprises/designate.html",
        {"enterprise": enterprise, "form": form, "title": title, "help_slug": help_slug, **extra},
    )


@login_required
@require_http_methods(["GET", "POST"])
def replace_rae(request, number: str):
    enterprise, _access = enterprise_for_user(request.user, number, "legal_representative")
    if not hasattr(enterprise, "registration"):
        return redirect(reverse("enterprises:register") + f"?number={enterprise.number}")
    return _designate(
        request,
        enterprise,
        title=_("Replace the RAE"),
        service=lambda **kw: services.rae_replace(enterprise=enterprise, **kw),
        help_slug="lr-designate-rae",
        intro=_(
            "The current RAE stays in place until the new one accepts the designation "
            "(at once if you designate yourself)."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def designate_co_rae(request, number: str):
    enterprise, _access = enterprise_for_user(request.user, number, "designate_co_rae")
    return _designate(
        request,
        enterprise,
        title=_("Designate a co-RAE"),
        service=lambda **kw: services.co_rae_designate(enterprise=enterprise, **kw),
        help_slug="rae-designate-co-rae",
        allow_myself=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def designate_gl(request, number: str, pk: int):
    enterprise, access = enterprise_for_user(request.user, number)
    eq = enterprise_quality_for_user(access, pk)
    return _designate(
        request,
        enterprise,
        title=_("Designate a local manager for “%(quality)s”") % {"quality": eq.quality.name},
        service=lambda **kw: services.gl_designate(
            enterprise_quality=eq, kind=Designation.Kind.GL, **kw
        ),
        help_slug="rae-designate-gl",
    )


@login_required
@require_http_methods(["GET", "POST"])
def designate_co_gl(request, number: str, pk: int):
    enterprise, access = enterprise_for_user(request.user, number)
    eq = enterprise_quality_for_user(access, pk, for_co_gl=True)
    return _designate(
        request,
        enterprise,
        title=_("Designate a co-local manager for “%(quality)s”") % {"quality": eq.quality.name},
        service=lambda **kw: services.gl_designate(
            enterprise_quality=eq, kind=Designation.Kind.CO_GL, **kw
        ),
        help_slug="gl-designate-co-gl",
    )


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request, number: str, pk: int):
    enterprise, access = enterprise_for_user(request.user, number)
    designation = designation_for_user(access, pk)
    error = None
    if request.method == "POST":
        try:
            services.designation_revoke(actor=request.user, designation=designation)
        except Refusal as exc:
            error = refusal_text(exc)
        else:
            messages.success(request, _("The designation has ended."))
            return _detail(enterprise)
    return render(
        request,
        "enterprises/revoke.html",
        {
            "enterprise": enterprise,
            "designation": designation,
            "error": error,
            "help_slug": "rae-manage-roles",
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def resend(request, number: str, pk: int):
    enterprise, access = enterprise_for_user(request.user, number)
    designation = designation_for_user(access, pk)
    try:
        services.designation_resend(actor=request.user, designation=designation)
    except Refusal as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("A new link was sent; the previous one no longer works."))
    return _detail(enterprise)


@login_required
@require_POST
def cancel(request, number: str, pk: int):
    enterprise, access = enterprise_for_user(request.user, number)
    designation = designation_for_user(access, pk)
    try:
        services.designation_cancel(actor=request.user, designation=designation)
    except Refusal as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The designation was cancelled."))
    return _detail(enterprise)


# --- Qualities ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def quality_activate(request, number: str):
    enterprise, _access = enterprise_for_user(request.user, number, "manage_enterprise")
    if submissions.repeated(request):  # the quality it activated is no longer offered
        return submissions.already_sent(request, "enterprises:detail", number=enterprise.number)
    form = QualityActivateForm(request.POST or None, queryset=available_qualities(enterprise))
    if request.method == "POST" and form.is_valid():
        try:
            services.quality_activate(
                actor=request.user,
                enterprise=enterprise,
                quality=form.cleaned_data["quality"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except submissions.AlreadySubmitted:
            return submissions.already_sent(request, "enterprises:detail", number=enterprise.number)
        except Refusal as exc:
            show_refusal(request, exc, form=form)
        else:
            messages.success(request, _("The quality is active."))
            return _detail(enterprise)
    return render(
        request,
        "enterprises/quality_activate.html",
        {"enterprise": enterprise, "form": form, "help_slug": "rae-activate-quality"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def quality_deactivate(request, number: str, pk: int):
    enterprise, access = enterprise_for_user(request.user, number, "manage_enterprise")
    eq = enterprise_quality_for_user(access, pk)
    error = None
    if request.method == "POST":
        try:
            services.quality_deactivate(actor=request.user, enterprise_quality=eq)
        except Refusal as exc:
            error = refusal_text(exc)
        else:
            messages.success(request, _("The quality is deactivated."))
            return _detail(enterprise)
    return render(
        request,
        "enterprises/quality_deactivate.html",
        {
            "enterprise": enterprise,
            "enterprise_quality": eq,
            "ending": eq.designations.open().order_by("kind", "last_name"),
            "error": error,
            "help_slug": "rae-activate-quality",
        },
        status=400 if error else 200,
    )


# --- Acceptance link ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def accept(request, token: str):
    designation = designation_for_token(token)
    problem, status = None, 200
    if designation is None:
        problem, status = "invalid", 404
    elif designation.status in (Designation.Status.ACTIVE, Designation.Status.REPLACED):
        problem, status = "used", 410
    elif designation.status in (Designation.Status.REVOKED, Designation.Status.CANCELLED):
        problem, status = "withdrawn", 410
    elif designation.status == Designation.Status.EXPIRED or designation.link_expired:
        problem, status = "expired", 410
    elif not request.user.verified_national_number:
        problem, status = "unverified_national_number", 403
    elif request.user.verified_national_number != designation.national_number:
        problem, status = "wrong_person", 403
    if problem is None and request.method == "POST":
        try:
            services.designation_accept(actor=request.user, designation=designation)
        except Refusal as exc:
            show_refusal(request, exc)
            problem, status = "failed", 409
        else:
            messages.success(request, _("You accepted the designation."))
            return _detail(designation.enterprise)
    return render(
        request,
        "enterprises/accept.html",
        {"designation": designation, "problem": problem, "help_slug": "user-view-roles"},
        status=status,
    )


# --- Contact centre ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def contact_centre(request):
    require_contact_centre(request.user)
    form = ContactCentreForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["number"]
        enterprise = enterprise_with_number(number)
        services.contact_centre_lookup(
            actor=request.user,
            number=number,
            enterprise=enterprise,
            reason=form.cleaned_data["reason"],
        )
        result = {
            "enterprise": enterprise,
            "chain": chain_for(enterprise) if enterprise else None,
            # Read-only, both ways: the providers acting for it and the clients it acts for.
            "mandates": mandates_both_ways(enterprise) if enterprise else None,
        }
    stopped, stopped_count = registry_stopped_registrations()
    return render(
        request,
        "enterprises/contact_centre.html",
        {
            "form": form,
            "result": result,
            "help_slug": "lr-who-is",
            "registry_stopped": stopped,
            "registry_stopped_count": stopped_count,
        },
    )
