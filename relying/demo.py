"""The sample relying application (sample_app/) as the OpenID client of the demo application
Dimona, with the client id and secret its defaults know, so that `make sample` beside
`make run` signs the demo user in with nothing to configure.

Idempotent: the client is registered once; running `load_demo` again keeps it, its id and
its secret. The secret is published (it is in sample_app's defaults): demo data only.
"""

from relying import services
from relying.models import ApplicationClient
from roles.models import Application

APPLICATION = "dimona"
SAMPLE_URL = "http://127.0.0.1:8001"
CLIENT_ID = "sample-dimona"
CLIENT_SECRET = "sample-dimona-demo-secret"  # noqa: S105 (published demo secret, demo data only)
DEMO_USER = "user@demo.egov.example"


def load(*, password: str, stdout) -> list:
    application = Application.objects.filter(code=APPLICATION).first()
    if application is None:
        return []
    registration = (
        ApplicationClient.objects.filter(application=application).select_related("client").first()
    )
    if registration is None:
        register_sample_client(application)
    elif registration.client_id != CLIENT_ID:
        # Someone registered Dimona by hand: leave it, and say what the sample needs.
        stdout.write(
            f"{application.name} has the client {registration.client_id}: start the sample "
            "application with its SAMPLE_CLIENT_ID and SAMPLE_CLIENT_SECRET.\n"
        )
    return []


def register_sample_client(
    application: Application, *, events_url: str = f"{SAMPLE_URL}/events"
) -> ApplicationClient:
    registration, _secret = services.client_register(
        actor=None,
        application=application,
        redirect_uris=[f"{SAMPLE_URL}/callback"],
        events_url=events_url,
        client_id=CLIENT_ID,
        secret=CLIENT_SECRET,
    )
    return registration


def notes() -> list[str]:
    """The lines `make run` ends with about the sample application."""
    return [
        "Sample application (Dimona): in another terminal, `make sample`,",
        f"  then open {SAMPLE_URL} and sign in as the demo user ({DEMO_USER}).",
    ]
