"""Numbers marked verified before the verification's source was recorded came from the
identity provider (the only verifier then): say so, with the account's creation as date."""

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(national_number_verified=True, national_number__isnull=False).update(
        national_number_source="identity_provider", national_number_verified_at=F("date_joined")
    )
    # A "verified" flag without a number verified nothing.
    User.objects.filter(national_number_verified=True, national_number__isnull=True).update(
        national_number_verified=False
    )


def backwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.update(national_number_source="", national_number_verified_at=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_verified_national_number")]

    operations = [migrations.RunPython(forwards, backwards)]
