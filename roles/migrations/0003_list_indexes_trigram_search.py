"""Indexes of the manager's list at scale (docs/performance.md).

The sorts get B-tree indexes on every database. The search (`icontains` on names, e-mail and
national number) gets a trigram GIN index on PostgreSQL only: Django compares
`UPPER(col::text) LIKE UPPER('%term%')`, so the index is on those same expressions. SQLite,
the embedded default, has neither pg_trgm nor GIN, so those operations do nothing there.
"""

from django.conf import settings
from django.db import migrations, models

try:  # django.contrib.postgres needs psycopg; the embedded default must import without it.
    from django.contrib.postgres.operations import TrigramExtension
except ImportError:  # pragma: no cover
    TrigramExtension = None

TRIGRAM_INDEX = "roles_attr_search_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON roles_roleattribution USING gin ("
        "UPPER(first_name::text) gin_trgm_ops, UPPER(last_name::text) gin_trgm_ops, "
        "UPPER(email::text) gin_trgm_ops, national_number gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0003_quality_catalogue_contact_centre_group"),
        ("roles", "0002_catalogue"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # CreateExtension itself does nothing on a database other than PostgreSQL.
        *([TrigramExtension()] if TrigramExtension is not None else []),
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
        migrations.AddIndex(
            model_name="roleattribution",
            index=models.Index(
                fields=["enterprise_quality", "created_at", "id"], name="roles_attr_eq_created"
            ),
        ),
        migrations.AddIndex(
            model_name="roleattribution",
            index=models.Index(
                fields=["enterprise_quality", "last_name", "first_name", "-id"],
                name="roles_attr_eq_name",
            ),
        ),
        migrations.AddIndex(
            model_name="roleattribution",
            index=models.Index(
                fields=["enterprise_quality", "valid_until", "-id"], name="roles_attr_eq_until"
            ),
        ),
        migrations.AddIndex(
            model_name="roleattribution",
            index=models.Index(
                fields=["enterprise_quality", "role", "id"], name="roles_attr_eq_role"
            ),
        ),
    ]
