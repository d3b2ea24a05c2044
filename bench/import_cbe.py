"""Benchmark of `manage.py import_cbe`: the KBO/BCE open data at 100,000 to 2,000,000 enterprises.

    createdb -h 127.0.0.1 -U postgres bench_import      # a database of its own: it is emptied
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import
    .venv/bin/python bench/import_cbe.py --enterprises 100000 --enterprises 2000000 --indexes
    unset DATABASE_URL; .venv/bin/python bench/import_cbe.py   # SQLite, in a temporary file

For each size: generates enterprise.csv, denomination.csv, address.csv, code.csv and
mandates.csv (streamed to disk, reproducible: fixed seeds) and a monthly update of 1 % of the
registry (`--update-fraction`: *_delete.csv / *_insert.csv), empties the registry mirror,
measures PostgreSQL's own COPY of the same files into bare tables (the physical floor), then
runs the import as a process of its own and prints its wall time, CPU time, peak resident
memory (of that process), rows per second and where the time went (per phase, with
PostgreSQL's CPU time when the server runs on this machine); `--reimport` imports the same
files again (every row unchanged); then the update. `--indexes` measures what the indexes of
the registry tables cost to maintain. The load average is printed beside every figure: the
machine may be shared.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
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


HEADERS = {
    "enterprise": ["EnterpriseNumber", "Status", "JuridicalSituation", "TypeOfEnterprise",
                   "JuridicalForm", "JuridicalFormCAC", "StartDate"],
    "denomination": ["EntityNumber", "Language", "TypeOfDenomination", "Denomination"],
    "address": ["EntityNumber", "TypeOfAddress", "CountryNL", "CountryFR", "Zipcode",
                "MunicipalityNL", "MunicipalityFR", "StreetNL", "StreetFR", "HouseNumber", "Box",
                "ExtraAddressInfo", "DateStrikingOff"],
    "mandates": ["EnterpriseNumber", "NationalNumber", "FirstName", "LastName", "Function",
                 "SigningAuthority", "StartDate", "EndDate"],
}  # fmt: skip
DELETE_HEADERS = {
    "enterprise": ["EnterpriseNumber"],
    "denomination": ["EntityNumber"],
    "address": ["EntityNumber"],
    "mandates": ["EnterpriseNumber"],
}


def enterprise_rows(index: int, rng: random.Random) -> dict[str, list[list[str]]]:
    """The rows of one enterprise in each file (the same draws, in the same order, as the
    generator of the first measurements: the files are the same)."""
    number = enterprise_number(index)
    rows: dict[str, list[list[str]]] = {name: [] for name in HEADERS}
    code, form_fr, form_nl = rng.choice(FORMS)
    status = "ST" if rng.random() < 0.05 else "AC"
    start = f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-{rng.randint(1960, 2024)}"
    rows["enterprise"].append([number, status, "000", "2", code, "", start])
    trade_fr, trade_nl = rng.choice(TRADES)
    surname = rng.choice(SURNAMES)
    dutch = rng.random() < 0.55
    name_nl = f"{trade_nl} {surname} {index} {form_nl}"
    name_fr = f"{trade_fr} {surname} {index} {form_fr}"
    rows["denomination"].append([number, "2" if dutch else "1", "001",
                                 name_nl if dutch else name_fr])  # fmt: skip
    if rng.random() < 0.3:  # bilingual (Brussels)
        rows["denomination"].append([number, "1" if dutch else "2", "001",
                                     name_fr if dutch else name_nl])  # fmt: skip
    if rng.random() < 0.1:
        rows["denomination"].append([number, "0", "002", f"{surname[:3].upper()}"])
    zipcode, town_nl, town_fr, street_nl, street_fr = rng.choice(TOWNS)
    rows["address"].append([number, "REGO", "", "", zipcode, town_nl, town_fr, street_nl,
                            street_fr, str(rng.randint(1, 300)), "", "", ""])  # fmt: skip
    if rng.random() < 0.3:
        for function in ("Gérant", "Administrateur")[: rng.randint(1, 2)]:
            nn, first = national_number(rng), rng.choice(FIRST_NAMES)
            signing = "true" if rng.random() < 0.8 else "false"
            rows["mandates"].append([number, nn, first, surname, function, signing, start, ""])
    return rows


class Writers:
    """CSV writers of the files of one folder, as the registry writes them (all quoted)."""

    def __init__(self, directory: Path, headers: dict[str, list[str]]):
        self.handles = {
            name: (directory / f"{name}.csv").open("w", newline="", encoding="utf-8")
            for name in headers
        }
        self.writers = {
            name: csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
            for name, handle in self.handles.items()
        }
        self.rows = dict.fromkeys(headers, 0)
        for name, header in headers.items():
            self.writers[name].writerow(header)

    def write(self, name: str, rows: list[list[str]]) -> None:
        self.writers[name].writerows(rows)
        self.rows[name] += len(rows)

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


def generate(directory: Path, count: int, seed: int = 2026) -> dict[str, int]:
    """Write the five files; returns the number of data rows of each."""
    rng = random.Random(seed)
    writers = Writers(directory, HEADERS)
    try:
        for index in range(count):
            for name, rows in enterprise_rows(index, rng).items():
                writers.write(name, rows)
    finally:
        writers.close()
    return {**writers.rows, "code": write_codes(directory)}


def generate_update(directory: Path, count: int, fraction: float, seed: int = 2027) -> dict:
    """A monthly update of `fraction` of a registry of `count` enterprises (generated by
    `generate`): a fifth of them deleted by the registry (with their names, addresses and
    mandates), half changed (deleted and inserted again with new names, addresses and
    mandates), and new enterprises for the rest. Returns the rows of each file."""
    rng = random.Random(seed)
    touched = max(round(count * fraction), 5)
    deleted_count, changed_count = touched // 5, touched // 2
    chosen = rng.sample(range(count), deleted_count + changed_count)
    deleted, changed = chosen[:deleted_count], chosen[deleted_count:]
    new = range(count, count + touched - deleted_count - changed_count)
    headers = {f"{name}_delete": header for name, header in DELETE_HEADERS.items()}
    headers |= {f"{name}_insert": header for name, header in HEADERS.items()}
    writers = Writers(directory, headers)
    try:
        for index in sorted(deleted + changed):
            for name in DELETE_HEADERS:
                writers.write(f"{name}_delete", [[enterprise_number(index)]])
        for index in [*sorted(changed), *new]:
            for name, rows in enterprise_rows(index, rng).items():
                writers.write(f"{name}_insert", rows)
    finally:
        writers.close()
    return {**writers.rows, "enterprises touched": touched}


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    # Production mode by default: no query log.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "a1b2c3d4e5" * 5)
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("EMAIL_HOST", "localhost")  # required when DEBUG is off; unused here
    import django

    django.setup()


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def data_rows(rows: dict) -> int:
    return sum(value for name, value in rows.items() if name != "enterprises touched")


# --- The import, in a process of its own -------------------------------------------------


def child(directory: str, update: bool) -> None:
    """Run one import and print its report as JSON (the parent measures this process)."""
    setup_django()
    from enterprises.importer import import_cbe

    report = import_cbe(directory, update=update)
    print(
        json.dumps(
            {
                "method": report.method,
                "elapsed": report.elapsed,
                "files": {name: vars(counts) for name, counts in report.files.items()},
                "timings": report.timings,
                "server_cpu": report.server_cpu,
            }
        )
    )


def measured_import(directory: Path, update: bool = False) -> dict:
    """Import `directory` in a child process: its wall time, CPU time and peak RSS."""
    command = [sys.executable, __file__, "--child", str(directory)]
    if update:
        command.append("--update")
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stdout.close()
    wall = time.perf_counter() - began
    if process.returncode:
        raise SystemExit(f"the import failed (exit code {process.returncode})")
    result = json.loads(output.decode().strip().splitlines()[-1])
    result |= {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        # ru_maxrss is in KiB on Linux.
        "rss": usage.ru_maxrss / 1024,
    }
    return result


def print_import(label: str, result: dict, rows: int, load_before: str) -> None:
    server = sum(result["server_cpu"].values())
    print(
        f"{label}: {result['wall']:.1f} s wall, {result['cpu']:.1f} s CPU in the import process"
        + (f", {server:.1f} s CPU in PostgreSQL" if server else "")
        + f", peak RSS {result['rss']:.0f} MiB, {rows / result['wall']:,.0f} rows/s "
        f"({result['method']} path; load {load_before} -> {loadavg()})"
    )
    for name, counts in result["files"].items():
        shown = ", ".join(f"{value} {key}" for key, value in counts.items() if value)
        print(f"    {name}: {shown}")
    print("    where the time went (wall s / PostgreSQL CPU s):")
    groups: dict[str, list[float]] = {}
    for phase, seconds in result["timings"].items():
        print(f"      {phase:<38} {seconds:7.2f}  {result['server_cpu'].get(phase, 0):7.2f}")
        group = phase.split(" ")[0].rstrip(":")
        total = groups.setdefault(group, [0.0, 0.0])
        total[0] += seconds
        total[1] += result["server_cpu"].get(phase, 0)
    summary = ", ".join(f"{group} {wall:.1f} s" for group, (wall, _cpu) in groups.items())
    print(f"    in all: {summary}")


# --- What PostgreSQL alone does with the same files --------------------------------------


def raw_connection():
    import psycopg
    from django.db import connection

    connection.ensure_connection()
    params = connection.get_connection_params()
    return psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})


def backend_cpu(conn) -> float:
    try:
        fields = Path(f"/proc/{conn.info.backend_pid}/stat").read_text().rsplit(")", 1)[1]
    except OSError:
        return 0.0
    parts = fields.split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")


def floor(directory: Path) -> tuple[float, float]:
    """PostgreSQL's own COPY of the same files into bare tables (text columns, no index, no
    check; the server parses the CSV): the physical floor of any import. (wall, server CPU)"""
    conn = raw_connection()
    wall = cpu = 0.0
    try:
        with conn.cursor() as cursor:
            for path in sorted(directory.glob("*.csv")):
                with path.open(encoding="utf-8") as handle:
                    header = next(csv.reader(handle))
                table = f"bench_floor_{path.stem}"
                columns = ", ".join(f"c{i} text" for i in range(len(header)))
                cursor.execute(f"CREATE TABLE {table} ({columns})")
                began, cpu_before = time.perf_counter(), backend_cpu(conn)
                with (
                    path.open("rb") as handle,
                    cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv, HEADER true)") as copy,
                ):
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
                wall += time.perf_counter() - began
                cpu += backend_cpu(conn) - cpu_before
    finally:
        conn.rollback()
        conn.close()
    return wall, cpu


def index_costs() -> None:
    """Where the write time goes: the registry tables' rows inserted again into a bare copy,
    then into a copy with the same indexes (any trigram index included); and each index
    built on its own. In a transaction rolled back."""
    conn = raw_connection()
    try:
        with conn.cursor() as cursor:
            for table in ("enterprises_enterprise", "enterprises_mandate"):
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed names)
                (rows,) = cursor.fetchone()
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                    "ORDER BY indexname",
                    [table],
                )
                indexes = cursor.fetchall()
                timings = {}
                for copy, including in (
                    ("bench_bare", ""),
                    ("bench_indexed", " INCLUDING INDEXES"),
                ):
                    cursor.execute(f"CREATE TABLE {copy} (LIKE {table}{including})")
                    began = time.perf_counter()
                    cursor.execute(f"INSERT INTO {copy} SELECT * FROM {table}")  # noqa: S608
                    timings[copy] = time.perf_counter() - began
                builds = []
                cursor.execute("TRUNCATE bench_bare")
                cursor.execute("INSERT INTO bench_bare SELECT * FROM " + table)  # noqa: S608
                for name, definition in indexes:
                    statement = definition.replace(f" ON public.{table} ", " ON bench_bare ")
                    statement = statement.replace(f"INDEX {name} ", f"INDEX bench_{name[-20:]} ")
                    began = time.perf_counter()
                    cursor.execute(statement)
                    kind = "GIN" if " USING gin " in definition else "B-tree"
                    builds.append(f"{name} ({kind}) {time.perf_counter() - began:.1f} s")
                cursor.execute("DROP TABLE bench_bare, bench_indexed")
                maintenance = timings["bench_indexed"] - timings["bench_bare"]
                print(
                    f"  {table}: {rows:,} rows inserted into a bare copy "
                    f"{timings['bench_bare']:.1f} s, with its {len(indexes)} indexes "
                    f"{timings['bench_indexed']:.1f} s (index maintenance {maintenance:.1f} s)"
                )
                print(f"    each index built alone: {'; '.join(builds)}")
                if not any(" USING gin " in definition for _n, definition in indexes):
                    print("    (no trigram index on this table)")
    finally:
        conn.rollback()
        conn.close()


def reset_mirror() -> None:
    """An empty registry mirror (this database is the benchmark's own)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE enterprises_enterprise, enterprises_juridicalform CASCADE")
            cursor.execute("VACUUM ANALYZE enterprises_enterprise")
        else:
            for table in (
                "enterprises_mandate",
                "enterprises_enterprise",
                "enterprises_juridicalform",
            ):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608


def run_size(count: int, args) -> None:
    from django.db import connection

    postgresql = connection.vendor == "postgresql"
    with tempfile.TemporaryDirectory(prefix="bench-import-cbe-") as folder:
        full, update = Path(folder) / "full", Path(folder) / "update"
        full.mkdir()
        update.mkdir()
        began = time.perf_counter()
        rows = generate(full, count)
        update_rows = generate_update(update, count, args.update_fraction)
        size = sum(f.stat().st_size for f in full.iterdir()) / 2**20
        print(
            f"\n== {count:,} enterprises: {rows} ({data_rows(rows):,} rows, {size:.0f} MiB), "
            f"update {update_rows}, generated in {time.perf_counter() - began:.0f} s"
        )
        reset_mirror()
        if postgresql:
            load = loadavg()
            wall, cpu = floor(full)
            print(
                f"floor: PostgreSQL's COPY of the same files into bare tables {wall:.1f} s wall "
                f"({cpu:.1f} s CPU in PostgreSQL), {data_rows(rows) / wall:,.0f} rows/s "
                f"(load {load} -> {loadavg()})"
            )
        load = loadavg()
        print_import("import", measured_import(full), data_rows(rows), load)
        if args.reimport:
            load = loadavg()
            print_import("re-import (unchanged)", measured_import(full), data_rows(rows), load)
        load = loadavg()
        print_import(
            f"update ({args.update_fraction:.0%} of the registry)",
            measured_import(update, update=True),
            data_rows(update_rows),
            load,
        )
        if postgresql and args.indexes:
            print("index maintenance (the same rows inserted again, rolled back):")
            index_costs()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--enterprises", type=int, action="append", help="registry sizes (repeat; 100000)"
    )
    parser.add_argument("--update-fraction", type=float, default=0.01)
    parser.add_argument("--reimport", action="store_true", help="import the same files again")
    parser.add_argument("--indexes", action="store_true", help="measure index maintenance")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--update", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.update)
        return
    if not os.environ.get("DATABASE_URL"):
        path = Path(tempfile.mkdtemp(prefix="bench-import-db-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"  # the children inherit it
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"Database: {engine}; {os.cpu_count()} CPUs; load average {loadavg()}")
    for count in args.enterprises or [100_000]:
        run_size(count, args)


if __name__ == "__main__":
    main()
