"""Every state change of a person's account.

The national number is the one field with power (see `User`): a person may declare or
change it freely while it is unverified, and it then unlocks nothing; once verified only
another verification changes it. Verification is the moment what was made for that number
before the account existed (attributions, by `national_number_verified` receivers) attaches.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import task_names
from accounts.models import IdentityDocument, NationalNumberSource
from accounts.selectors import account_with_verified_number
from accounts.signals import national_number_verified
from accounts.validators import normalize_national_number
from portal.audit import Action, audit
from portal.outbox import enqueue
from portal.refusals import Refusal, refusing_invalid


class NumberTaken(Refusal):
    """The number is already verified on another account: one person, one verified account."""


@transaction.atomic
def account_update(*, actor, user, data: dict) -> None:
    # Compare with the stored row: a ModelForm bound to `user` has already copied the new
    # values onto it while validating, so comparing with `user` itself never saw a change.
    stored = get_user_model().objects.select_for_update().get(pk=user.pk)
    changed = {k: v for k, v in data.items() if getattr(stored, k) != v}
    if "national_number" in changed and stored.national_number_verified:
        # The form disables the field; this holds for any other caller too.
        raise Refusal(_("A verified national number cannot be changed."), code="verified_number")
    for key, value in changed.items():
        setattr(user, key, value)
    if changed:
        with refusing_invalid():
            user.full_clean()
        user.save()
        audit(
            actor=actor,
            action=Action.ACCOUNT_UPDATED,
            target=user,
            details={"fields": sorted(changed)},
        )


# What staff may change on a person's account (the admin). Not the e-mail address: allauth's
# verified-address flow owns it, and invitations bound to an address trust it. Not the
# password: the person's own (sign-up, reset by e-mail, the identity provider). Not the
# national number: the verification services.
STAFF_FIELDS = ("first_name", "last_name", "language", "is_active", "is_staff", "is_superuser")
STAFF_RELATIONS = ("groups", "user_permissions")
_ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser")


@transaction.atomic
def account_staff_update(*, actor, user, data: dict) -> list[str]:
    """A staff member's change of a person's account in the admin: names and language,
    whether the account may sign in, whether and with which groups it may use the admin.

    One audit event (`account.updated`) names the fields changed, with the new value of those
    that give or take away access (who gave whom which powers is evidence). Any other field
    is refused (`ValueError`): a new one in the admin's form must be decided on here first.
    Returns the names of the fields changed (none: nothing written).
    """
    unknown = set(data) - {*STAFF_FIELDS, *STAFF_RELATIONS}
    if unknown:
        raise ValueError(f"staff do not change {', '.join(sorted(unknown))} of an account")
    # The row as stored, locked: the admin's copy was read before the form and may be stale
    # (a verification in between must not be written back over).
    stored = get_user_model().objects.select_for_update().get(pk=user.pk)
    changed = []
    for name, value in data.items():
        if name in STAFF_RELATIONS:
            differs = set(getattr(stored, name).all()) != set(value)
        else:
            differs = getattr(stored, name) != value
        if differs:
            changed.append(name)
    if not changed:
        return []
    fields = [name for name in changed if name in STAFF_FIELDS]
    for name in fields:
        setattr(stored, name, data[name])
    with refusing_invalid():
        stored.full_clean()
    if fields:
        stored.save(update_fields=[*fields, "updated_at"])
    details: dict = {"fields": sorted(changed)}
    for name in changed:
        if name in _ACCESS_FIELDS:
            details[name] = data[name]
        elif name == "groups":
            getattr(stored, name).set(data[name])
            details[name] = sorted(group.name for group in data[name])
        elif name == "user_permissions":
            getattr(stored, name).set(data[name])
            details[name] = sorted(f"{p.content_type.app_label}.{p.codename}" for p in data[name])
    audit(actor=actor, action=Action.ACCOUNT_UPDATED, target=stored, details=details)
    for name in fields:
        setattr(user, name, getattr(stored, name))
    return changed


def national_number_verify(
    *,
    actor,
    user,
    national_number: str,
    source: str,
    document_kind: str = "",
    reason: str = "",
):
    """Mark `user`'s national number verified by `source`, in one transaction.

    - `source` says who vouches: the identity provider's claim (actor: the person signing
      in), a contact-centre agent's document check (actor: the agent), or the demo data.
    - The verified number replaces what the person declared; an identity-provider sign-in
      may also replace a verified number (the federal service is authoritative), and the
      audit event says so with the previous number's last digits only.
    - Refused (`NumberTaken`) when another account holds this number verified.
    - The person is told by e-mail when someone else (the contact centre) verified it.
    """
    User = get_user_model()
    with refusing_invalid():
        number = normalize_national_number(national_number)
    if source not in NationalNumberSource.values:
        raise ValueError(f"unknown verification source {source!r}")
    if source == NationalNumberSource.CONTACT_CENTRE and (
        document_kind not in IdentityDocument.values or not reason.strip()
    ):
        # The audit must say what was checked and why: no verification without both.
        raise Refusal(
            _("Say which identity document you checked, and why."), code="document_required"
        )
    if source == NationalNumberSource.CONTACT_CENTRE and actor is not None and actor.pk == user.pk:
        # Four eyes: an agent's own number is verified by a colleague or the provider.
        raise Refusal(
            _("You cannot verify your own national number: a colleague does."), code="own_number"
        )
    with transaction.atomic():
        stored = User.objects.select_for_update().get(pk=user.pk)
        if account_with_verified_number(number, exclude=stored) is not None:
            raise NumberTaken(
                _(
                    "This national number is already verified on another account. The "
                    "person signs in with that account; the contact centre can help."
                ),
                code="number_taken",
            )
        previous = stored.national_number if stored.national_number_verified else None
        if previous == number and stored.national_number_source == source:
            return stored  # a repeated sign-in through the provider: nothing new to record
        if previous and previous != number and source != NationalNumberSource.IDENTITY_PROVIDER:
            raise Refusal(
                _(
                    "This account already has another verified national number. Only a "
                    "sign-in with eID or itsme can change it."
                ),
                code="verified_number",
            )
        stored.national_number = number
        stored.national_number_verified = True
        stored.national_number_source = source
        stored.national_number_verified_at = timezone.now()
        stored.national_number_verified_by = (
            actor if source == NationalNumberSource.CONTACT_CENTRE else None
        )
        with refusing_invalid():
            stored.full_clean(validate_constraints=False)  # the constraint is the save below
        try:
            with transaction.atomic():
                stored.save()
        except IntegrityError:
            # Another account got this number verified in the same instant.
            raise NumberTaken(
                _("This national number is already verified on another account."),
                code="number_taken",
            ) from None
        details = {"source": source}
        if document_kind:
            details["document_kind"] = document_kind
        if reason:
            details["reason"] = reason
        if previous and previous != number:
            # The audit keeps evidence, not a second copy of the old number.
            details["replaced_verified_number_ending"] = previous[-4:]
        audit(
            actor=actor or stored, action=Action.IDENTITY_VERIFIED, target=stored, details=details
        )
        # Attributions made for this number before the account existed attach now, in this
        # transaction (roles' receiver), so a verification never half-happens.
        national_number_verified.send(sender=User, user=stored)
        if source == NationalNumberSource.CONTACT_CENTRE:
            enqueue(task_names.NOTIFY_IDENTITY_VERIFIED, stored.pk)
    for field in (
        "national_number",
        "national_number_verified",
        "national_number_source",
        "national_number_verified_at",
        "national_number_verified_by",
    ):
        setattr(user, field, getattr(stored, field))
    return stored
