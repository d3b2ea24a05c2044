"""The lists' search by the other party's name or number at scale (docs/performance.md,
"Mandates at scale"): a provider with 100,000 clients searches among their names.

Django compares `UPPER(name::text) LIKE UPPER('%term%')` (icontains) and `number::text LIKE
'%digits%'` (contains) on the joined enterprise, so the trigram GIN index is on those same
expressions of `enterprises_enterprise`, as roles/0003 does for the attributions. PostgreSQL
only: SQLite, the embedded default, has neither pg_trgm nor GIN, and the operation does
nothing there.
"""

from django.db import migrations

try:  # django.contrib.postgres needs psycopg; the embedded default must import without it.
    from django.contrib.postgres.operations import TrigramExtension
except ImportError:  # pragma: no cover
    TrigramExtension = None

TRIGRAM_INDEX = "mandates_party_search_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON enterprises_enterprise USING gin ("
        "UPPER(name::text) gin_trgm_ops, number gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("mandates", "0002_proposal_batches"),
        ("enterprises", "0006_registry_updates"),
    ]

    operations = [
        *([TrigramExtension()] if TrigramExtension is not None else []),
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
    ]
