"""A person acting for many clients through one provider, built in bulk: what the capacity
screen's query-count tests and `bench/mandates_capacity.py` measure at 10 and 10,000.

The rows are those the services would write (an enterprise registered, a mandate active
since this quarter for the declarations, the provider's staff member holding the client's
Dimona role under it, managed in the provider's secretariat quality), written with
`bulk_create` because building 10,000 clients one service call at a time measures the
services, not the screen."""

from __future__ import annotations

from django.utils import timezone

from enterprises.models import Enterprise, Registration
from mandates import rules
from mandates.models import ClientMandate
from roles.models import ApplicationGroup, Role, RoleAttribution, Source

BATCH = 2000


def client_number(i: int) -> str:
    """A valid Belgian enterprise number (mod 97), none of the factories' or the demo's."""
    first = f"0{5_000_000 + i:07d}"
    return f"{first}{97 - int(first) % 97:02d}"


def clients_through(
    provider,
    person,
    count: int,
    *,
    role_code: str = "dimona-declaration",
    first: int = 0,
    holding: int | None = None,
):
    """`count` registered clients of `provider` (tests/personas.build_provider), each with
    an active mandate for the declarations, and `person` holding `role_code` through the
    provider for each of them, or for the first `holding` (numbered from `first`: several
    providers' clients in one database). Returns the clients' enterprises, by name."""
    today = timezone.localdate()
    start = rules.quarter_start(today)
    group = ApplicationGroup.objects.get(code="social-security-declarations")
    role = Role.objects.get(code=role_code)
    now = timezone.now()
    clients = Enterprise.objects.bulk_create(
        [
            Enterprise(
                number=client_number(first + i),
                name=f"Client {i:05d}",
                juridical_form="014",
                status=Enterprise.Status.ACTIVE,
            )
            for i in range(count)
        ],
        batch_size=BATCH,
    )
    Registration.objects.bulk_create(
        [Registration(enterprise=client, registered_by=provider.rae) for client in clients],
        batch_size=BATCH,
    )
    mandates = ClientMandate.objects.bulk_create(
        [
            ClientMandate(
                mandator=client,
                mandatary=provider.enterprise,
                group=group,
                start_date=start,
                state=rules.ACTIVE,
                proposed_by_side=rules.Side.MANDATARY.value,
                proposed_by=provider.rae,
                expires_at=now,
                answered_at=now,
            )
            for client in clients
        ],
        batch_size=BATCH,
    )
    RoleAttribution.objects.bulk_create(
        [
            RoleAttribution(
                enterprise_id=mandate.mandator_id,
                enterprise_quality=provider.secretariat,
                mandate=mandate,
                role=role,
                person=person,
                national_number=person.national_number,
                first_name=person.first_name,
                last_name=person.last_name,
                email=person.email,
                valid_from=start,
                source=Source.DIRECT,
                granted_by=provider.sec_gl,
            )
            for mandate in mandates[:holding]
        ],
        batch_size=BATCH,
    )
    return clients
