"""Generate the scale data set on PostgreSQL with COPY (psycopg 3), in minutes.

    .venv/bin/python bench/scale_data.py [--scale 1.0] [--recreate]

At --scale 1 (the issue's figures): 200,000 enterprises in the registry, 20,000 of them
registered (RAE, activated quality, local manager, signing mandate), 100,000 people,
1,000,000 role attributions of which 100,000 in the largest enterprise, one audit event
per attribution and per designation, and a person designated in 1,000 enterprises.

The named personas the benches sign in as (all with the password "bench-password-1"):
  gl@bench     local manager of the largest enterprise (#1) and of a small one (#2)
  rae@bench    RAE of #1 and #2 (the chain page at both sizes)
  multi@bench  RAE and local manager in 1,000 enterprises (the permission checks)
  single@bench RAE and local manager in one enterprise (their small counterpart)
  holder@bench holds 1,000 role attributions (the profile at scale)
  few@bench    holds two role attributions

The database is the one of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_scale);
--recreate drops and creates it first, then migrates it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

FIRST_NAMES = [
    "Lucas",
    "Louis",
    "Noah",
    "Arthur",
    "Adam",
    "Liam",
    "Jules",
    "Victor",
    "Gabriel",
    "Mohamed",
    "Emma",
    "Olivia",
    "Louise",
    "Mila",
    "Alice",
    "Juliette",
    "Elena",
    "Lina",
    "Sofia",
    "Marie",
    "Anna",
    "Lotte",
    "Lore",
    "Nora",
    "Fien",
    "Wout",
    "Lars",
    "Mathis",
    "Finn",
    "Ruben",
    "Sander",
    "Thomas",
    "Pieter",
    "Jan",
    "Koen",
    "Els",
    "Inge",
    "Sofie",
    "Katrien",
    "Nathalie",
    "Bart",
    "Dirk",
    "Marc",
    "Luc",
]
LAST_NAMES = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "DeSmet",
    "Dubois",
    "Lambert",
    "Dupont",
    "Martin",
    "Simon",
    "Laurent",
    "Leroy",
    "Lejeune",
    "Renard",
    "Lemaire",
    "Vermeulen",
    "Hermans",
    "Aerts",
    "Michiels",
    "Desmet",
    "Pauwels",
    "Stevens",
    "Coppens",
    "Smets",
    "Wuyts",
    "Leclercq",
    "Mathieu",
    "Denis",
    "Collard",
    "Francois",
    "Gérard",
    "Henry",
    "Charlier",
    "Cornelis",
    "Dumont",
    "Bertrand",
    "Fontaine",
    "Devos",
    "Declercq",
    "Verstraete",
    "Moreau",
    "Vandenberghe",
    "Vanderstraeten",
    "Deprez",
    "Hubert",
    "Baert",
    "Bogaert",
    "Segers",
    "Lemmens",
    "Martens",
    "Verhoeven",
]
WORDS = [
    "Bakkerij",
    "Brasserie",
    "Boulangerie",
    "Construct",
    "Transport",
    "Logistics",
    "Consult",
    "Garage",
    "Immo",
    "Solutions",
    "Design",
    "Techniek",
    "Services",
    "Horeca",
    "Invest",
    "Medical",
    "Pharma",
    "Energie",
    "Agro",
    "Digital",
    "Textiel",
    "Print",
    "Atelier",
    "Studio",
    "Group",
    "Partners",
    "Holding",
    "Trading",
    "Security",
    "Cleaning",
    "Catering",
    "Events",
    "Software",
]
PLACES = [
    "Bruxelles",
    "Antwerpen",
    "Gent",
    "Charleroi",
    "Liège",
    "Brugge",
    "Namur",
    "Leuven",
    "Mons",
    "Mechelen",
    "Aalst",
    "Hasselt",
    "Kortrijk",
    "Oostende",
    "Tournai",
    "Genk",
    "Seraing",
    "Roeselare",
    "Verviers",
    "Mouscron",
    "Eupen",
    "Arlon",
    "Wavre",
]
PASSWORD = "bench-password-1"

PERSONAS = {
    "gl": 1,
    "rae": 2,
    "multi": 3,
    "single": 4,
    "holder": 5,
    "few": 6,
}
FIRST_PLAIN_USER = 10


def enterprise_number(i: int) -> str:
    first8 = f"{2000000 + i:08d}"
    return first8 + f"{97 - int(first8) % 97:02d}"


def national_number(i: int) -> str:
    # Born 1950-1999 (no "2" prefix in the check), a unique (birth date, serial) per i.
    born = date(1950, 1, 1) + timedelta(days=i % 18000)
    first9 = f"{born:%y%m%d}{1 + i // 18000:03d}"
    return first9 + f"{97 - int(first9) % 97:02d}"


class Plan:
    """Every size derived from one scale factor, so --scale 0.01 is the same shape, smaller."""

    def __init__(self, scale: float):
        def n(value: int, minimum: int) -> int:
            return max(minimum, int(value * scale))

        self.enterprises = n(200_000, 2_000)
        self.registered = n(20_000, 1_100)
        self.people = n(100_000, 2_000)
        self.attributions = n(1_000_000, 20_000)
        self.largest = n(100_000, 5_000)
        self.multi = n(1_000, 10)
        self.holder = n(1_000, 10)
        self.small = 10  # attributions of the small enterprise (#2)


def _copy(cursor, table: str, columns: list[str], rows) -> int:
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def generate(plan: Plan, *, seed: int = 7, out=print) -> dict:
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Permission
    from django.db import connection

    from enterprises.models import Quality
    from roles.models import Role

    rng = random.Random(seed)
    now = datetime.now(UTC)
    today = now.date()
    password = make_password(PASSWORD)
    perm = {
        p.codename: p.pk
        for p in Permission.objects.filter(
            codename__in=[
                "view_chain",
                "manage_enterprise",
                "designate_co_rae",
                "manage_roles",
                "designate_co_gl",
            ]
        )
    }
    qualities = list(Quality.objects.order_by("position", "code").values_list("pk", "code"))
    employer = next(pk for pk, code in qualities if code == "employer")
    roles_by_quality: dict[int, list[int]] = {}
    for role_id, quality_id in Role.objects.available().values_list(
        "pk", "application__quality_id"
    ):
        roles_by_quality.setdefault(quality_id, []).append(role_id)
    employer_roles = sorted(roles_by_quality[employer])
    timings: dict[str, float] = {}

    def step(name):
        timings[name] = time.perf_counter()
        out(f"  {name} …")

    with connection.cursor() as django_cursor:
        cur = django_cursor.connection.cursor()  # the psycopg 3 cursor: COPY
        cur.execute("SET synchronous_commit TO off")
        start = time.perf_counter()

        # --- people ------------------------------------------------------------------------
        step("people")
        people_names = {}

        def users():
            for i in range(1, plan.people + 1):
                persona = next((k for k, v in PERSONAS.items() if v == i), None)
                email = f"{persona}@bench.example" if persona else f"person{i}@bench.example"
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                people_names[i] = (first, last, email)
                joined = now - timedelta(days=rng.randint(1, 1500))
                yield (
                    i,
                    password,
                    None,
                    False,
                    email,
                    first,
                    last,
                    "fr",
                    national_number(i),
                    False,
                    "",  # declared, not verified: no source
                    False,
                    True,
                    joined,
                    joined,
                )

        _copy(
            cur,
            "accounts_user",
            [
                "id",
                "password",
                "last_login",
                "is_superuser",
                "email",
                "first_name",
                "last_name",
                "language",
                "national_number",
                "national_number_verified",
                "national_number_source",
                "is_staff",
                "is_active",
                "date_joined",
                "updated_at",
            ],
            users(),
        )
        cur.execute(
            'INSERT INTO account_emailaddress (user_id, email, verified, "primary") '
            "SELECT id, email, true, true FROM accounts_user"
        )

        # --- the registry --------------------------------------------------------------
        step("enterprises")

        def enterprises():
            for i in range(1, plan.enterprises + 1):
                name = f"{rng.choice(WORDS)} {rng.choice(LAST_NAMES)} {rng.choice(WORDS)} {i}"
                if i == 1:
                    name = "Largest Employer Group"
                elif i == 2:
                    name = "Small Bakery Lambert"
                created = now - timedelta(days=400)
                yield (
                    i,
                    created,
                    created,
                    enterprise_number(i),
                    name,
                    "",
                    "",
                    "014",
                    "AC" if i % 50 else "ST",
                    date(1990, 1, 1) + timedelta(days=i % 9000),
                    "Rue de la Loi",
                    str(1 + i % 200),
                    "",
                    f"{1000 + i % 8000}",
                    rng.choice(PLACES),
                    "fr",  # name_language: the registry's language of the name
                )

        _copy(
            cur,
            "enterprises_enterprise",
            [
                "id",
                "created_at",
                "updated_at",
                "number",
                "name",
                "abbreviation",
                "commercial_name",
                "juridical_form",
                "status",
                "start_date",
                "street",
                "house_number",
                "box",
                "zipcode",
                "municipality",
                "name_language",
            ],
            enterprises(),
        )

        # Who is who in each registered enterprise (1..registered).
        multi_range = range(3, 3 + plan.multi)
        single_enterprise = 3 + plan.multi

        def plain_user(k: int, salt: int) -> int:
            return FIRST_PLAIN_USER + (k * 7 + salt * 13) % (plan.people - FIRST_PLAIN_USER)

        def rae_of(k: int) -> int:
            if k in (1, 2):
                return PERSONAS["rae"]
            if k in multi_range:
                return PERSONAS["multi"]
            if k == single_enterprise:
                return PERSONAS["single"]
            return plain_user(k, 1)

        def gl_of(k: int) -> int:
            if k in (1, 2):
                return PERSONAS["gl"]
            if k in multi_range:
                return PERSONAS["multi"]
            if k == single_enterprise:
                return PERSONAS["single"]
            return plain_user(k, 2)

        def lr_of(k: int) -> int:
            return plain_user(k, 3)

        step("mandates, registrations, qualities")
        _copy(
            cur,
            "enterprises_mandate",
            [
                "id",
                "created_at",
                "updated_at",
                "national_number",
                "first_name",
                "last_name",
                "function",
                "signing_authority",
                "start_date",
                "end_date",
                "enterprise_id",
            ],
            (
                (
                    k,
                    now,
                    now,
                    national_number(lr_of(k)),
                    *people_names[lr_of(k)][:2],
                    "Administrateur",
                    True,
                    date(2015, 1, 1),
                    None,
                    k,
                )
                for k in range(1, plan.registered + 1)
            ),
        )
        _copy(
            cur,
            "enterprises_registration",
            ["id", "created_at", "updated_at", "enterprise_id", "registered_by_id"],
            (
                (k, now - timedelta(days=300), now, k, lr_of(k))
                for k in range(1, plan.registered + 1)
            ),
        )
        # One activated quality (employer) per registered enterprise; all of them for #1.
        eq_rows = []
        eq_of: dict[tuple[int, int], int] = {}
        eqs_of: dict[int, list[int]] = {}
        for k in range(1, plan.registered + 1):
            for quality_id in [q for q, _ in qualities] if k == 1 else [employer]:
                eq_id = len(eq_rows) + 1
                eq_of[(k, quality_id)] = eq_id
                eqs_of.setdefault(k, []).append(eq_id)
                eq_rows.append(
                    (eq_id, now - timedelta(days=290), now, "active", rae_of(k), k, quality_id)
                )
        _copy(
            cur,
            "enterprises_enterprisequality",
            [
                "id",
                "created_at",
                "updated_at",
                "status",
                "activated_by_id",
                "enterprise_id",
                "quality_id",
            ],
            eq_rows,
        )

        # --- designations, their guardian grants and their audit events ------------------
        step("designations and grants")
        designations = []
        enterprise_perms = []
        quality_perms = []

        def designate(k, kind, person, eq_id, by, when):
            first, last, email = people_names[person]
            designations.append(
                (
                    len(designations) + 1,
                    when,
                    when,
                    kind,
                    national_number(person),
                    first,
                    last,
                    email,
                    "fr",
                    "active",
                    "",
                    None,
                    when,
                    when,
                    None,
                    by,
                    None,
                    person,
                    k,
                    eq_id,
                )
            )

        for k in range(1, plan.registered + 1):
            when = now - timedelta(days=300, minutes=k % 1000)
            rae = rae_of(k)
            designate(k, "rae", rae, None, lr_of(k), when)
            for codename in ("view_chain", "manage_enterprise", "designate_co_rae"):
                enterprise_perms.append((rae, perm[codename], k))
            for eq_id in eqs_of[k]:
                gl = gl_of(k)
                designate(k, "gl", gl, eq_id, rae, when + timedelta(minutes=5))
                quality_perms += [
                    (gl, perm["manage_roles"], eq_id),
                    (gl, perm["designate_co_gl"], eq_id),
                ]
        # The largest enterprise's chain: co-RAEs and co-local managers under every quality.
        for n in range(5):
            co = plain_user(n, 5)
            designate(1, "co_rae", co, None, PERSONAS["rae"], now - timedelta(days=200 - n))
            enterprise_perms += [(co, perm["view_chain"], 1), (co, perm["manage_enterprise"], 1)]
        for eq_id in eqs_of[1]:
            for n in range(10):
                co = plain_user(n + 10 * eq_id, 6)
                designate(1, "co_gl", co, eq_id, PERSONAS["gl"], now - timedelta(days=100 - n))
                quality_perms.append((co, perm["manage_roles"], eq_id))
        columns = [
            "id",
            "created_at",
            "updated_at",
            "kind",
            "national_number",
            "first_name",
            "last_name",
            "email",
            "language",
            "status",
            "token_hash",
            "expires_at",
            "sent_at",
            "accepted_at",
            "ended_at",
            "designated_by_id",
            "ended_by_id",
            "person_id",
            "enterprise_id",
            "enterprise_quality_id",
        ]
        _copy(cur, "enterprises_designation", columns, designations)
        _copy(
            cur,
            "enterprises_enterpriseuserobjectpermission",
            ["id", "user_id", "permission_id", "content_object_id"],
            ((i + 1, *row) for i, row in enumerate(enterprise_perms)),
        )
        _copy(
            cur,
            "enterprises_enterprisequalityuserobjectpermission",
            ["id", "user_id", "permission_id", "content_object_id"],
            ((i + 1, *row) for i, row in enumerate(quality_perms)),
        )

        # --- role attributions -----------------------------------------------------------
        step("role attributions")
        attributions_meta = []  # (id, enterprise, actor, created) for the audit events

        def attribution(aid, k, eq_id, role_id, person, by, created, status):
            first, last, email = people_names[person]
            nn = national_number(person)
            # One in ten names a person without an account yet (attached at sign-in).
            person_id = None if aid % 10 == 0 else person
            valid_until = None if aid % 3 else today + timedelta(days=aid % 400 - 30)
            ended = created + timedelta(days=1) if status != "active" else None
            if valid_until and valid_until < created.date():
                valid_until = created.date() + timedelta(days=30)
            attributions_meta.append((aid, k, by, created))
            source = ("direct", "invitation", "link")[aid % 3]
            return (
                aid,
                created,
                ended or created,
                nn,
                first,
                last,
                email,
                status,
                created.date(),
                valid_until,
                source,
                ended,
                None,
                by if ended else None,
                k,
                eq_id,
                by,
                None,
                None,
                person_id,
                role_id,
            )

        def statuses(j):
            r = j % 20
            return "active" if r < 16 else ("ended", "revoked", "expired", "deactivated")[r - 16]

        three_years = 3 * 365 * 24 * 3600

        def attribution_rows():
            aid = 0
            # The largest enterprise: `largest` attributions, one manager's page.
            eq1 = eq_of[(1, employer)]
            for j in range(plan.largest):
                aid += 1
                created = now - timedelta(seconds=three_years * (1 - j / plan.largest))
                person = FIRST_PLAIN_USER + j // len(employer_roles)
                yield attribution(
                    aid,
                    1,
                    eq1,
                    employer_roles[j % len(employer_roles)],
                    person,
                    PERSONAS["gl"],
                    created,
                    statuses(j),
                )
            eq2 = eq_of[(2, employer)]
            for j in range(plan.small):
                aid += 1
                person = FIRST_PLAIN_USER + 500 + j
                yield attribution(
                    aid,
                    2,
                    eq2,
                    employer_roles[j % len(employer_roles)],
                    person,
                    PERSONAS["gl"],
                    now - timedelta(days=30 - j),
                    statuses(j),
                )
            # The holder: one attribution in each of `holder` enterprises.
            for j in range(plan.holder):
                aid += 1
                k = 3 + plan.multi + 1 + j
                yield attribution(
                    aid,
                    k,
                    eq_of[(k, employer)],
                    employer_roles[j % 9],
                    PERSONAS["holder"],
                    gl_of(k),
                    now - timedelta(days=j % 700),
                    statuses(j),
                )
            for j in range(2):
                aid += 1
                k = 3 + plan.multi + 1 + j
                yield attribution(
                    aid,
                    k,
                    eq_of[(k, employer)],
                    employer_roles[(j + 5) % 9],
                    PERSONAS["few"],
                    gl_of(k),
                    now - timedelta(days=10 + j),
                    "active",
                )
            # The rest, spread over the other registered enterprises.
            rest = plan.attributions - aid
            others = plan.registered - 2
            for j in range(rest):
                aid += 1
                k = 3 + j % others
                slot = j // others
                person = FIRST_PLAIN_USER + (k * 31 + slot) % (plan.people - FIRST_PLAIN_USER)
                created = now - timedelta(seconds=rng.randint(0, three_years))
                yield attribution(
                    aid,
                    k,
                    eq_of[(k, employer)],
                    employer_roles[slot % 9],
                    person,
                    gl_of(k),
                    created,
                    statuses(j),
                )

        columns = [
            "id",
            "created_at",
            "updated_at",
            "national_number",
            "first_name",
            "last_name",
            "email",
            "status",
            "valid_from",
            "valid_until",
            "source",
            "ended_at",
            "reminder_sent_at",
            "ended_by_id",
            "enterprise_id",
            "enterprise_quality_id",
            "granted_by_id",
            "invitation_id",
            "link_id",
            "person_id",
            "role_id",
        ]
        attributions = _copy(cur, "roles_roleattribution", columns, attribution_rows())

        # --- audit events ----------------------------------------------------------------
        step("audit events")
        details = json.dumps({})

        cur.execute("SELECT coalesce(max(id), 0) FROM portal_auditevent")
        first_event = cur.fetchone()[0]

        def events():
            eid = first_event
            for aid, k, actor, created in attributions_meta:
                eid += 1
                yield (
                    eid,
                    created,
                    "bench",
                    "role.granted",
                    "roles.roleattribution",
                    str(aid),
                    "",
                    details,
                    None,
                    actor,
                    k,
                )
            for d in designations:
                eid += 1
                yield (
                    eid,
                    d[1],
                    "bench",
                    "designation.accepted",
                    "enterprises.designation",
                    str(d[0]),
                    f"{d[5]} {d[6]}",
                    details,
                    None,
                    d[17],
                    d[18],
                )
            # A long chain history for the largest enterprise (50 pages).
            for n in range(2_500):
                eid += 1
                yield (
                    eid,
                    now - timedelta(hours=n),
                    "bench",
                    "designation.revoked",
                    "enterprises.designation",
                    "0",
                    "",
                    details,
                    None,
                    PERSONAS["rae"],
                    1,
                )

        events_count = _copy(
            cur,
            "portal_auditevent",
            [
                "id",
                "created_at",
                "actor_label",
                "action",
                "target_type",
                "target_id",
                "target_label",
                "details",
                "ip_address",
                "actor_id",
                "enterprise_id",
            ],
            events(),
        )
        attributions_meta.clear()

        step("sequences and statistics")
        for table in (
            "accounts_user",
            "account_emailaddress",
            "enterprises_enterprise",
            "enterprises_mandate",
            "enterprises_registration",
            "enterprises_enterprisequality",
            "enterprises_designation",
            "enterprises_enterpriseuserobjectpermission",
            "enterprises_enterprisequalityuserobjectpermission",
            "roles_roleattribution",
            "portal_auditevent",
        ):
            cur.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608 (fixed names)
                f"(SELECT coalesce(max(id), 1) FROM {table}))",
                [table],
            )
    elapsed_load = time.perf_counter() - start
    # VACUUM outside a transaction: statistics and the visibility map (index-only scans).
    vacuum_start = time.perf_counter()
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    counts = {
        "enterprises": plan.enterprises,
        "registered": plan.registered,
        "people": plan.people,
        "designations": len(designations),
        "attributions": attributions,
        "largest enterprise's attributions": plan.largest,
        "audit events": events_count,
        "multi person's enterprises": plan.multi,
    }
    return {
        "counts": counts,
        "load_seconds": elapsed_load,
        "vacuum_seconds": time.perf_counter() - vacuum_start,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the issue's figures")
    parser.add_argument(
        "--recreate", action="store_true", help="drop and create the database, then migrate"
    )
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_scale")
    os.environ["DATABASE_URL"] = url
    if args.recreate:
        print(f"recreating {url.rsplit('/', 1)[1]}")
        recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    from enterprises.models import Enterprise

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_seconds = time.perf_counter() - started
    if Enterprise.objects.exists():
        print("The database already holds enterprises: run with --recreate.", file=sys.stderr)
        return 2
    plan = Plan(args.scale)
    result = generate(plan)
    for name, value in result["counts"].items():
        print(f"{name:>36}: {value:,}")
    print(
        f"migrate {migrate_seconds:.1f} s, COPY {result['load_seconds']:.1f} s, "
        f"VACUUM ANALYZE {result['vacuum_seconds']:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
