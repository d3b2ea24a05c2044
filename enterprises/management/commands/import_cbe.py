"""manage.py import_cbe DIR [--dry-run]: load the CBE/KBO open data files into the mirror."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from enterprises.importer import BATCH_SIZE, MalformedImport, import_cbe


class Command(BaseCommand):
    help = (
        "Import enterprise.csv, denomination.csv, address.csv, code.csv (KBO/BCE open data "
        "layout) and mandates.csv from DIR. All or nothing: one malformed row and nothing is "
        "written."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="folder holding the CSV files")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="validate and count what would change, then roll everything back",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="rows per batch")

    def handle(self, *args, directory: Path, dry_run: bool, batch_size: int, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            report = import_cbe(directory, dry_run=dry_run, batch_size=batch_size)
        except MalformedImport as exc:
            for error in exc.report.errors:
                self.stderr.write(str(error))
            raise CommandError(str(exc)) from None

        verbosity = options.get("verbosity", 1)
        if verbosity >= 1:
            for name, counts in report.files.items():
                line = f"{name}: {counts.read} read, {counts.created} created, "
                line += f"{counts.updated} updated, {counts.skipped} skipped"
                if counts.ended:
                    line += f", {counts.ended} ended (absent from this import)"
                self.stdout.write(line)
            if report.unnamed:
                self.stdout.write(f"{report.unnamed} enterprise(s) without a denomination.")
        verb = "Dry run, nothing written" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb} in {report.elapsed:.2f} s."))
