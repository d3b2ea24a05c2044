from django.contrib.auth import get_user_model
from django.db import transaction

from portal.audit import audit


@transaction.atomic
def account_update(*, actor, user, data: dict) -> None:
    # Compare with the stored row: a ModelForm bound to `user` has already copied the new
    # values onto it while validating, so comparing with `user` itself never saw a change.
    stored = get_user_model().objects.select_for_update().get(pk=user.pk)
    changed = {k: v for k, v in data.items() if getattr(stored, k) != v}
    for key, value in changed.items():
        setattr(user, key, value)
    if changed:
        user.full_clean()
        user.save()
        audit(
            actor=actor, action="account.updated", target=user, details={"fields": sorted(changed)}
        )
