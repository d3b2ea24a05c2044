"""The administration page and the chain page cost the same for 3 and for 300 designations."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import national_number_for
from enterprises.models import Designation
from portal.audit import Action, audit
from tests.personas import signed_in

pytestmark = pytest.mark.django_db


def grow(chain, n: int) -> None:
    """Add n designations (half of them pending) under the chain's quality and co-RAEs."""
    rae = chain.rae
    rows = []
    for i in range(n):
        kind = ["co_rae", "gl", "co_gl"][i % 3]
        rows.append(
            Designation(
                enterprise=chain.enterprise,
                kind=kind,
                enterprise_quality=None if kind == "co_rae" else chain.employer,
                national_number=national_number_for(20000 + i),
                first_name=f"P{i}",
                last_name="Bulk",
                email=f"bulk{i}@example.test",
                status="pending" if i % 2 else "active",
                designated_by=rae,
            )
        )
    Designation.objects.bulk_create(rows)
    for _ in range(n):
        audit(actor=rae, action=Action.DESIGNATION_CREATED, enterprise=chain.enterprise)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "page", ["enterprises:detail", "enterprises:chain", "enterprises:chain_svg"]
)
@pytest.mark.parametrize("profile", ["rae", "gl", "lr"])
def test_constant_queries(chain, page, profile, django_assert_max_num_queries):
    if profile == "gl" and page != "enterprises:detail":
        pytest.skip("the chain is not the local manager's")
    from tests.personas import build_chain

    small = build_chain(name="Small")
    user_small = small.people[profile]
    client_small = signed_in(user_small)
    url_small = reverse(page, args=[small.enterprise.number])
    grow(small, 3)
    baseline = queries(client_small, url_small)

    grow(chain, 300)
    client = signed_in(chain.people[profile])
    url = reverse(page, args=[chain.enterprise.number])
    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    assert response.status_code == 200
    assert queries(client, url) == baseline
