import re

from roles import services
from roles.models import Invitation
from roles.services import Invitee

TOKEN_RE = re.compile(r"/invitations/([A-Za-z0-9_\-]+)/")


def token_from(mail) -> str:
    match = TOKEN_RE.search(mail.body)
    assert match, mail.body
    return match.group(1)


def invite(
    capture, *, actor, eq, roles, email="marie@example.test", national_number="", **kwargs
) -> Invitation:
    with capture(execute=True):
        [invitation] = services.invitations_create(
            actor=actor,
            enterprise_quality=eq,
            roles=roles,
            invitees=[Invitee("Marie", "Peeters", email, national_number)],
            **kwargs,
        )
    invitation.refresh_from_db()
    return invitation
