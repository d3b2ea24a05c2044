"""The people of the tests, in one module, every one built through the portal's services.

A designation is made by the person the portal lets make it and accepted by the person named,
so every guardian grant a test relies on is one the portal itself gave (never `assign_perm` by
hand). The personas:

- `build_chain()`: one registered enterprise with its legal representative (`lr`), RAE,
  co-RAE, its "employer" quality with a GL and a co-GL, and a `user` without designation;
- `register()`, `make_gl()`: a registered enterprise, or one more (co-)GL, for the tests that
  need only part of a chain (role management's fixtures);
- `make_agent()`, `make_editor()`, `make_superuser()`, `make_staff()`, `make_stranger()`,
  `make_impostor()`: staff, and people with no designation (an impostor has only typed the
  legal representative's number on their account: a declared number unlocks nothing);
- `build_world()`: a chain plus everything a page can point at (a pending designee, live
  and expired invitations, attributions, links, an access request, a batch, an e-mail
  change, an unregistered enterprise, staff, a wizard page).

`built_once()` builds a world once per module (or class) and hands each test a fresh copy
of it, the database rolled back to it by a savepoint: see its docstring.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import UserFactory, national_number_for
from enterprises import services as enterprise_services
from enterprises.models import Designation, Enterprise, EnterpriseQuality, Quality
from enterprises.tests.factories import EnterpriseFactory, MandateFactory
from portal.groups import CONTACT_CENTRE, WIZARD_EDITORS
from portal.testing import cache_restore, cache_state, clear_cache

Kind = Designation.Kind

# --- Signing in --------------------------------------------------------------------------------


def signed_in(user, *, fresh: bool = True) -> Client:
    """A client signed in as `user`; `fresh` marks the session as just reauthenticated
    (what allauth's reauthentication check reads), otherwise the sign-in is older than the
    reauthentication timeout."""
    client = Client()
    client.force_login(user)
    session = client.session
    at = time.time() if fresh else time.time() - settings.ACCOUNT_REAUTHENTICATION_TIMEOUT - 1
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": at, "reauthenticated": True}
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return client


# --- The chain, through the services ---------------------------------------------------------


def person(user) -> enterprise_services.PersonData:
    return enterprise_services.PersonData.of_user(user)


def designate_and_accept(designator, user, **kwargs) -> Designation:
    """`designator` designates `user` (kind and enterprise or quality in kwargs), and `user`
    accepts, as through the e-mailed link (at once when designating oneself)."""
    kind = kwargs.pop("kind")
    if kind == Kind.CO_RAE:
        d = enterprise_services.co_rae_designate(actor=designator, person=person(user), **kwargs)
    else:
        d = enterprise_services.gl_designate(
            actor=designator, person=person(user), kind=kind, **kwargs
        )
    if d.is_pending:
        d = enterprise_services.designation_accept(actor=user, designation=d)
    return d


@contextmanager
def quietly() -> Iterator[None]:
    """Set personas up without the side effects of their building: the designation links
    their designations would e-mail are never queued (neither on commit nor in the outbox).

    A test sees only the mails and tasks of what it does itself, even with a real worker or
    a transactional database, where those callbacks would otherwise run.
    """
    from portal.models import OutboxMessage

    with transaction.atomic():
        connection = transaction.get_connection()
        start = len(connection.run_on_commit)
        last = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        yield
        del connection.run_on_commit[start:]
        OutboxMessage.objects.filter(pk__gt=last).delete()


def rae_of(enterprise: Enterprise):
    d = Designation.objects.active().filter(enterprise=enterprise, kind=Kind.RAE).first()
    return d.person if d else None


def register(enterprise: Enterprise, *, lr=None, rae=None) -> tuple[Any, Any]:
    """`enterprise` registered by a legal representative, its RAE designated then and
    accepted: (lr, rae). Quietly (see `quietly`)."""
    lr = lr or UserFactory()
    rae = rae or UserFactory()
    MandateFactory(enterprise=enterprise, national_number=lr.national_number)
    with quietly():
        enterprise_services.enterprise_register(actor=lr, enterprise=enterprise, rae=person(rae))
        designation = Designation.objects.get(enterprise=enterprise, kind=Kind.RAE)
        if designation.is_pending:
            enterprise_services.designation_accept(actor=rae, designation=designation)
    return lr, rae


def activate(enterprise: Enterprise, code: str, *, actor) -> EnterpriseQuality:
    """The RAE (`actor`) activates the quality `code` for the enterprise. Quietly."""
    with quietly():
        return enterprise_services.quality_activate(
            actor=actor, enterprise=enterprise, quality=Quality.objects.get(code=code)
        )


def make_gl(eq: EnterpriseQuality, *, kind: str = Kind.GL, person=None, by=None):
    """`person` (a new one by default) designated GL (or co-GL) of `eq` and accepted.

    Designated by `by`, by default the enterprise's RAE (an unregistered enterprise is
    registered first), as the portal lets a (co-)RAE designate (co-)GLs. Quietly.
    """
    person = person or UserFactory()
    by = by or rae_of(eq.enterprise) or register(eq.enterprise)[1]
    with quietly():
        designate_and_accept(by, person, kind=kind, enterprise_quality=eq)
    return person


def make_co_rae(enterprise: Enterprise, *, person=None, by=None):
    """`person` designated co-RAE by the RAE (`by`) and accepted. Quietly."""
    person = person or UserFactory()
    by = by or rae_of(enterprise) or register(enterprise)[1]
    with quietly():
        designate_and_accept(by, person, kind=Kind.CO_RAE, enterprise=enterprise)
    return person


@dataclass
class Chain:
    enterprise: Enterprise
    employer: EnterpriseQuality
    people: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["people"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_chain(*, name: str = "Boulangerie Test") -> Chain:
    """A registered enterprise and its whole chain, each designation accepted."""
    ensure_catalogue()
    enterprise = EnterpriseFactory(name=name)
    lr, rae, co_rae, gl, co_gl, user = (UserFactory() for _ in range(6))
    MandateFactory(enterprise=enterprise, national_number=lr.national_number)
    enterprise_services.enterprise_register(actor=lr, enterprise=enterprise, rae=person(rae))
    enterprise_services.designation_accept(
        actor=rae, designation=Designation.objects.get(enterprise=enterprise, kind=Kind.RAE)
    )
    designate_and_accept(rae, co_rae, kind=Kind.CO_RAE, enterprise=enterprise)
    employer = enterprise_services.quality_activate(
        actor=rae, enterprise=enterprise, quality=Quality.objects.get(code="employer")
    )
    designate_and_accept(rae, gl, kind=Kind.GL, enterprise_quality=employer)
    designate_and_accept(gl, co_gl, kind=Kind.CO_GL, enterprise_quality=employer)
    return Chain(
        enterprise=enterprise,
        employer=employer,
        people={"lr": lr, "rae": rae, "co_rae": co_rae, "gl": gl, "co_gl": co_gl, "user": user},
    )


def build_provider(*, name: str = "Secrétariat Social Test") -> Chain:
    """A whole chain (tests/personas.build_chain) whose enterprise is a social secretariat:
    the quality that mandates for the catalogue's groups require, activated by its RAE."""
    provider = build_chain(name=name)
    secretariat = enterprise_services.quality_activate(
        actor=provider.rae,
        enterprise=provider.enterprise,
        quality=Quality.objects.get(code="social-secretariat"),
    )
    # The local manager of the secretariat quality: who gives the provider's staff roles
    # for its clients; `staff`, one of those employees.
    sec_gl, staff = UserFactory(), UserFactory()
    designate_and_accept(provider.rae, sec_gl, kind=Kind.GL, enterprise_quality=secretariat)
    provider.people.update(secretariat=secretariat, sec_gl=sec_gl, staff=staff)
    return provider


