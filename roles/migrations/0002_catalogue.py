"""Seed the application/role catalogue (fr, nl, de, en) and the qualities it needs."""

from django.db import migrations

QUALITIES = {
    # code: (fr, nl, de, en)
    "employer": ("Employeur", "Werkgever", "Arbeitgeber", "Employer"),
    "service-provider": (
        "Prestataire de services",
        "Dienstverlener",
        "Dienstleister",
        "Service provider",
    ),
    "social-secretariat": (
        "Secrétariat social",
        "Sociaal secretariaat",
        "Sozialsekretariat",
        "Social secretariat",
    ),
    "accredited-mandatary": (
        "Mandataire agréé",
        "Erkende mandataris",
        "Zugelassener Bevollmächtigter",
        "Accredited mandatary",
    ),
    "public-authority": (
        "Administration publique",
        "Overheidsdienst",
        "Öffentliche Verwaltung",
        "Public authority",
    ),
}

# application code, quality code, names (fr, nl, de, en), roles [(code, names)]
CATALOGUE = [
    (
        "dimona",
        "employer",
        ("Dimona", "Dimona", "Dimona", "Dimona"),
        [
            ("dimona-declaration", ("déclaration", "aangifte", "Meldung", "declaration")),
            ("dimona-consultation", ("consultation", "raadpleging", "Einsicht", "consultation")),
        ],
    ),
    (
        "dmfa",
        "employer",
        ("DmfA", "DmfA", "DmfA", "DmfA"),
        [
            ("dmfa-declaration", ("déclaration", "aangifte", "Meldung", "declaration")),
            ("dmfa-consultation", ("consultation", "raadpleging", "Einsicht", "consultation")),
        ],
    ),
    (
        "ebox-enterprise",
        "employer",
        ("e-Box Entreprise", "e-Box Onderneming", "e-Box Unternehmen", "e-Box Enterprise"),
        [
            ("ebox-read", ("lecture", "lezen", "Lesen", "read")),
            ("ebox-manage", ("gestion", "beheer", "Verwaltung", "management")),
        ],
    ),
    (
        "drs",
        "employer",
        (
            "Déclarations de risques sociaux (DRS)",
            "Aangiften sociale risico's (ASR)",
            "Meldungen sozialer Risiken (MSR)",
            "Social risk declarations (DRS)",
        ),
        [
            ("drs-declaration", ("déclaration", "aangifte", "Meldung", "declaration")),
        ],
    ),
    (
        "temporary-unemployment",
        "employer",
        (
            "Chômage temporaire",
            "Tijdelijke werkloosheid",
            "Vorübergehende Arbeitslosigkeit",
            "Temporary unemployment",
        ),
        [
            ("temporary-unemployment-declaration", ("déclaration", "aangifte", "Meldung", "declaration")),
            ("temporary-unemployment-consultation", ("consultation", "raadpleging", "Einsicht", "consultation")),
        ],
    ),
    (
        "mandates",
        "social-secretariat",
        (
            "Gestion des mandats",
            "Mandatenbeheer",
            "Vollmachtsverwaltung",
            "Mandate management",
        ),
        [
            ("mandates-manage", ("gestion", "beheer", "Verwaltung", "management")),
            ("mandates-consultation", ("consultation", "raadpleging", "Einsicht", "consultation")),
        ],
    ),
    (
        "dimona-mandatary",
        "social-secretariat",
        (
            "Dimona pour compte de tiers",
            "Dimona voor rekening van derden",
            "Dimona für Dritte",
            "Dimona on behalf of clients",
        ),
        [
            ("dimona-mandatary-declaration", ("déclaration", "aangifte", "Meldung", "declaration")),
        ],
    ),
    (
        "capelo",
        "public-authority",
        ("Capelo", "Capelo", "Capelo", "Capelo"),
        [
            ("capelo-declaration", ("déclaration", "aangifte", "Meldung", "declaration")),
            ("capelo-consultation", ("consultation", "raadpleging", "Einsicht", "consultation")),
        ],
    ),
    (
        "limosa",
        "service-provider",
        ("Limosa", "Limosa", "Limosa", "Limosa"),
        [
            ("limosa-declaration", ("déclaration", "aangifte", "Meldung", "declaration")),
        ],
    ),
    (
        "mandatary-dmfa",
        "accredited-mandatary",
        (
            "DmfA pour compte de tiers",
            "DmfA voor rekening van derden",
            "DmfA für Dritte",
            "DmfA on behalf of clients",
        ),
        [
            ("mandatary-dmfa-declaration", ("déclaration", "aangifte", "Meldung", "declaration")),
            ("mandatary-dmfa-consultation", ("consultation", "raadpleging", "Einsicht", "consultation")),
        ],
    ),
]

LANGS = ("fr", "nl", "de", "en")


def _names(prefix, values):
    data = {prefix: values[0]}
    for lang, value in zip(LANGS, values):
        data[f"{prefix}_{lang}"] = value
    return data


def forwards(apps, schema_editor):
    Quality = apps.get_model("enterprises", "Quality")
    Application = apps.get_model("roles", "Application")
    Role = apps.get_model("roles", "Role")
    qualities = {}
    for position, (code, names) in enumerate(QUALITIES.items()):
        quality, _created = Quality.objects.get_or_create(
            code=code, defaults={**_names("name", names), "position": position * 10}
        )
        qualities[code] = quality
    for app_code, quality_code, names, roles in CATALOGUE:
        application, _created = Application.objects.get_or_create(
            code=app_code, defaults={**_names("name", names), "quality": qualities[quality_code]}
        )
        for role_code, role_names in roles:
            Role.objects.get_or_create(
                code=role_code,
                defaults={**_names("name", role_names), "application": application},
            )


def backwards(apps, schema_editor):
    # Only the catalogue this migration created; qualities may be used elsewhere.
    Application = apps.get_model("roles", "Application")
    Role = apps.get_model("roles", "Role")
    codes = [role_code for _a, _q, _n, roles in CATALOGUE for role_code, _rn in roles]
    Role.objects.filter(code__in=codes, attributions__isnull=True).delete()
    Application.objects.filter(
        code__in=[c[0] for c in CATALOGUE], roles__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0003_quality_catalogue_contact_centre_group"),
        ("roles", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
