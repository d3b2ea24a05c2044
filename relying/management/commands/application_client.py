"""Register an application of the catalogue as an OpenID client, for automation and tests.

    manage.py application_client APP_CODE --redirect-uri URI [--redirect-uri URI ...]
        [--public] [--events-url URL] [--allow-nrn] [--allow-citizens]

prints one JSON object, `{"client_id": ..., "client_secret": ...}` (no secret for a public
client). The secret is shown this once: it is stored hashed.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from portal.refusals import Refusal
from relying import services
from roles.models import Application


class Command(BaseCommand):
    help = "Register an application as an OpenID client; prints its client_id and secret."

    def add_arguments(self, parser):
        parser.add_argument("application", help="the application's code, e.g. dimona")
        parser.add_argument("--redirect-uri", action="append", required=True, dest="uris")
        parser.add_argument("--public", action="store_true", help="no secret; PKCE required")
        parser.add_argument("--events-url", default="", help="where security events are pushed")
        parser.add_argument("--allow-nrn", action="store_true", help="may receive egovnrn")
        parser.add_argument("--allow-citizens", action="store_true", help="open to citizens")

    def handle(self, *args, **options):
        application = Application.objects.filter(code=options["application"]).first()
        if application is None:
            known = ", ".join(Application.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"No application {options['application']!r} (known: {known}).")
        try:
            registration, secret = services.client_register(
                actor=None,
                application=application,
                redirect_uris=options["uris"],
                public=options["public"],
                events_url=options["events_url"],
                allow_nrn=options["allow_nrn"],
                allow_citizens=options["allow_citizens"],
            )
        except Refusal as refusal:
            raise CommandError(" ".join(refusal.messages)) from None
        output = {"client_id": registration.client.id}
        if secret is not None:
            output["client_secret"] = secret
        self.stdout.write(json.dumps(output))