def mandate_between(client: Chain, provider: Chain, *, group: str, start, end=None, active=True):
    """A mandate the client's RAE proposes to the provider, validated by the provider's RAE
    unless `active` is False. Quietly (no e-mail of its building is sent)."""
    from mandates import services as mandate_services
    from mandates.rules import Side
    from roles.models import ApplicationGroup

    with quietly():
        mandate = mandate_services.mandate_propose(
            actor=client.rae,
            enterprise=client.enterprise,
            side=Side.MANDATOR,
            other=provider.enterprise,
            group=ApplicationGroup.objects.get(code=group),
            start_date=start,
            end_date=end,
        )
        if active:
            mandate = mandate_services.mandate_validate(
                actor=provider.rae, mandate=mandate, enterprise=provider.enterprise
            )
    return mandate


@dataclass
class Mandates:
    """The world's mandates: its enterprise is the client of a social-secretariat provider
    (a mandate active since this quarter for the declarations, an e-Box one proposed and
    waiting for the provider), and another registered secretariat (`spare`) to propose to or
    transfer to."""

    provider: Chain
    spare: Any
    active: Any
    proposed: Any
    spare_rae: Any = None
    # A draft file of proposals the provider's RAE sent (one valid row: the spare, e-Box).
    batch: Any = None


