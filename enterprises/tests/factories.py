import factory

from accounts.tests.factories import UserFactory, national_number_for
from enterprises.models import (
    Designation,
    Enterprise,
    EnterpriseQuality,
    Mandate,
    Quality,
    Registration,
)


def enterprise_number_for(index: int) -> str:
    """A valid enterprise number: 0 + 7 digits, then 97 - (first 8 digits mod 97)."""
    first = 10000000 + index
    check = 97 - first % 97
    return f"{first:08d}{check:02d}"


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    number = factory.Sequence(enterprise_number_for)
    # Fixed-width generated names, like the people of accounts' UserFactory: a random company
    # or street (Faker's "English Ltd", "Administration Street") could hold a word a test
    # looks for on a page (the language switcher, the admin), or another generated name.
    name = factory.Sequence(lambda n: f"Enterprisename{n:06d}")
    juridical_form = "014"
    status = Enterprise.Status.ACTIVE
    street = factory.Sequence(lambda n: f"Streetname{n:06d}")
    house_number = "1"
    zipcode = "1000"
    municipality = "Bruxelles"


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate

    enterprise = factory.SubFactory(EnterpriseFactory)
    national_number = factory.Sequence(lambda n: national_number_for(n + 50000))
    # Like the people of accounts' UserFactory: names that no page text or other name holds.
    first_name = factory.Sequence(lambda n: f"Mandatefirst{n:06d}")
    last_name = factory.Sequence(lambda n: f"Mandatelast{n:06d}")
    function = "Administrateur"
    signing_authority = True


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    enterprise = factory.SubFactory(EnterpriseFactory)
    registered_by = factory.SubFactory(UserFactory)


class QualityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"quality-{n}")
    name = factory.Sequence(lambda n: f"Qualité {n}")


class EnterpriseQualityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseQuality

    enterprise = factory.SubFactory(EnterpriseFactory)
    quality = factory.SubFactory(QualityFactory)


class DesignationFactory(factory.django.DjangoModelFactory):
    """A designation row only: tests of permissions go through the services instead."""

    class Meta:
        model = Designation

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = Designation.Kind.RAE
    person = factory.SubFactory(UserFactory)
    national_number = factory.LazyAttribute(lambda d: d.person.national_number if d.person else "")
    first_name = factory.LazyAttribute(lambda d: d.person.first_name if d.person else "Jean")
    last_name = factory.LazyAttribute(lambda d: d.person.last_name if d.person else "Dupont")
    email = factory.LazyAttribute(lambda d: d.person.email if d.person else "jean@example.test")
    status = Designation.Status.ACTIVE
    designated_by = factory.SubFactory(UserFactory)
