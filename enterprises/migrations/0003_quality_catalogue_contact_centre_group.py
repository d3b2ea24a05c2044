"""Data: the quality catalogue (translated) and the contact-centre staff group.

The permission row is created here (not only by post_migrate) so the group can hold it
from the first migrate on a fresh database.
"""

from django.db import migrations

# code, (fr, nl, de, en) names, (fr, nl, de, en) descriptions
QUALITIES = [
    (
        "employer",
        ("Employeur", "Werkgever", "Arbeitgeber", "Employer"),
        (
            "Entreprise qui occupe du personnel et fait ses déclarations sociales.",
            "Onderneming die personeel tewerkstelt en haar sociale aangiften doet.",
            "Unternehmen, das Personal beschäftigt und seine Sozialerklärungen abgibt.",
            "An enterprise that employs staff and files its social-security returns.",
        ),
    ),
    (
        "service-provider",
        ("Prestataire de services", "Dienstverlener", "Dienstleister", "Service provider"),
        (
            "Agit pour le compte d'employeurs dans les applications de la sécurité sociale.",
            "Handelt voor rekening van werkgevers in de toepassingen van de sociale zekerheid.",
            "Handelt im Auftrag von Arbeitgebern in den Anwendungen der sozialen Sicherheit.",
            "Acts on behalf of employers in the social-security applications.",
        ),
    ),
    (
        "social-secretariat",
        ("Secrétariat social", "Sociaal secretariaat", "Sozialsekretariat", "Social secretariat"),
        (
            "Secrétariat social agréé qui gère les obligations sociales de ses affiliés.",
            "Erkend sociaal secretariaat dat de sociale verplichtingen van zijn aangeslotenen beheert.",
            "Anerkanntes Sozialsekretariat, das die Sozialpflichten seiner Mitglieder verwaltet.",
            "Accredited social secretariat managing its members' social-security obligations.",
        ),
    ),
    (
        "mandatary",
        ("Mandataire", "Mandataris", "Bevollmächtigter", "Mandatary"),
        (
            "Personne ou entreprise mandatée par un employeur pour ses déclarations.",
            "Persoon of onderneming door een werkgever gemandateerd voor zijn aangiften.",
            "Von einem Arbeitgeber für seine Erklärungen bevollmächtigte Person oder Firma.",
            "A person or firm mandated by an employer for its returns.",
        ),
    ),
    (
        "accredited-mandatary",
        (
            "Mandataire agréé",
            "Erkende mandataris",
            "Anerkannter Bevollmächtigter",
            "Accredited mandatary",
        ),
        (
            "Mandataire reconnu par les institutions de la sécurité sociale.",
            "Mandataris erkend door de instellingen van de sociale zekerheid.",
            "Von den Einrichtungen der sozialen Sicherheit anerkannter Bevollmächtigter.",
            "A mandatary recognised by the social-security institutions.",
        ),
    ),
    (
        "public-authority",
        ("Autorité publique", "Overheid", "Öffentliche Behörde", "Public authority"),
        (
            "Administration fédérale, régionale ou locale.",
            "Federale, regionale of lokale overheid.",
            "Föderale, regionale oder lokale Verwaltung.",
            "A federal, regional or local administration.",
        ),
    ),
    (
        "health-care-provider",
        (
            "Prestataire de soins",
            "Zorgverlener",
            "Gesundheitsdienstleister",
            "Health-care provider",
        ),
        (
            "Hôpital, maison de repos ou prestataire de soins de santé.",
            "Ziekenhuis, woonzorgcentrum of zorgverstrekker.",
            "Krankenhaus, Pflegeheim oder Gesundheitsdienstleister.",
            "A hospital, care home or health-care provider.",
        ),
    ),
    (
        "insurer",
        ("Assureur", "Verzekeraar", "Versicherer", "Insurer"),
        (
            "Entreprise d'assurance (accidents du travail, pensions complémentaires...).",
            "Verzekeringsonderneming (arbeidsongevallen, aanvullende pensioenen...).",
            "Versicherungsunternehmen (Arbeitsunfälle, Zusatzpensionen...).",
            "An insurance company (industrial accidents, supplementary pensions...).",
        ),
    ),
    (
        "training-organisation",
        (
            "Organisme de formation",
            "Opleidingsorganisatie",
            "Bildungseinrichtung",
            "Training organisation",
        ),
        (
            "Organisme qui déclare des formations ou des stages.",
            "Organisatie die opleidingen of stages aangeeft.",
            "Einrichtung, die Schulungen oder Praktika meldet.",
            "An organisation declaring training courses or internships.",
        ),
    ),
]
LANGS = ("fr", "nl", "de", "en")
GROUP = "contact-centre"
CODENAME = "contact_centre_lookup"


def forwards(apps, schema_editor):
    Quality = apps.get_model("enterprises", "Quality")
    for position, (code, names, descriptions) in enumerate(QUALITIES, start=1):
        values = {"name": names[0], "description": descriptions[0], "position": position * 10}
        for lang, name, description in zip(LANGS, names, descriptions, strict=True):
            values[f"name_{lang}"] = name
            values[f"description_{lang}"] = description
        Quality.objects.update_or_create(code=code, defaults=values)

    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="enterprises", model="enterprise")
    permission, _ = Permission.objects.get_or_create(
        codename=CODENAME,
        content_type=content_type,
        defaults={"name": "Look up an enterprise's access managers"},
    )
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(permission)


def backwards(apps, schema_editor):
    Quality = apps.get_model("enterprises", "Quality")
    EnterpriseQuality = apps.get_model("enterprises", "EnterpriseQuality")
    codes = [code for code, _names, _descriptions in QUALITIES]
    used = set(
        EnterpriseQuality.objects.filter(quality__code__in=codes).values_list(
            "quality__code", flat=True
        )
    )
    # A quality some enterprise activated stays: deleting it would break their chain.
    Quality.objects.filter(code__in=codes).exclude(code__in=used).delete()
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_alter_enterprise_options"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
