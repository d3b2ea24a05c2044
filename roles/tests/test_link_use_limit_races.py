"""A link's use limit under concurrency: people following it while the manager refuses a
request. The counter moves by guarded F-expression updates under the check constraint, so
the places given never exceed the limit and a refusal frees exactly one
(PostgreSQL only: SQLite serialises every write anyway)."""

from datetime import timedelta

from django.utils import timezone

from accounts.tests.factories import UserFactory
from portal.refusals import Refusal
from roles import services
from roles.models import AccessLink, AccessRequest
from tests.concurrency import POSTGRES_RACES, run_together

pytestmark = POSTGRES_RACES


def _link_needing_approval(gl, eq, dimona, *, max_uses: int):
    return services.link_create(
        actor=gl,
        enterprise_quality=eq,
        label="Intranet",
        roles=[dimona],
        expires_at=timezone.now() + timedelta(days=7),
        max_uses=max_uses,
        requires_approval=True,
    )


def test_a_refusal_and_new_requests_at_once_never_exceed_the_limit(gl, eq, dimona):
    link = _link_needing_approval(gl, eq, dimona, max_uses=2)
    held = [services.link_use(actor=UserFactory(), link=link) for _ in range(2)]
    newcomers = [UserFactory() for _ in range(4)]
    outcomes = run_together(
        lambda: services.access_request_decide(actor=gl, access_request=held[0], approve=False),
        lambda: services.access_request_decide(actor=gl, access_request=held[0], approve=False),
        *[lambda p=p: services.link_use(actor=p, link=link) for p in newcomers],
    )
    # One refusal went through; the duplicate was told it was decided already.
    decisions = outcomes[:2]
    assert sum(1 for o in decisions if o is None) == 1
    assert sum(1 for o in decisions if isinstance(o, Refusal)) == 1
    # No newcomer met a database error: each either took a place or was refused politely.
    uses = outcomes[2:]
    assert all(isinstance(o, AccessRequest | Refusal) for o in uses), uses
    link.refresh_from_db()
    pending = AccessRequest.objects.filter(link=link, status=AccessRequest.Status.PENDING)
    assert link.uses <= link.max_uses
    # The counter is the places held: the pending requests (one original, the newcomers in).
    assert link.uses == pending.count()
    assert sum(1 for o in uses if isinstance(o, AccessRequest)) == pending.count() - 1
    assert AccessLink.objects.get(pk=link.pk).uses in (1, 2)


def test_a_double_click_on_a_link_needing_approval_asks_once(gl, eq, dimona):
    """The same person's two requests at once: one request, one polite refusal (the second
    click waited for the first and found its request), never the database's own error."""
    link = _link_needing_approval(gl, eq, dimona, max_uses=5)
    person = UserFactory()
    outcomes = run_together(
        lambda: services.link_use(actor=person, link=link),
        lambda: services.link_use(actor=person, link=link),
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["AccessRequest", "Refusal"], outcomes
    assert AccessRequest.objects.filter(link=link, person=person).count() == 1
    link.refresh_from_db()
    assert link.uses == 1
