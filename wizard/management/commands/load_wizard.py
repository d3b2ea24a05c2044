from django.core.management.base import BaseCommand

from wizard.content.loader import load_content


class Command(BaseCommand):
    help = "Load the help wizard's initial pages (fr, nl, de, en). Existing pages are kept."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Reset the seed's pages to their initial content (editors' changes are lost).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only say what would load.")

    def handle(self, *args, overwrite: bool = False, dry_run: bool = False, **options) -> None:
        stdout = self.stdout if options.get("verbosity", 1) > 0 else None
        load_content(overwrite=overwrite, dry_run=dry_run, stdout=stdout)
