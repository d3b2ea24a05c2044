"""How many invitations a manager, and an enterprise, may send in a rolling window.

Counted in the cache (shared by every web node): `settings.ROLES_INVITATION_LIMITS` gives the
window and both limits. Invitations, resends and bulk batches all count here.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.refusals import RateLimited


def _limits() -> dict:
    # Invitations per rolling hour window; configurable in settings.ROLES_INVITATION_LIMITS.
    return settings.ROLES_INVITATION_LIMITS


def _check_and_count_invitations(*, actor, enterprise, count: int) -> None:
    """Refuse (RateLimited) when `count` more invitations would pass a limit; else count them."""
    limits = _limits()
    window = int(limits["window"])
    bucket = int(timezone.now().timestamp()) // window
    keys = [
        (f"roles:inv:m:{actor.pk}:{bucket}", int(limits["manager"])),
        (f"roles:inv:e:{enterprise.pk}:{bucket}", int(limits["enterprise"])),
    ]
    for key, limit in keys:
        if cache.get(key, 0) + count > limit:
            raise RateLimited(
                _("Too many invitations in a short time. Please try again in an hour.")
            )
    for key, _limit in keys:
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key, count)
        except ValueError:  # expired between add and incr
            cache.set(key, count, timeout=window)
