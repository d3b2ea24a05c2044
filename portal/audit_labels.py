"""Readable, translated names of the audit actions shown in histories.

The action codes stay stable in the database (they are evidence and are searched); people
read these labels. An unknown code is shown as it is.
"""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "account.updated": _("Account details changed"),
    "identity.verified": _("National number verified"),
    "cbe.import": _("Registry data imported"),
    "contact_centre.lookup": _("Looked up by the contact centre"),
    "enterprise.registered": _("Enterprise registered"),
    "designation.activated": _("Designation active"),
    "designation.accepted": _("Designation accepted"),
    "designation.cancelled": _("Designation cancelled"),
    "designation.expired": _("Designation link expired"),
    "designation.replaced": _("Designation replaced"),
    "designation.resent": _("Designation link sent again"),
    "designation.revoked": _("Designation revoked"),
    "quality.activated": _("Quality activated"),
    "quality.deactivated": _("Quality deactivated"),
    "invitation.created": _("Invitation created"),
    "invitation.sent": _("Invitation sent"),
    "invitation.resent": _("Invitation sent again"),
    "invitation.failed": _("Invitation delivery failed"),
    "invitation.accepted": _("Invitation accepted"),
    "invitation.declined": _("Invitation declined"),
    "invitation.expired": _("Invitation expired"),
    "invitation.revoked": _("Invitation revoked"),
    "invitation.renewal_requested": _("New invitation link requested"),
    "invitation_batch.uploaded": _("Invitation file uploaded"),
    "invitation_batch.confirmed": _("Invitation file sent"),
    "link.created": _("Web page link published"),
    "link.disabled": _("Web page link disabled"),
    "link.used": _("Role obtained through a web page link"),
    "link.requested": _("Role requested through a web page link"),
    "link.request_approved": _("Link request approved"),
    "link.request_rejected": _("Link request rejected"),
    "role.attributed": _("Role attributed"),
    "role.attached": _("Role linked to the account"),
    "role.ended": _("Role attribution ended"),
    "role.revoked": _("Role attribution revoked"),
    "role.expired": _("Role attribution expired"),
    "role.deactivated": _("Role attribution deactivated by its holder"),
    "role.email_change_requested": _("Change of linked e-mail requested"),
    "role.email_changed": _("Linked e-mail changed"),
    "wizard.page_published": _("Wizard page published"),
}


def action_label(code: str):
    return ACTION_LABELS.get(code, code)
