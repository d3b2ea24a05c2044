"""One enterprise with everything a page can point at: the whole designation chain (built
through the services, so every guardian grant is real), pending designations, an activated
spare quality, a local manager's invitations (one live, one expired), attributions, published
links, an access request, a draft CSV batch, an e-mail change waiting for its link, an
unregistered enterprise for its legal representative, staff and a wizard page.

Every URL of the portal can be given real arguments and the person allowed to use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory, national_number_for
from enterprises import services as enterprise_services
from enterprises.models import Designation, EnterpriseQuality, Quality
from enterprises.tests.conftest import Chain, build_chain
from enterprises.tests.factories import EnterpriseFactory, MandateFactory
from portal.groups import CONTACT_CENTRE
from roles import services as role_services
from roles.models import Invitation, Role
from roles.tests.conftest import ensure_catalogue

TOKEN_IN_MAIL = re.compile(r"/(?:invitations|designations/accept)/([A-Za-z0-9_\-]+)/")


def run_on_commit(fn):
    """Run `fn` and the on-commit callbacks it queues (the tasks, the e-mails) right away."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn()


def last_token(before: int) -> str:
    for message in mail.outbox[before:]:
        match = TOKEN_IN_MAIL.search(message.body)
        if match:
            return match.group(1)
    raise AssertionError("no link in the e-mails sent")


@dataclass
class World:
    chain: Chain
    dimona: Role
    spare_eq: EnterpriseQuality
    pending: Designation
    pending_token: str
    invitation: Invitation
    invitation_token: str
    expired_token: str
    attribution: object
    link: object
    approval_link: object
    access_request: object
    batch: object
    email_change_token: str
    lr_new: object
    unregistered: object
    agent: object
    admin: object
    wizard_page: object
    extra: dict = field(default_factory=dict)
    # Someone who typed a national number on their account (declared, not verified).
    declared: object = None

    @property
    def enterprise(self):
        return self.chain.enterprise

    @property
    def eq(self):
        return self.chain.employer


def build_world(*, name: str = "Boulangerie Test") -> World:
    ensure_catalogue()
    chain = build_chain(name=name)
    gl, rae, user = chain.gl, chain.rae, chain.user
    eq = chain.employer
    dimona = Role.objects.get(code="dimona-declaration")
    spare = Quality.objects.exclude(code="employer").order_by("pk").first()
    spare_eq = enterprise_services.quality_activate(
        actor=rae, enterprise=chain.enterprise, quality=spare
    )

    sent = len(mail.outbox)
    pending = run_on_commit(
        lambda: enterprise_services.gl_designate(
            actor=rae,
            enterprise_quality=eq,
            kind="gl",
            person=enterprise_services.PersonData(
                first_name="Pending",
                last_name="Person",
                national_number=user.national_number,
                email=user.email,
            ),
        )
    )
    pending_token = last_token(sent)

    def invite(email):
        return role_services.invitations_create(
            actor=gl,
            enterprise_quality=eq,
            roles=[dimona],
            invitees=[role_services.Invitee("Marie", "Peeters", email, "")],
        )[0]

    sent = len(mail.outbox)
    invitation = run_on_commit(lambda: invite(user.email))
    invitation_token = last_token(sent)
    sent = len(mail.outbox)
    expired = run_on_commit(lambda: invite("late@example.test"))
    expired_token = last_token(sent)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))

    [attribution] = run_on_commit(
        lambda: role_services.attribution_grant_direct(
            actor=gl,
            enterprise_quality=eq,
            roles=[Role.objects.get(code="dimona-consultation")],
            national_number=user.national_number,
            first_name=user.first_name,
            last_name=user.last_name,
            email=user.email,
        )
    )
    expires = timezone.now() + timedelta(days=30)
    link = role_services.link_create(
        actor=gl,
        enterprise_quality=eq,
        label="Open link",
        roles=[dimona],
        expires_at=expires,
        max_uses=50,
        requires_approval=False,
    )
    approval_link = role_services.link_create(
        actor=gl,
        enterprise_quality=eq,
        label="Approval link",
        roles=[dimona],
        expires_at=expires,
        max_uses=50,
        requires_approval=True,
    )
    requester = UserFactory()
    access_request = run_on_commit(
        lambda: role_services.link_use(actor=requester, link=approval_link)
    )
    batch = role_services.batch_parse(
        actor=gl,
        enterprise_quality=eq,
        uploaded=SimpleUploadedFile(
            "people.csv", b"Ann,Smith,ann@example.test,dimona-declaration,,\n"
        ),
    )
    change = run_on_commit(
        lambda: role_services.email_change_request(
            actor=user, attributions=[attribution], new_email="new-address@example.test"
        )
    )

    unregistered = EnterpriseFactory(name="Nouvelle SRL")
    lr_new = UserFactory()
    MandateFactory(enterprise=unregistered, national_number=lr_new.national_number)

    agent = UserFactory(is_staff=True, national_number=None)
    agent.groups.add(Group.objects.get(name=CONTACT_CENTRE))
    admin = UserFactory(is_staff=True, is_superuser=True, national_number=None)

    from wizard.models import Page

    with transaction.atomic():
        wizard_page = Page.objects.create(
            slug="security-test-page", kind="answer", title="Test page", body="Hello"
        )
    return World(
        chain=chain,
        dimona=dimona,
        spare_eq=spare_eq,
        pending=pending,
        pending_token=pending_token,
        invitation=invitation,
        invitation_token=invitation_token,
        expired_token=expired_token,
        attribution=attribution,
        link=link,
        approval_link=approval_link,
        access_request=access_request,
        batch=batch,
        email_change_token=role_services.email_change_token(change),
        lr_new=lr_new,
        unregistered=unregistered,
        agent=agent,
        admin=admin,
        wizard_page=wizard_page,
        declared=UserFactory(declared=True, national_number=national_number_for(850)),
    )


def new_person(index: int, prefix: str = "") -> dict[str, str]:
    return {
        f"{prefix}first_name": "Jan",
        f"{prefix}last_name": "Peeters",
        f"{prefix}national_number": national_number_for(800 + index),
        f"{prefix}email": f"new{index}@example.test",
        f"{prefix}language": "fr",
    }
