from django.db import transaction

from portal.audit import audit


@transaction.atomic
def account_update(*, actor, user, data: dict) -> None:
    changed = {k: v for k, v in data.items() if getattr(user, k) != v}
    for key, value in changed.items():
        setattr(user, key, value)
    if changed:
        user.full_clean()
        user.save()
        audit(
            actor=actor, action="account.updated", target=user, details={"fields": sorted(changed)}
        )