def build_mandates(client: Chain) -> Mandates:
    from mandates import rules

    today = timezone.localdate()
    provider = build_provider(name=f"Provider of {client.enterprise.name}")
    spare = EnterpriseFactory(name=f"Spare Secretariat of {client.enterprise.name}")
    _lr, spare_rae = register(spare)
    activate(spare, "social-secretariat", actor=spare_rae)
    active = mandate_between(
        client,
        provider,
        group="social-security-declarations",
        start=rules.quarter_start(today),
    )
    proposed = mandate_between(
        client, provider, group="ebox", start=today + timedelta(days=1), active=False
    )
    batch = proposal_file(provider, [f"{spare.number};ebox;{today + timedelta(days=2)};"])
    return Mandates(
        provider=provider,
        spare=spare,
        active=active,
        proposed=proposed,
        spare_rae=spare_rae,
        batch=batch,
    )


def proposal_file(provider: Chain, lines: list[str], *, actor=None):
    """A draft file of mandate proposals sent by the provider's RAE (`lines`: CSV rows of
    number;group;start;end)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mandates import services as mandate_services

    upload = SimpleUploadedFile("proposals.csv", "\n".join(lines).encode())
    return mandate_services.proposal_batch_parse(
        actor=actor or provider.rae, enterprise=provider.enterprise, uploaded=upload
    )


# --- Staff and outsiders -------------------------------------------------------------------------


def make_agent():
    """A contact-centre agent: staff, no national number, in the contact-centre group."""
    user = UserFactory(is_staff=True, national_number=None)
    user.groups.add(Group.objects.get_or_create(name=CONTACT_CENTRE)[0])
    return user


def make_editor():
    """A wizard editor: staff in the editors' group."""
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=WIZARD_EDITORS)[0])
    return user


def make_superuser():
    return UserFactory(is_staff=True, is_superuser=True, national_number=None)


def make_staff():
    """Staff without any group: staff powers are the catalogue, the wizard, the contact
    centre, never anything inside an enterprise."""
    return UserFactory(is_staff=True, national_number=None)


def make_stranger():
    """A signed-in person with no designation, mandate or role anywhere."""
    return UserFactory()


def make_impostor(of):
    """Somebody who typed `of`'s national number on their own account (declared only)."""
    return UserFactory(declared=True, national_number=of.national_number)


def ensure_catalogue() -> None:
    """The catalogue comes from a data migration; a transactional test elsewhere may have
    flushed it, so put it back when missing (same code as the migration)."""
    from importlib import import_module

    from django.apps import apps

    from roles.models import ApplicationGroup, Role

    if not Role.objects.filter(code="dimona-declaration").exists():
        import_module("roles.migrations.0002_catalogue").forwards(apps, None)
    if not ApplicationGroup.objects.exists():
        import_module("roles.migrations.0007_application_groups").forwards(apps, None)


# --- The world: the chain and everything a page can point at ----------------------------------

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
    """One enterprise with everything a page can point at: the whole designation chain,
    a pending designation, an activated spare quality, a local manager's invitations (one
    live, one expired), attributions, published links, an access request, a draft CSV batch,
    an e-mail change waiting for its link, an unregistered enterprise for its legal
    representative, staff and a wizard page.

    Every URL of the portal can be given real arguments and the person allowed to use it.
    """

    chain: Chain
    dimona: Any
    spare_eq: EnterpriseQuality
    pending: Designation
    pending_token: str
    invitation: Any
    invitation_token: str
    expired_token: str
    attribution: Any
    link: Any
    approval_link: Any
    access_request: Any
    batch: Any
    email_change_token: str
    lr_new: Any
    unregistered: Any
    agent: Any
    admin: Any
    wizard_page: Any
    extra: dict = field(default_factory=dict)
    # Someone who typed a national number on their account (declared, not verified).
    declared: Any = None

    @property
    def enterprise(self):
        return self.chain.enterprise

    @property
    def eq(self):
        return self.chain.employer


