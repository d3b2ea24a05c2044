"""Rewrite every second-factor secret under SECRET_KEY's key, after a key rotation.

Rotating SECRET_KEY: the new key in SECRET_KEY, the old one in SECRET_KEY_FALLBACKS; deploy
(every TOTP secret and recovery-code seed still reads, accounts/mfa_adapter.py); run this
command; then the old key may leave SECRET_KEY_FALLBACKS. Until it has run, removing the old key
locks every person who enrolled before the rotation out of their second factor.

All in one transaction: a secret that no configured key reads stops the command and nothing is
written (the ids are named, never the values).
"""

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.mfa_adapter import UnreadableSecret, map_secrets, reencrypt_secret

TYPES = (Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)


class Command(BaseCommand):
    help = "Re-encrypt the stored TOTP secrets and recovery-code seeds with SECRET_KEY's key."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check that every secret reads and count them; write nothing.",
        )

    def handle(self, *args, dry_run: bool = False, verbosity: int = 1, **options):
        rewritten, unreadable = 0, []
        with transaction.atomic():
            authenticators = (
                Authenticator.objects.select_for_update().filter(type__in=TYPES).order_by("pk")
            )
            for authenticator in authenticators:
                try:
                    data = map_secrets(authenticator.type, authenticator.data, reencrypt_secret)
                except UnreadableSecret:
                    unreadable.append(authenticator.pk)
                    continue
                if not dry_run:
                    authenticator.data = data
                    authenticator.save(update_fields=["data"])
                rewritten += 1
            if unreadable:
                raise CommandError(
                    f"{len(unreadable)} authenticator(s) hold a secret that no configured key "
                    f"reads (ids {', '.join(map(str, unreadable))}); nothing was changed."
                )
        if verbosity:
            verb = "would be re-encrypted" if dry_run else "re-encrypted"
            self.stdout.write(f"{rewritten} authenticator(s) {verb}.")
