"""Demo accounts. Other apps' demo modules give them their profiles."""

from accounts.models import User

# email -> (first name, last name, national number, language, profile shown to the newcomer)
DEMO_PEOPLE = {
    "lr@demo.egov.example": ("Lucie", "Renard", "85073003328", "fr", "Legal representative"),
    "rae@demo.egov.example": ("Raphaël", "Aerts", "90020119728", "fr", "RAE (main access manager)"),
    "corae@demo.egov.example": ("Cora", "Peeters", "88112233359", "nl", "co-RAE"),
    "gl@demo.egov.example": ("Gilles", "Lambert", "79040512356", "fr", "Local manager (GL)"),
    "cogl@demo.egov.example": ("Colette", "Gérard", "93121088873", "fr", "Co-local manager"),
    "user@demo.egov.example": ("Ursula", "Schmitz", "01010112369", "de", "User"),
    "provider-rae@demo.egov.example": (
        "Paula",
        "Rasquin",
        "78061512340",
        "fr",
        "RAE (and legal representative) of the social secretariat",
    ),
    "provider-gl@demo.egov.example": (
        "Pieter",
        "Goossens",
        "81092245666",
        "nl",
        "Local manager of the social secretariat",
    ),
    "provider-user@demo.egov.example": (
        "Priya",
        "Urbain",
        "92030478974",
        "fr",
        "Employee of the social secretariat, with Dimona roles for one of its clients",
    ),
    "agent@demo.egov.example": ("Achille", "Dubois", None, "fr", "Contact-centre agent (staff)"),
    "editor@demo.egov.example": ("Edith", "Claes", None, "fr", "Wizard content editor (staff)"),
    "admin@demo.egov.example": ("Ada", "Admin", None, "en", "Superuser"),
}


def demo_user(email: str, password: str) -> User:
    first, last, number, language, _profile = DEMO_PEOPLE[email]
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(
            email=email, first_name=first, last_name=last, language=language, national_number=number
        )
        user.set_password(password)
        user.is_superuser = user.is_staff = email.startswith("admin@")
        user.full_clean()
        user.save()
    if number and not user.national_number_verified:
        # Demo people stand for people who signed in with eID: their numbers carry power.
        # In production only the identity provider and the contact centre verify.
        from accounts.models import NationalNumberSource
        from accounts.services import national_number_verify

        national_number_verify(
            actor=None, user=user, national_number=number, source=NationalNumberSource.DEMO
        )
    # allauth requires a verified address (mandatory verification).
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def accounts() -> list[tuple[str, str]]:
    """(e-mail, profile) of every demo account, as `load_demo` lists them."""
    return [(email, values[4]) for email, values in DEMO_PEOPLE.items()]


def load(*, password: str, stdout) -> list[tuple[str, str]]:
    for email in DEMO_PEOPLE:
        demo_user(email, password)
    return accounts()
