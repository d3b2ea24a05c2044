"""Demo role attributions, through the services. Idempotent; skips gracefully when the
enterprises demo (the GL designation) is not there yet.

The demo user holds Dimona roles in two enterprises (one in Boulangerie Renard, both in
Brouwerij Peeters), so signing in to the sample application (sample_app/) offers the
capacity screen, and ending the one role in the first ends the access there."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from enterprises.demo import SECOND_NAME
from enterprises.models import Designation, Enterprise, EnterpriseQuality
from roles import services
from roles.models import AccessLink, Invitation, Role, RoleAttribution

GL_EMAIL = "gl@demo.egov.example"
USER_EMAIL = "user@demo.egov.example"
SECOND_ROLES = ["dimona-consultation", "dimona-declaration"]


def _managed_quality(gl) -> EnterpriseQuality | None:
    registered = Enterprise.objects.filter(registration__isnull=False)
    for queryset in (registered, Enterprise.objects.all()):
        designation = (
            Designation.objects.active()
            .filter(person=gl, kind=Designation.Kind.GL, enterprise__in=queryset)
            .select_related("enterprise_quality__quality", "enterprise_quality__enterprise")
            .order_by("created_at")
            .first()
        )
        if designation is not None:
            return designation.enterprise_quality
    return None


def load(*, password: str, stdout) -> list:
    gl = User.objects.filter(email=GL_EMAIL).first()
    holder = User.objects.filter(email=USER_EMAIL).first()
    if gl is None or holder is None or not holder.national_number:
        return []
    eq = _managed_quality(gl)
    if eq is None or not gl.has_perm("enterprises.manage_roles", eq):
        stdout.write("roles demo: no active local manager yet, skipped.\n")
        return []
    roles = list(Role.objects.for_quality(eq.quality_id).order_by("code")[:3])
    if len(roles) < 2:
        return []
    with transaction.atomic():
        if not RoleAttribution.objects.filter(person=holder, enterprise=eq.enterprise).exists():
            services.attribution_grant_direct(
                actor=gl,
                enterprise_quality=eq,
                roles=[roles[0], roles[1]],
                national_number=holder.national_number,
                first_name=holder.first_name,
                last_name=holder.last_name,
                email=holder.email,
                valid_until=timezone.localdate() + timedelta(days=10),
            )
            ended = RoleAttribution.objects.get(
                person=holder, enterprise=eq.enterprise, role=roles[1]
            )
            services.attribution_end(actor=gl, attribution=ended)
        if not Invitation.objects.filter(enterprise_quality=eq, invited_by=gl).exists():
            services.invitations_create(
                actor=gl,
                enterprise_quality=eq,
                roles=[roles[0]],
                invitees=[
                    services.Invitee("Noah", "Vermeulen", "noah@demo.egov.example", "", "nl")
                ],
                message="Bienvenue dans l'équipe paie.",
            )
        if not AccessLink.objects.filter(enterprise_quality=eq).exists():
            link = services.link_create(
                actor=gl,
                enterprise_quality=eq,
                label="Intranet RH — consultation",
                roles=[roles[-1]],
                expires_at=timezone.now() + timedelta(days=60),
                max_uses=50,
                requires_approval=True,
            )
            stdout.write(f"roles demo: published link /links/{link.slug}/\n")
    _second_enterprise(gl, holder)
    return []


def _second_enterprise(gl, holder) -> None:
    eq = (
        EnterpriseQuality.objects.filter(enterprise__name=SECOND_NAME, quality__code="employer")
        .select_related("enterprise", "quality")
        .first()
    )
    if eq is None or not gl.has_perm("enterprises.manage_roles", eq):
        return
    if RoleAttribution.objects.filter(person=holder, enterprise=eq.enterprise).exists():
        return
    with transaction.atomic():
        services.attribution_grant_direct(
            actor=gl,
            enterprise_quality=eq,
            roles=list(Role.objects.filter(code__in=SECOND_ROLES)),
            national_number=holder.national_number,
            first_name=holder.first_name,
            last_name=holder.last_name,
            email=holder.email,
        )
