"""The catalogue's application groups: what one mandate between enterprises covers."""

from django.db import migrations

LANGS = ("fr", "nl", "de", "en")

# code, names (fr, nl, de, en), descriptions, quarterly, applications, mandatary qualities
GROUPS = [
    (
        "social-security-declarations",
        (
            "Déclarations de sécurité sociale",
            "Socialezekerheidsaangiften",
            "Sozialversicherungsmeldungen",
            "Social-security declarations",
        ),
        (
            "Dimona, DmfA, déclarations de risques sociaux et chômage temporaire, par trimestre.",
            "Dimona, DmfA, aangiften sociale risico's en tijdelijke werkloosheid, per kwartaal.",
            "Dimona, DmfA, Meldungen sozialer Risiken und vorübergehende Arbeitslosigkeit, pro "
            "Quartal.",
            "Dimona, DmfA, social risk declarations and temporary unemployment, by quarter.",
        ),
        True,
        ["dimona", "dmfa", "drs", "temporary-unemployment"],
        ["social-secretariat", "service-provider"],
    ),
    (
        "ebox",
        ("e-Box Entreprise", "e-Box Onderneming", "e-Box Unternehmen", "e-Box Enterprise"),
        (
            "Lire et gérer les messages de l'e-Box de l'entreprise.",
            "De berichten van de e-Box van de onderneming lezen en beheren.",
            "Die Nachrichten der e-Box des Unternehmens lesen und verwalten.",
            "Read and manage the messages of the enterprise's e-Box.",
        ),
        False,
        ["ebox-enterprise"],
        ["social-secretariat", "service-provider", "accredited-mandatary"],
    ),
]


def _names(prefix, values):
    data = {prefix: values[0]}
    for lang, value in zip(LANGS, values):
        data[f"{prefix}_{lang}"] = value
    return data


def forwards(apps, schema_editor):
    Application = apps.get_model("roles", "Application")
    ApplicationGroup = apps.get_model("roles", "ApplicationGroup")
    Quality = apps.get_model("enterprises", "Quality")
    for position, (code, names, descriptions, quarterly, app_codes, quality_codes) in enumerate(
        GROUPS
    ):
        group, created = ApplicationGroup.objects.get_or_create(
            code=code,
            defaults={
                **_names("name", names),
                **_names("description", descriptions),
                "quarterly": quarterly,
                "position": position * 10,
            },
        )
        if created:
            group.applications.set(Application.objects.filter(code__in=app_codes))
            group.mandatary_qualities.set(Quality.objects.filter(code__in=quality_codes))


def backwards(apps, schema_editor):
    # Only the groups this migration made, and only while no mandate names them.
    ApplicationGroup = apps.get_model("roles", "ApplicationGroup")
    try:
        ClientMandate = apps.get_model("mandates", "ClientMandate")
    except LookupError:  # the mandates app is not migrated: nothing can name a group
        used = []
    else:
        used = list(ClientMandate.objects.values_list("group_id", flat=True).distinct())
    ApplicationGroup.objects.filter(code__in=[g[0] for g in GROUPS]).exclude(
        pk__in=used
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0006_applicationgroup"),
        ("enterprises", "0006_registry_updates"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
