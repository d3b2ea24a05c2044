import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from stdnum.be import nn

from accounts.models import NationalNumberSource, User


def national_number_for(index: int) -> str:
    """A valid, unique-per-index Belgian national number (born in the 1900s)."""
    year, month, day = 70 + (index // 1000) % 30, 1 + (index // 30) % 12, 1 + index % 28
    base = f"{year:02d}{month:02d}{day:02d}{index % 997:03d}"
    check = 97 - int(base) % 97
    number = f"{base}{check:02d}"
    assert nn.is_valid(number), number
    return number


def generated_national_number(index: int) -> str:
    """The factory's own numbers: valid, unique per index (up to 30,000), of people born in
    the 2000s, so never one of `national_number_for`'s (born in the 1900s) that tests pick
    by hand. Drawn from the same space, the n-th person a test process created held the
    number a later test chose as "someone new", and that test failed only in a full run."""
    year, month, day = (index // 1000) % 20, 1 + (index // 30) % 12, 1 + index % 28
    base = f"{year:02d}{month:02d}{day:02d}{index % 997:03d}"
    # Born in 2000 or later: the check digits are computed with a 2 before the number.
    check = 97 - int(f"2{base}") % 97
    number = f"{base}{check:02d}"
    assert nn.is_valid(number), number
    return number


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    # Names no page text can contain and no other generated name can contain (fixed width):
    # tests assert that a person's name is, or is not, on a page, and a random surname such
    # as "English" is also a word of the language switcher.
    first_name = factory.Sequence(lambda n: f"Firstname{n:06d}")
    last_name = factory.Sequence(lambda n: f"Lastname{n:06d}")
    language = "fr"
    national_number = factory.Sequence(lambda n: generated_national_number(n))
    # Factory people signed in through the identity provider: their number carries power.
    # `UserFactory(declared=True)` gives a person who only typed it.
    national_number_verified = factory.LazyAttribute(lambda o: bool(o.national_number))
    national_number_source = factory.LazyAttribute(
        lambda o: NationalNumberSource.IDENTITY_PROVIDER if o.national_number_verified else ""
    )
    national_number_verified_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.national_number_verified else None
    )
    password = factory.django.Password("correct-horse-battery")

    class Params:
        declared = factory.Trait(national_number_verified=False)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        # allauth's mandatory verification: factory people have a verified address.
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )
