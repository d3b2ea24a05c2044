"""Correct the seed's typos in databases loaded before the correction.

The seed's text is kept word for word except where a typo is certain, or where it promises
what the portal does not do (it e-mails a link to accept a designation, not "access
codes"). `load_wizard` leaves existing pages alone, so the corrections are applied here:
each is an exact phrase replaced wherever it still appears, in the editable texts and in
the published snapshot alike, so a page an editor rewrote keeps its own words and the
published and edited versions do not drift apart.
"""

from django.db import migrations

CORRECTIONS = [
    ("l'entreprise en doit être enregistrée auprès de la CBE.", "l'entreprise doit être enregistrée auprès de la BCE."),
    ("allez sur [le BCE Public Search.](link:bce)", "allez sur [BCE Public Search](link:bce)."),
    ("[KBO Public Search.](link:bce)", "[KBO Public Search](link:bce)."),
    ("[ZDU Public Search.](link:bce)", "[ZDU Public Search](link:bce)."),
    ("[CBE Public Search.](link:bce)", "[CBE Public Search](link:bce)."),
    ("Responsable Accès Entités", "Responsable Accès Entité"),
    ("Responsable d'Accès Entité (RAE)", "Responsable Accès Entité (RAE)"),
    ("d'autres Co-Responsables Accès Entité", "d'autres co-Responsables Accès Entité"),
    ("[Représentant Légal](link:lr): une personne", "[Représentant Légal](link:lr) : une personne"),
    (
        "- Désigner un RAE [lors de l'enregistrement de votre](link:register) entreprise.",
        "- Désignez un RAE [lors de l'enregistrement de votre entreprise.](link:register)",
    ),
    ("(co-)Gestionnaire local au sein", "(co-)Gestionnaire Local au sein"),
    ("attributions de rôles des utilisateurs", "attributions de rôle des utilisateurs"),
    ("vous envoyant un mail contenant", "vous envoyant un e-mail contenant"),
    (
        "Cette personne recevra les codes d'accès nécessaires après sa désignation.",
        "Cette personne recevra par e-mail un lien pour accepter sa désignation.",
    ),
    (
        "Deze persoon ontvangt na zijn aanduiding de nodige toegangscodes.",
        "Deze persoon ontvangt per e-mail een link om de aanduiding te aanvaarden.",
    ),
    (
        "Diese Person erhält nach ihrer Benennung die erforderlichen Zugangscodes.",
        "Diese Person erhält per E-Mail einen Link, um die Benennung anzunehmen.",
    ),
    (
        "This person will receive the necessary access codes after being designated.",
        "This person will receive an e-mail with a link to accept the designation.",
    ),
]
# The languages of the content when this migration was written (migrations are history).
LANGS = ("fr", "nl", "de", "en")


def _corrected(text):
    if not text:
        return text
    for old, new in CORRECTIONS:
        text = text.replace(old, new)
    return text


def _correct_snapshot(value):
    if isinstance(value, str):
        return _corrected(value)
    if isinstance(value, list):
        return [_correct_snapshot(item) for item in value]
    if isinstance(value, dict):
        return {key: _correct_snapshot(item) for key, item in value.items()}
    return value


def correct(apps, schema_editor):
    Page = apps.get_model("wizard", "Page")
    Choice = apps.get_model("wizard", "Choice")
    for page in Page.objects.all():
        fields = [
            name
            for field in ("title", "body", "footer")
            for name in (field, *(f"{field}_{code}" for code in LANGS))
        ]
        for name in fields:
            setattr(page, name, _corrected(getattr(page, name)))
        page.published = _correct_snapshot(page.published)
        page.save(update_fields=[*fields, "published"])
    for choice in Choice.objects.all():
        fields = ["label", *(f"label_{code}" for code in LANGS)]
        for name in fields:
            setattr(choice, name, _corrected(getattr(choice, name)))
        choice.save(update_fields=fields)


class Migration(migrations.Migration):
    dependencies = [("wizard", "0002_wizard_editors_group")]

    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
