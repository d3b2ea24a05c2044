"""Demo mandates, through the services. Idempotent; skips when the enterprises demo is not
there yet.

"Secrétariat Social Démo ASBL" is a social secretariat (not in the sample registry: the demo
adds it, with its legal representative, who registered it and is its own RAE). Its local
manager of the social-secretariat quality is provider-gl; provider-user is one of its
employees, who holds Dimona roles for Boulangerie Renard under its mandate (given by
provider-gl through the service, as a local manager would). Its clients: Boulangerie
Renard (declarations, active since this quarter), Brouwerij Peeters (declarations ended;
an e-Box mandate the secretariat proposed, waiting for the client's RAE) and Atelier
Schmitz (e-Box, active).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from enterprises import demo as enterprises_demo
from enterprises import services as enterprise_services
from enterprises.models import Designation, Enterprise, Mandate
from mandates import rules, services
from mandates.models import ClientMandate
from roles import services as role_services
from roles.models import ApplicationGroup, Role, RoleAttribution

PROVIDER_NAME = "Secrétariat Social Démo ASBL"
PROVIDER_NUMBER = "0799999976"
PROVIDER_RAE = "provider-rae@demo.egov.example"
PROVIDER_GL = "provider-gl@demo.egov.example"
PROVIDER_USER = "provider-user@demo.egov.example"
# The roles provider-user holds for the first client, under its active mandate.
PROVIDER_USER_ROLES = ("dimona-declaration", "dimona-consultation")
CLIENT_RAE = "rae@demo.egov.example"
THIRD_CLIENT = "Atelier Schmitz GmbH"


def _provider(rae) -> Enterprise:
    enterprise, _created = Enterprise.objects.get_or_create(
        number=PROVIDER_NUMBER,
        defaults={
            "name": PROVIDER_NAME,
            "name_language": "fr",
            "juridical_form": "017",
            "street": "Rue de la Loi",
            "house_number": "16",
            "zipcode": "1000",
            "municipality": "Bruxelles",
        },
    )
    Mandate.objects.update_or_create(
        enterprise=enterprise,
        national_number=rae.national_number,
        function="Administratrice déléguée",
        defaults={
            "first_name": rae.first_name,
            "last_name": rae.last_name,
            "signing_authority": True,
            "end_date": None,
        },
    )
    if not hasattr(enterprise, "registration"):
        enterprise_services.enterprise_register(
            actor=rae, enterprise=enterprise, rae=enterprise_services.PersonData.of_user(rae)
        )
        enterprise.refresh_from_db()
    return enterprise


def _staff_roles(*, gl, staff, secretariat, client, group) -> None:
    """provider-user's Dimona roles for the client, under its active mandate (once)."""
    mandate = ClientMandate.objects.filter(
        mandator=client, mandatary=secretariat.enterprise, group=group, state=rules.ACTIVE
    ).first()
    if (
        mandate is None
        or RoleAttribution.objects.active().filter(mandate=mandate, person=staff).exists()
    ):
        return
    roles = list(Role.objects.offered(secretariat, mandate).filter(code__in=PROVIDER_USER_ROLES))
    role_services.attribution_grant_direct(
        actor=gl,
        enterprise_quality=secretariat,
        roles=roles,
        national_number=staff.verified_national_number,
        first_name=staff.first_name,
        last_name=staff.last_name,
        email=staff.email,
        mandate=mandate,
    )


def _mandate(*, client_rae, provider_rae, client, provider, group, start, end=None, state):
    existing = ClientMandate.objects.filter(mandator=client, mandatary=provider, group=group)
    if existing.exists():
        return
    if state == rules.PROPOSED:  # the provider proposes; the client's RAE answers in the demo
        services.mandate_propose(
            actor=provider_rae,
            enterprise=provider,
            side=rules.Side.MANDATARY,
            other=client,
            group=group,
            start_date=start,
            end_date=end,
        )
        return
    mandate = services.mandate_propose(
        actor=client_rae,
        enterprise=client,
        side=rules.Side.MANDATOR,
        other=provider,
        group=group,
        start_date=start,
        end_date=end,
    )
    services.mandate_validate(actor=provider_rae, mandate=mandate, enterprise=provider)
    if state == rules.ENDED:
        services.mandate_end(actor=client_rae, mandate=mandate, enterprise=client)


def load(*, password: str, stdout) -> list:
    people = [User.objects.filter(email=e).first() for e in (PROVIDER_RAE, PROVIDER_GL, CLIENT_RAE)]
    first = Enterprise.objects.filter(name=enterprises_demo.DEMO_NAME).first()
    second = Enterprise.objects.filter(name=enterprises_demo.SECOND_NAME).first()
    third = Enterprise.objects.filter(name=THIRD_CLIENT).first()
    if any(p is None for p in people) or first is None or second is None:
        return []  # the accounts and enterprises demos come first
    provider_rae, provider_gl, client_rae = people
    lr = User.objects.get(email=enterprises_demo.LR_EMAIL)
    today = timezone.localdate()
    declarations = ApplicationGroup.objects.get(code="social-security-declarations")
    ebox = ApplicationGroup.objects.get(code="ebox")
    with transaction.atomic():
        provider = _provider(provider_rae)
        secretariat = enterprises_demo._activate(provider_rae, provider, "social-secretariat")
        enterprises_demo._designate(
            provider_rae,
            provider_gl,
            kind=Designation.Kind.GL,
            enterprise=provider,
            quality=secretariat,
        )
        if third is not None:
            enterprises_demo._ensure_mandate(third)
            enterprises_demo._register(lr, client_rae, third)
        both = {"client_rae": client_rae, "provider_rae": provider_rae, "provider": provider}
        _mandate(
            client=first, group=declarations, start=rules.quarter_start(today),
            state=rules.ACTIVE, **both,
        )  # fmt: skip
        _mandate(
            client=second, group=declarations, start=rules.quarter_start(today),
            state=rules.ENDED, **both,
        )  # fmt: skip
        _mandate(
            client=second, group=ebox, start=today + timedelta(days=1),
            state=rules.PROPOSED, **both,
        )  # fmt: skip
        if third is not None:
            _mandate(client=third, group=ebox, start=today, state=rules.ACTIVE, **both)
        staff = User.objects.filter(email=PROVIDER_USER).first()
        if staff is not None:
            _staff_roles(
                gl=provider_gl,
                staff=staff,
                secretariat=secretariat,
                client=first,
                group=declarations,
            )
    stdout.write(f"Demo social secretariat: {provider}")
    return []
