"""The submission key ledger: a claim inside the service's transaction, pruned after 30 days."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connections, transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from portal import submissions, tasks
from portal.models import SubmissionKey

pytestmark = pytest.mark.django_db


def test_a_key_is_claimed_once_and_the_repeat_gets_the_first_result():
    user = UserFactory()
    with transaction.atomic():
        submissions.claim(user=user, key="k-1").record(invitations=[7])
    with pytest.raises(submissions.AlreadySubmitted) as repeat, transaction.atomic():
        submissions.claim(user=user, key="k-1")
    assert repeat.value.result == {"invitations": [7]}
    assert SubmissionKey.objects.count() == 1


def test_a_rolled_back_change_leaves_its_key_unclaimed():
    user = UserFactory()
    with pytest.raises(ValueError), transaction.atomic():
        submissions.claim(user=user, key="k-2")
        raise ValueError("the service refused")
    assert not SubmissionKey.objects.exists()
    with transaction.atomic():
        submissions.claim(user=user, key="k-2")
    assert SubmissionKey.objects.count() == 1


def test_a_claim_outside_a_transaction_is_a_programming_error():
    user = UserFactory()
    # The test itself runs in a transaction; pretend it does not.
    with (
        mock.patch.object(connections["default"], "in_atomic_block", False),
        pytest.raises(RuntimeError),
    ):
        submissions.claim(user=user, key="k-3")
    assert not SubmissionKey.objects.exists()


def test_no_key_claims_nothing():
    with transaction.atomic():
        submissions.claim(user=UserFactory(), key="").record(anything=1)
    assert not SubmissionKey.objects.exists()


def test_keys_older_than_30_days_are_pruned_with_the_ledgers():
    user = UserFactory()
    old = SubmissionKey.objects.create(user=user, key="old")
    recent = SubmissionKey.objects.create(user=user, key="recent")
    SubmissionKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert tasks.prune_ledgers() == 1
    assert list(SubmissionKey.objects.values_list("pk", flat=True)) == [recent.pk]
