"""Who is a legal representative, asked in one place: `Mandate.objects.representing(user)`."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.tests.factories import UserFactory
from enterprises.models import Mandate
from enterprises.permissions import Access, is_legal_representative
from enterprises.tests.factories import EnterpriseFactory, MandateFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "enterprises", "portal", "roles", "wizard")


@pytest.mark.django_db
def test_only_a_current_signing_mandate_of_a_verified_number_represents():
    enterprise = EnterpriseFactory()
    person = UserFactory()
    MandateFactory(enterprise=enterprise, national_number=person.national_number)
    assert is_legal_representative(person, enterprise)
    assert Access(person, enterprise).is_lr

    typist = UserFactory(declared=True, national_number=person.national_number)
    assert not is_legal_representative(typist, enterprise)
    assert not Mandate.objects.representing(AnonymousUser()).exists()

    no_signature = UserFactory()
    MandateFactory(
        enterprise=enterprise, national_number=no_signature.national_number, signing_authority=False
    )
    assert not is_legal_representative(no_signature, enterprise)

    former = UserFactory()
    MandateFactory(
        enterprise=enterprise,
        national_number=former.national_number,
        end_date=timezone.localdate() - timedelta(days=1),
    )
    assert not is_legal_representative(former, enterprise)


def test_no_module_filters_mandates_by_national_number_itself():
    """A second copy of the rule would drift (the declared-number hole came from four)."""
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts or path.name == "models.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "filter"
                    and any(k.arg == "national_number" for k in node.keywords)
                    and "signing" in ast.unparse(node.func.value)
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, "use Mandate.objects.representing(user): " + ", ".join(offenders)
