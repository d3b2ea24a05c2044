"""What a person does with their own attributions ("Mon profil eGov"): deactivate one,
and change the e-mail address linked to some of them (the new address verified first).
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import submissions
from portal.audit import Action, audit
from portal.outbox import enqueue
from portal.refusals import Refusal
from relying import task_names as relying_task_names
from roles import task_names
from roles.models import EmailChange, RoleAttribution

EMAIL_CHANGE_SALT = "roles.email-change"


def attribution_deactivate(*, actor, attribution: RoleAttribution) -> None:
    """The holder deactivates one of their own attributions; the managers are told."""
    if attribution.person_id != actor.pk:
        raise Refusal(_("This attribution is not yours."))
    with transaction.atomic():
        changed = RoleAttribution.objects.filter(
            pk=attribution.pk, person=actor, status=RoleAttribution.Status.ACTIVE
        ).update(
            status=RoleAttribution.Status.DEACTIVATED,
            ended_at=timezone.now(),
            ended_by=actor,
            updated_at=timezone.now(),
        )
        if not changed:
            raise Refusal(_("This attribution is no longer active."))
        attribution.refresh_from_db()
        audit(
            actor=actor,
            action=Action.ROLE_DEACTIVATED,
            enterprise=attribution.enterprise,
            target=attribution,
        )
        enqueue(task_names.NOTIFY_MANAGERS_DEACTIVATED, attribution.pk)
        enqueue(relying_task_names.ATTRIBUTIONS_ENDED, attribution.pk)


def email_change_request(
    *, actor, attributions: list[RoleAttribution], new_email: str, submission_key: str = ""
):
    if not attributions or any(a.person_id != actor.pk for a in attributions):
        raise Refusal(_("Choose at least one of your attributions."))
    if all(a.email.lower() == new_email.lower() for a in attributions):
        raise Refusal(_("These attributions are already linked to this address."))
    with transaction.atomic():
        # A form sent twice (Back, then send again) asks once: one link, one notice.
        claim = submissions.claim(user=actor, key=submission_key)
        change = EmailChange.objects.create(
            person=actor,
            new_email=new_email.lower(),
            old_emails=sorted({a.email for a in attributions} - {new_email.lower()}),
        )
        change.attributions.set(attributions)
        audit(
            actor=actor,
            action=Action.ROLE_EMAIL_CHANGE_REQUESTED,
            target=change,
            details={"new_email": change.new_email, "attributions": [a.pk for a in attributions]},
        )
        enqueue(task_names.SEND_EMAIL_CHANGE, change.pk)
        claim.record(email_change=change.pk)
    return change


def email_change_token(change: EmailChange) -> str:
    return signing.dumps(change.pk, salt=EMAIL_CHANGE_SALT)


def email_change_verify(*, actor, token: str) -> EmailChange:
    max_age = settings.ROLES_EMAIL_CHANGE_MAX_AGE
    try:
        pk = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise Refusal(_("This verification link has expired. Ask for the change again.")) from None
    except signing.BadSignature:
        raise Refusal(_("This verification link is not valid.")) from None
    with transaction.atomic():
        change = EmailChange.objects.filter(pk=pk, person=actor).first()
        if change is None:
            raise Refusal(_("This verification link is not valid."))
        won = EmailChange.objects.filter(pk=pk, status=EmailChange.Status.PENDING).update(
            status=EmailChange.Status.APPLIED, applied_at=timezone.now()
        )
        if not won:
            raise Refusal(_("This change was already applied."))
        for attribution in change.attributions.filter(person=actor).select_related("enterprise"):
            old = attribution.email
            attribution.email = change.new_email
            attribution.save(update_fields=["email", "updated_at"])
            audit(
                actor=actor,
                action=Action.ROLE_EMAIL_CHANGED,
                enterprise=attribution.enterprise,
                target=attribution,
                details={"old": old, "new": change.new_email},
            )
    return change
