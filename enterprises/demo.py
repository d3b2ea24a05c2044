"""Demo chain: every demo account really holds its profile, through the services.

Idempotent: what exists is skipped. The enterprise is "Boulangerie Renard SRL" from the
sample registry in data/cbe-sample (imported with `import_cbe`, with the names of the
juridical forms from its code.csv). A second one, "Brouwerij Peeters NV" (where the same
legal representative sits on the board), has the same RAE and local manager for its
employer quality: the demo user holds roles in both, so signing in to the sample
application shows the capacity screen.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction

from accounts.models import User
from enterprises import services
from enterprises.models import Designation, Enterprise, EnterpriseQuality, Mandate, Quality
from portal.groups import CONTACT_CENTRE

DEMO_NAME = "Boulangerie Renard SRL"
SECOND_NAME = "Brouwerij Peeters NV"
LR_EMAIL = "lr@demo.egov.example"
SAMPLE = settings.BASE_DIR / "data" / "cbe-sample"


def _enterprise(stdout) -> Enterprise:
    # The sample registry (enterprises, names, juridical forms, mandates) is the demo's
    # registry; importing it again updates it in place.
    call_command("import_cbe", str(SAMPLE), stdout=stdout)
    enterprise = Enterprise.objects.get(name=DEMO_NAME)
    _ensure_mandate(enterprise)
    return enterprise


def _ensure_mandate(enterprise: Enterprise) -> None:
    lr = User.objects.get(email=LR_EMAIL)
    if not Mandate.objects.representing(lr).filter(enterprise=enterprise).exists():
        Mandate.objects.update_or_create(
            enterprise=enterprise,
            national_number=lr.national_number,
            function="Gérante",
            defaults={
                "first_name": lr.first_name,
                "last_name": lr.last_name,
                "signing_authority": True,
                "end_date": None,
            },
        )


def _designate(designator, accept_as, *, kind, enterprise, quality=None):
    """Designate `accept_as` (and make them accept) unless they already hold it."""
    exists = Designation.objects.active().filter(
        enterprise=enterprise, kind=kind, person=accept_as, enterprise_quality=quality
    )
    if exists.exists():
        return
    person = services.PersonData.of_user(accept_as)
    pending = Designation.objects.pending().filter(
        enterprise=enterprise, kind=kind, national_number=accept_as.national_number
    )
    designation = pending.first()
    if designation is None:
        if kind == Designation.Kind.RAE:
            designation = services.rae_replace(
                actor=designator, enterprise=enterprise, person=person
            )
        elif kind == Designation.Kind.CO_RAE:
            designation = services.co_rae_designate(
                actor=designator, enterprise=enterprise, person=person
            )
        else:
            designation = services.gl_designate(
                actor=designator, enterprise_quality=quality, person=person, kind=kind
            )
    if designation.is_pending:
        services.designation_accept(actor=accept_as, designation=designation)


def _register(lr, rae, enterprise: Enterprise) -> None:
    """The legal representative registers the enterprise; `rae` accepts to be its RAE."""
    if not hasattr(enterprise, "registration"):
        registration_rae = services.PersonData.of_user(rae)
        services.enterprise_register(actor=lr, enterprise=enterprise, rae=registration_rae)
        enterprise.refresh_from_db()
    _designate(lr, rae, kind=Designation.Kind.RAE, enterprise=enterprise)


def _activate(rae, enterprise: Enterprise, code: str) -> EnterpriseQuality:
    quality = Quality.objects.get(code=code)
    eq = EnterpriseQuality.objects.filter(enterprise=enterprise, quality=quality).first()
    if eq is None or not eq.is_active:
        eq = services.quality_activate(actor=rae, enterprise=enterprise, quality=quality)
    return eq


def load(*, password: str, stdout) -> list[tuple[str, str]]:
    people = [
        User.objects.filter(email=email).first()
        for email in [
            "lr@demo.egov.example",
            "rae@demo.egov.example",
            "corae@demo.egov.example",
            "gl@demo.egov.example",
            "cogl@demo.egov.example",
            "agent@demo.egov.example",
        ]
    ]
    if any(user is None for user in people):
        return []  # accounts.demo creates them first
    lr, rae, co_rae, gl, co_gl, agent = people
    enterprise = _enterprise(stdout)
    with transaction.atomic():
        _register(lr, rae, enterprise)
        _designate(rae, co_rae, kind=Designation.Kind.CO_RAE, enterprise=enterprise)
        qualities = {
            code: _activate(rae, enterprise, code) for code in ("employer", "social-secretariat")
        }
        employer = qualities["employer"]
        _designate(rae, gl, kind=Designation.Kind.GL, enterprise=enterprise, quality=employer)
        _designate(
            gl,
            co_gl,
            kind=Designation.Kind.CO_GL,
            enterprise=enterprise,
            quality=employer,
        )
        second = Enterprise.objects.get(name=SECOND_NAME)
        _ensure_mandate(second)
        _register(lr, rae, second)
        employer = _activate(rae, second, "employer")
        _designate(rae, gl, kind=Designation.Kind.GL, enterprise=second, quality=employer)
    if not agent.is_staff:
        agent.is_staff = True
        agent.save(update_fields=["is_staff"])
    agent.groups.add(Group.objects.get(name=CONTACT_CENTRE))
    stdout.write(f"Demo enterprise: {enterprise}")
    return []
