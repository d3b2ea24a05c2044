"""Every state change of role attributions, invitations, bulk batches and links.

Each service is keyword-only with an explicit `actor`, runs in `transaction.atomic`, writes
its audit event inside, refuses with `portal.refusals.Refusal`, and hands e-mails to Celery
through the outbox by task name (on commit): no module of this package imports
`roles.tasks`, which calls them.

One module per concern: `attributions`, `invitations`, `bulk` (and `bulk_csv`, reading the
file), `links`, `profile` (a person's own attributions), `lifecycle` (beat), `rate_limits`.
This package re-exports their public services so that callers keep one way in,
`from roles import services; services.invitation_accept(...)`, and need not know which
module a service lives in (moving one between modules changes no caller). Tests that
replace a function patch it in the module that uses it, not here.
"""

from roles.services.attributions import (
    attribution_end,
    attribution_grant_direct,
    attributions_attach,
    attributions_end_with_mandate,
)
from roles.services.bulk import batch_confirm, batch_parse
from roles.services.bulk_csv import CSV_COLUMNS, MAX_CSV_ROWS
from roles.services.invitations import (
    Invitee,
    invitation_accept,
    invitation_decline,
    invitation_request_new_link,
    invitation_resend,
    invitation_revoke,
    invitations_create,
)
from roles.services.lifecycle import expire_due, send_reminders
from roles.services.links import access_request_decide, link_create, link_disable, link_use
from roles.services.profile import (
    EMAIL_CHANGE_SALT,
    attribution_deactivate,
    email_change_request,
    email_change_token,
    email_change_verify,
)

__all__ = [
    "CSV_COLUMNS",
    "EMAIL_CHANGE_SALT",
    "MAX_CSV_ROWS",
    "Invitee",
    "access_request_decide",
    "attribution_deactivate",
    "attribution_end",
    "attribution_grant_direct",
    "attributions_attach",
    "attributions_end_with_mandate",
    "batch_confirm",
    "batch_parse",
    "email_change_request",
    "email_change_token",
    "email_change_verify",
    "expire_due",
    "invitation_accept",
    "invitation_decline",
    "invitation_request_new_link",
    "invitation_resend",
    "invitation_revoke",
    "invitations_create",
    "link_create",
    "link_disable",
    "link_use",
    "send_reminders",
]
