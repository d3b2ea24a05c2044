"""Two validations racing for the same client, group and quarter: the mandator's row lock
lets one pass and refuses the other with the reason (PostgreSQL only: SQLite serialises
every write anyway)."""

from django.db import connection

from mandates import rules, services
from mandates.models import ClientMandate
from portal.refusals import Refusal
from tests.concurrency import POSTGRES_RACES, run_together
from tests.personas import build_chain, build_provider, ensure_catalogue, mandate_between

pytestmark = POSTGRES_RACES


def test_two_concurrent_validations_leave_one_active_mandate():
    assert connection.vendor == "postgresql"
    ensure_catalogue()
    client = build_chain(name="Racing Client")
    first, second = build_provider(name="First Racer"), build_provider(name="Second Racer")
    start = rules.next_quarter_start(__import__("datetime").date.today())
    for _round in range(3):
        proposals = [
            mandate_between(
                client, provider, group="social-security-declarations", start=start, active=False
            )
            for provider in (first, second)
        ]
        outcomes = run_together(
            *[
                (
                    lambda p=p, m=m: services.mandate_validate(
                        actor=p.rae, mandate=m, enterprise=p.enterprise
                    )
                )
                for p, m in zip((first, second), proposals, strict=True)
            ]
        )
        active = ClientMandate.objects.filter(mandator=client.enterprise, state="active")
        assert active.count() == 1, outcomes
        refused = [o for o in outcomes if isinstance(o, Refusal)]
        assert len(refused) == 1 and refused[0].code == "overlap", outcomes
        # Next round: the winner ends, both proposals are answered or still waiting.
        services.mandate_end(actor=client.rae, mandate=active.get(), enterprise=client.enterprise)
        ClientMandate.objects.filter(mandator=client.enterprise, state="proposed").update(
            state="refused"
        )