def build_world(*, name: str = "Boulangerie Test") -> World:
    from roles import services as role_services
    from roles.models import Invitation, Role
    from wizard.models import Page

    chain = build_chain(name=name)
    gl, rae, user = chain.gl, chain.rae, chain.user
    eq = chain.employer
    dimona = Role.objects.get(code="dimona-declaration")
    spare = Quality.objects.exclude(code="employer").order_by("pk").first()
    spare_eq = enterprise_services.quality_activate(
        actor=rae, enterprise=chain.enterprise, quality=spare
    )

    # The pending designee: the chain's user, designated GL, who has not accepted yet.
    sent = len(mail.outbox)
    pending = run_on_commit(
        lambda: enterprise_services.gl_designate(
            actor=rae,
            enterprise_quality=eq,
            kind=Kind.GL,
            person=enterprise_services.PersonData(
                first_name="Pending",
                last_name="Person",
                national_number=user.national_number,
                email=user.email,
            ),
        )
    )
    pending_token = last_token(sent)

    def invite(email, national_number=""):
        return role_services.invitations_create(
            actor=gl,
            enterprise_quality=eq,
            roles=[dimona],
            invitees=[role_services.Invitee("Marie", "Peeters", email, national_number)],
        )[0]

    sent = len(mail.outbox)
    invitation = run_on_commit(lambda: invite(user.email))
    invitation_token = last_token(sent)
    sent = len(mail.outbox)
    # For the user, by their number (only the invitee may ask for a new link).
    expired = run_on_commit(lambda: invite("late@example.test", user.national_number))
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

    mandates = build_mandates(chain)

    unregistered = EnterpriseFactory(name="Nouvelle SRL")
    lr_new = UserFactory()
    MandateFactory(enterprise=unregistered, national_number=lr_new.national_number)

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
        agent=make_agent(),
        admin=make_superuser(),
        wizard_page=wizard_page,
        declared=UserFactory(declared=True, national_number=national_number_for(850)),
        extra={"mandates": mandates},
    )


def renamed(world: World, name: str) -> World:
    """The world's enterprise under another name, as a registry import would rename it (a
    test about a hostile name shows it on the world's pages)."""
    Enterprise.objects.filter(pk=world.enterprise.pk).update(name=name)
    world.enterprise.name = name
    world.eq.enterprise.name = name
    return world


def new_person(index: int, prefix: str = "") -> dict[str, str]:
    return {
        f"{prefix}first_name": "Jan",
        f"{prefix}last_name": "Peeters",
        f"{prefix}national_number": national_number_for(800 + index),
        f"{prefix}email": f"new{index}@example.test",
        f"{prefix}language": "fr",
    }


# --- Built once, fresh for every test ------------------------------------------------------------


@dataclass
class Built:
    """What a build left behind: its value, the e-mails it sent, the cache it filled."""

    value: Any
    mails: list
    cache: object

    def fresh(self):
        """The state right after the build, for one test: the database is there already (the
        test's savepoint rolls back whatever the previous test did); the e-mails and the
        cache are put back as the build left them, and the objects are copies, so that what
        one test changed on them in Python is not seen by the next."""
        mail.outbox[:] = list(self.mails)
        cache_restore(self.cache)
        return copy.deepcopy(self.value)


@contextmanager
def built_once(django_db_blocker, build: Callable[[], Any]) -> Iterator[Built]:
    """Build once, inside a transaction rolled back when the scope ends.

    For a module- or class-scoped fixture:

        @pytest.fixture(scope="module")
        def world_once(django_db_setup, django_db_blocker):
            with built_once(django_db_blocker, build_world) as built:
                yield built

        @pytest.fixture
        def world(world_once, db):
            return world_once.fresh()

    pytest sets the wider-scoped fixture up first, so the transaction opened here is below
    the one pytest-django opens for each test (`db`): each test runs in a savepoint of it and
    is rolled back to the built state. The atomic blocks are marked as a test case's, so the
    services' durable transactions still nest in them as they do in a test. Only for tests on
    `db`: a transactional test (`transactional_db`) would flush the built rows.
    """
    with django_db_blocker.unblock():
        atomics = []
        for alias in connections:
            atomic = transaction.atomic(using=alias)
            atomic._from_testcase = True
            atomic.__enter__()
            atomics.append((alias, atomic))
        try:
            # The state a test starts from, as the per-test fixtures leave it.
            clear_cache()
            del mail.outbox[:]
            value = build()
            yield Built(value=value, mails=list(mail.outbox), cache=cache_state())
        finally:
            for alias, atomic in reversed(atomics):
                transaction.set_rollback(True, using=alias)
                atomic.__exit__(None, None, None)
            del mail.outbox[:]
            clear_cache()
