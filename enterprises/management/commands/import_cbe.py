"""manage.py import_cbe DIR [--update] [--dry-run]: load the CBE/KBO open data into the mirror."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from enterprises.importer import BATCH_SIZE, METHODS, MalformedImport, import_cbe


class Command(BaseCommand):
    help = (
        "Import enterprise.csv, denomination.csv, address.csv, code.csv (KBO/BCE open data "
        "layout) and mandates.csv from DIR; with --update, the monthly update files "
        "(*_delete.csv, *_insert.csv). All or nothing: one malformed row and nothing is "
        "written."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="folder holding the CSV files")
        parser.add_argument(
            "--update",
            action="store_true",
            help="apply the update files: enterprise_delete.csv, enterprise_insert.csv, "
            "denomination_*, address_*, mandates_* (deletions first, by entity number)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="validate and count what would change, then roll everything back",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="rows per batch")
        parser.add_argument(
            "--method",
            choices=METHODS,
            default="auto",
            help="auto: PostgreSQL's COPY path on PostgreSQL, the Python path elsewhere",
        )

    def handle(self, *args, directory: Path, update, dry_run, batch_size, method, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            report = import_cbe(
                directory, dry_run=dry_run, update=update, batch_size=batch_size, method=method
            )
        except MalformedImport as exc:
            errors = exc.report.errors
            for error in errors:
                self.stderr.write(str(error))
            if errors.total > len(errors):
                self.stderr.write(f"... and {errors.total - len(errors)} more malformed row(s).")
            raise CommandError(str(exc)) from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None

        verbosity = options.get("verbosity", 1)
        if verbosity >= 1:
            for name, counts in report.files.items():
                line = f"{name}: {counts.read} read, {counts.created} created, "
                line += f"{counts.updated} updated, {counts.skipped} skipped"
                if counts.stopped:
                    line += f", {counts.stopped} stopped (deleted by the registry)"
                if counts.ended:
                    line += f", {counts.ended} ended (absent from this import)"
                self.stdout.write(line)
            if report.unnamed:
                self.stdout.write(f"{report.unnamed} enterprise(s) without a denomination.")
            if report.flagged:
                self.stdout.write(
                    f"{report.flagged} registered enterprise(s) stopped by the registry: "
                    "flagged to their RAE and the contact centre."
                )
        if verbosity >= 2:
            self.stdout.write(f"Where the time went ({report.method} path):")
            for phase, seconds in report.timings.items():
                line = f"  {phase:<40} {seconds:8.2f} s"
                if phase in report.server_cpu:
                    line += f"  ({report.server_cpu[phase]:.2f} s of the database's CPU)"
                self.stdout.write(line)
        verb = "Dry run, nothing written" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb} in {report.elapsed:.2f} s."))
