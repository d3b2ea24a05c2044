"""Benchmark of `manage.py import_cbe`: 100,000 enterprises in the KBO/BCE open data layout.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import
    .venv/bin/python bench/import_cbe.py                 # PostgreSQL (the database must exist)
    unset DATABASE_URL; .venv/bin/python bench/import_cbe.py   # SQLite, in a temporary file
    .venv/bin/python bench/import_cbe.py --enterprises 20000 --reimport --tracemalloc

Generates enterprise.csv, denomination.csv, address.csv, code.csv (the names of the juridical
forms used) and mandates.csv in a temporary folder
(streamed to disk, reproducible: fixed seed), migrates the database, then runs the import
through `call_command` and prints its time and the peak memory. `--reimport` runs it a second
time on the same files (the update path: every row already exists).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FIRST_NAMES = [
    "Lucie",
    "Jan",
    "Sophie",
    "Pieter",
    "Anna",
    "Marc",
    "Nadia",
    "Koen",
    "Hélène",
    "Lukas",
]
SURNAMES = [
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
    "Wouters", "De Smet", "Dubois", "Lambert", "Dupont", "Martin", "Renard", "Lemaire",
    "Schmitz", "Kessler", "Thelen", "Mathieu", "Lefèvre", "Collignon", "Verbeke", "Desmet",
]  # fmt: skip
TRADES = [
    ("Boulangerie", "Bakkerij"), ("Garage", "Garage"), ("Imprimerie", "Drukkerij"),
    ("Menuiserie", "Schrijnwerkerij"), ("Pharmacie", "Apotheek"), ("Transports", "Transport"),
    ("Librairie", "Boekhandel"), ("Boucherie", "Slagerij"), ("Brasserie", "Brouwerij"),
    ("Fleuriste", "Bloemist"), ("Électricité", "Elektriciteit"), ("Construction", "Bouw"),
]  # fmt: skip
FORMS = [("610", "SRL", "BV"), ("014", "SA", "NV"), ("017", "ASBL", "vzw"), ("706", "SC", "CV")]
# code.csv rows of those forms (the registry's names; 017 and 706 in French and Dutch only).
FORM_NAMES = [
    ("014", "FR", "Société anonyme"), ("014", "NL", "Naamloze vennootschap"),
    ("014", "DE", "Aktiengesellschaft"), ("014", "EN", "Public limited company"),
    ("017", "FR", "Association sans but lucratif"),
    ("017", "NL", "Vereniging zonder winstoogmerk"),
    ("610", "FR", "Société à responsabilité limitée"), ("610", "NL", "Besloten vennootschap"),
    ("610", "DE", "Gesellschaft mit beschränkter Haftung"),
    ("610", "EN", "Private limited company"),
    ("706", "FR", "Société coopérative"), ("706", "NL", "Coöperatieve vennootschap"),
]  # fmt: skip
TOWNS = [
    ("1000", "Brussel", "Bruxelles", "Nieuwstraat", "Rue Neuve"),
    ("9000", "Gent", "Gand", "Veldstraat", "Veldstraat"),
    ("2000", "Antwerpen", "Anvers", "Meir", "Meir"),
    ("4000", "Luik", "Liège", "Sint-Gillisstraat", "Rue Saint-Gilles"),
    ("5000", "Namen", "Namur", "Engelenstraat", "Rue de l'Ange"),
    ("4700", "Eupen", "Eupen", "Gospertstraße", "Gospertstraße"),
    ("3000", "Leuven", "Louvain", "Bondgenotenlaan", "Bondgenotenlaan"),
    ("7000", "Bergen", "Mons", "Grote Markt", "Grand-Place"),
]  # fmt: skip


def enterprise_number(index: int) -> str:
    first = 3_000_000 + index  # 0300.000.0xx onwards: the first digit stays 0
    number = f"{first:08d}{97 - first % 97:02d}"
    return f"{number[:4]}.{number[4:7]}.{number[7:]}"


def national_number(rng: random.Random) -> str:
    base = int(f"{rng.randint(50, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
               f"{rng.randint(1, 997):03d}")  # fmt: skip
    return f"{base:09d}{97 - base % 97:02d}"


def write_codes(directory: Path) -> int:
    """code.csv with the names of FORMS; returns its number of data rows."""
    with (directory / "code.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(["Category", "Code", "Language", "Description"])
        writer.writerows(("JuridicalForm", *row) for row in FORM_NAMES)
    return len(FORM_NAMES)


def generate(directory: Path, count: int, seed: int = 2026) -> dict[str, int]:
    """Write the five files; returns the number of data rows of each."""
    rng = random.Random(seed)
    rows = dict.fromkeys(["enterprise", "denomination", "address", "mandates"], 0)
    files = {
        name: (directory / f"{name}.csv").open("w", newline="", encoding="utf-8") for name in rows
    }
    writers = {
        name: csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
        for name, handle in files.items()
    }
    writers["enterprise"].writerow(["EnterpriseNumber", "Status", "JuridicalSituation",
        "TypeOfEnterprise", "JuridicalForm", "JuridicalFormCAC", "StartDate"])  # fmt: skip
    writers["denomination"].writerow(
        ["EntityNumber", "Language", "TypeOfDenomination", "Denomination"]
    )
    writers["address"].writerow(["EntityNumber", "TypeOfAddress", "CountryNL", "CountryFR",
        "Zipcode", "MunicipalityNL", "MunicipalityFR", "StreetNL", "StreetFR", "HouseNumber",
        "Box", "ExtraAddressInfo", "DateStrikingOff"])  # fmt: skip
    writers["mandates"].writerow(["EnterpriseNumber", "NationalNumber", "FirstName", "LastName",
        "Function", "SigningAuthority", "StartDate", "EndDate"])  # fmt: skip
    try:
        for index in range(count):
            number = enterprise_number(index)
            code, form_fr, form_nl = rng.choice(FORMS)
            status = "ST" if rng.random() < 0.05 else "AC"
            start = f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-{rng.randint(1960, 2024)}"
            writers["enterprise"].writerow([number, status, "000", "2", code, "", start])
            trade_fr, trade_nl = rng.choice(TRADES)
            surname = rng.choice(SURNAMES)
            dutch = rng.random() < 0.55
            name_nl = f"{trade_nl} {surname} {index} {form_nl}"
            name_fr = f"{trade_fr} {surname} {index} {form_fr}"
            writers["denomination"].writerow([number, "2" if dutch else "1", "001",
                                              name_nl if dutch else name_fr])  # fmt: skip
            rows["denomination"] += 1
            if rng.random() < 0.3:  # bilingual (Brussels)
                writers["denomination"].writerow([number, "1" if dutch else "2", "001",
                                                  name_fr if dutch else name_nl])  # fmt: skip
                rows["denomination"] += 1
            if rng.random() < 0.1:
                writers["denomination"].writerow([number, "0", "002", f"{surname[:3].upper()}"])
                rows["denomination"] += 1
            zipcode, town_nl, town_fr, street_nl, street_fr = rng.choice(TOWNS)
            writers["address"].writerow([number, "REGO", "", "", zipcode, town_nl, town_fr,
                street_nl, street_fr, str(rng.randint(1, 300)), "", "", ""])  # fmt: skip
            rows["address"] += 1
            if rng.random() < 0.3:
                for function in ("Gérant", "Administrateur")[: rng.randint(1, 2)]:
                    writers["mandates"].writerow([number, national_number(rng),
                        rng.choice(FIRST_NAMES), surname, function,
                        "true" if rng.random() < 0.8 else "false", start, ""])  # fmt: skip
                    rows["mandates"] += 1
            rows["enterprise"] += 1
    finally:
        for handle in files.values():
            handle.close()
    rows["code"] = write_codes(directory)
    return rows


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    # Production mode by default: no query log (DEBUG would keep every bulk INSERT's SQL).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "a1b2c3d4e5" * 5)
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("EMAIL_HOST", "localhost")  # required when DEBUG is off; unused here
    if not os.environ.get("DATABASE_URL"):
        path = Path(tempfile.mkdtemp(prefix="bench-import-db-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()


def maxrss_mib() -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--reimport", action="store_true", help="import a second time")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also measure Python's peak (slower)"
    )
    args = parser.parse_args()

    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    call_command("migrate", verbosity=0, interactive=False)

    with tempfile.TemporaryDirectory(prefix="bench-import-cbe-") as folder:
        directory = Path(folder)
        began = time.perf_counter()
        rows = generate(directory, args.enterprises)
        size = sum(f.stat().st_size for f in directory.iterdir()) / 2**20
        print(f"Generated {rows} ({size:.1f} MiB) in {time.perf_counter() - began:.1f} s")
        print(f"Database: {engine}; resident memory before the import: {maxrss_mib():.0f} MiB")

        for run in ("import", "re-import")[: 2 if args.reimport else 1]:
            if args.tracemalloc:
                tracemalloc.start()
            began, cpu = time.perf_counter(), cpu_seconds()
            call_command("import_cbe", str(directory), verbosity=1)
            elapsed, cpu = time.perf_counter() - began, cpu_seconds() - cpu
            # CPU time of this process too: wall time depends on the machine's other load.
            line = (
                f"{run}: {elapsed:.1f} s wall, {cpu:.1f} s CPU in this process, "
                f"peak resident memory {maxrss_mib():.0f} MiB"
            )
            if args.tracemalloc:
                line += f", Python peak {tracemalloc.get_traced_memory()[1] / 2**20:.0f} MiB"
                tracemalloc.stop()
            print(line)


if __name__ == "__main__":
    main()
