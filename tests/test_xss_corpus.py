"""An XSS corpus submitted in every text field of every form comes out inert.

Each test submits the payloads through the real form (as the person who may use it), then
reads every page that shows the value: the lists, the detail pages, the chain page and its
SVG picture, the profile, the e-mails' HTML part and the admin change lists. "Inert" means:
the value is there, escaped; no inline script without the page's nonce; no `on…=` event
attribute; no `javascript:` URL; no template code evaluated. Where a field legitimately
refuses the value (an e-mail field), the form says so and nothing is created.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from enterprises.models import Designation, Enterprise
from portal.models import AuditEvent
from roles.models import AccessLink, Invitation, InvitationBatch, RoleAttribution

from .personas import World, new_person, renamed
from .security_helpers import snapshot
from .test_csrf_and_safe_methods import client_for

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "<svg onload=alert(1)>",
    "{{7*7}}",
    "'-alert(1)-'",
    "</title><script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "{% debug %}<iframe src=javascript:alert(1)>",
    "<details open ontoggle=alert(1)>",
]


def _is_valid_email(value: str) -> bool:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


# `{{7*7}}@example.test` is a valid address (RFC 5322 allows the characters): accepted, inert.
EMAIL_PAYLOADS = [p for p in PAYLOADS if not _is_valid_email(f"{p}@example.test")]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}


class _Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            scheme = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name in URL_ATTRIBUTES and scheme.startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag in ("script", "iframe", "object", "embed"):
            if tag != "script" or not ("nonce" in attributes or "src" in attributes):
                self.problems.append(f"<{tag}> without the page's nonce")
            self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(" in data:
            self.problems.append(f"script content {data[:80]!r}")


def assert_inert_html(html: str | bytes, payload: str | None = None, *, where: str = "") -> None:
    text = html.decode() if isinstance(html, bytes) else html
    inspector = _Inspector()
    inspector.feed(text)
    inspector.close()
    assert not inspector.problems, f"{where}: {inspector.problems}"
    assert "<script>alert" not in text.lower(), where
    if payload is not None:
        # The value reached the page, escaped as text (so the check above is not vacuous).
        assert escape(payload) in text or _escaped_loosely(payload) in text, (
            f"{where}: the value is not shown"
        )


def _escaped_loosely(payload: str) -> str:
    # A few templates escape through other filters (e.g. `'` as `&#39;`).
    return escape(payload).replace("&#x27;", "&#39;")


def assert_inert_svg(body: bytes, payload: str | None, *, where: str = "chain.svg") -> None:
    # Our own response in a test; well formed only if every value was escaped.
    root = ET.fromstring(body)  # noqa: S314
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        assert tag not in ("script", "foreignObject", "iframe"), where
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1]
            assert not local.startswith("on"), f"{where}: {name}"
            if local == "href":
                assert not value.strip().lower().startswith("javascript:"), where
    if payload is not None:
        assert payload in "".join(root.itertext()), f"{where}: the value is not shown as text"


def assert_inert_mails(messages, payload: str, *, shown: bool = True) -> None:
    assert messages, "no e-mail was sent"
    for message in messages:
        [(html, mimetype)] = message.alternatives
        assert mimetype == "text/html"
        assert_inert_html(html, payload if shown else None, where=f"e-mail {message.subject!r}")
        assert "\n" not in message.subject and "\r" not in message.subject


@pytest.fixture(params=PAYLOADS, ids=lambda p: re.sub(r"\W+", "_", p)[:24])
def payload(request):
    return request.param


def _get(user, url):
    response = client_for(user, enforce_csrf=False).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def _admin_changelist(world: World, model: str, payload: str, *, search: str = "") -> None:
    url = reverse(f"admin:{model}_changelist") + (f"?q={search}" if search else "")
    response = _get(world.admin, url)
    assert_inert_html(response.content, payload, where=url)


# --- Designations and registration -------------------------------------------------------------


def test_designated_names_are_inert_everywhere(world, payload, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    data = {**new_person(11), "first_name": payload, "last_name": payload}
    url = reverse("enterprises:designate_gl", args=[world.enterprise.number, world.eq.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.chain.rae, enforce_csrf=False).post(url, data)
    assert response.status_code == 302
    assert Designation.objects.filter(first_name=payload, last_name=payload).exists()
    number = world.enterprise.number
    for page in ("enterprises:detail", "enterprises:chain"):
        assert_inert_html(_get(world.chain.rae, reverse(page, args=[number])).content, payload)
    svg = _get(world.chain.rae, reverse("enterprises:chain_svg", args=[number]))
    assert_inert_svg(svg.content, payload)
    assert_inert_mails(mail.outbox, payload)
    _admin_changelist(world, "enterprises_designation", payload)


def test_the_registration_form_names_are_inert(world, payload):
    data = {
        **new_person(12, "rae-"),
        "rae-first_name": payload,
        "rae-last_name": payload,
        "co_rae-TOTAL_FORMS": "1",
        "co_rae-INITIAL_FORMS": "0",
        **new_person(13, "co_rae-0-"),
        "co_rae-0-first_name": payload,
    }
    url = reverse("enterprises:register_designate", args=[world.unregistered.number])
    response = client_for(world.lr_new, enforce_csrf=False).post(url, data)
    assert response.status_code == 302
    page = _get(world.lr_new, reverse("enterprises:chain", args=[world.unregistered.number]))
    assert_inert_html(page.content, payload)


@pytest.mark.parametrize("field", ["email", "rae-email"])
@pytest.mark.parametrize("bad", EMAIL_PAYLOADS, ids=lambda p: re.sub(r"\W+", "_", p)[:24])
def test_an_email_field_refuses_the_payload_with_a_form_error(world, bad, field):
    if field == "email":
        url = reverse("enterprises:designate_co_rae", args=[world.enterprise.number])
        data, user = {**new_person(14), "email": f"{bad}@example.test"}, world.chain.rae
    else:
        url = reverse("enterprises:register_designate", args=[world.unregistered.number])
        data = {
            **new_person(15, "rae-"),
            "rae-email": f"{bad}@example.test",
            "co_rae-TOTAL_FORMS": "0",
            "co_rae-INITIAL_FORMS": "0",
        }
        user = world.lr_new
    before = snapshot()
    response = client_for(user, enforce_csrf=False).post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert_inert_html(response.content)
    assert snapshot() == before


def test_an_enterprise_name_from_the_registry_is_inert(
    world, payload, django_capture_on_commit_callbacks
):
    """Names come from the registry files (import_cbe); a hostile name stays text everywhere."""
    world = renamed(world, payload)
    number = world.enterprise.number
    for page in ("enterprises:detail", "enterprises:chain"):
        assert_inert_html(_get(world.chain.rae, reverse(page, args=[number])).content, payload)
    assert_inert_svg(
        _get(world.chain.rae, reverse("enterprises:chain_svg", args=[number])).content, payload
    )
    assert_inert_html(_get(world.chain.gl, reverse("roles:list", args=[world.eq.pk])).content)
    assert_inert_html(_get(world.chain.user, reverse("roles:profile")).content, payload)
    # The invitation e-mail's subject and body name the enterprise.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.chain.gl, enforce_csrf=False).post(
            reverse("roles:invite", args=[world.eq.pk]),
            {"roles": [world.dimona.pk], "invitees": "Ann; Smith; ann@example.test"},
        )
    assert_inert_mails(mail.outbox, payload)
    _admin_changelist(world, "enterprises_enterprise", payload)


def test_import_cbe_names_are_inert(tmp_path, payload):
    from enterprises.tests.test_import_cbe import run, small_dataset

    small_dataset(
        tmp_path,
        denomination=[
            ["0403.170.701", "1", "001", payload],
            ["0456.789.430", "2", "001", f"Brouwerij {payload}"],
        ],
    )
    run(tmp_path)
    assert Enterprise.objects.filter(name=payload).exists()
    response = client_for(None, enforce_csrf=False).get(
        reverse("enterprises:search"), {"q": "0403.170.701"}
    )
    assert_inert_html(response.content, payload, where="public search")
    from accounts.tests.factories import UserFactory
    from enterprises.tests.test_import_cbe import LUCIE

    lr = UserFactory(national_number=LUCIE)
    page = _get(lr, reverse("enterprises:register_designate", args=["0403170701"]))
    assert_inert_html(page.content, payload, where="registration of the imported enterprise")
    admin = UserFactory(is_staff=True, is_superuser=True, national_number=None)
    page = _get(admin, reverse("admin:enterprises_enterprise_changelist"))
    assert_inert_html(page.content, payload, where="admin enterprises")


# --- Role management ---------------------------------------------------------------------------


def test_invitation_names_and_message_are_inert(world, payload, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    user = world.chain.co_rae  # signed up already: accepts from the e-mail
    data = {
        "roles": [world.dimona.pk],
        "invitees": f"{payload}; {payload}; {user.email}",
        "message": payload,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.chain.gl, enforce_csrf=False).post(
            reverse("roles:invite", args=[world.eq.pk]), data
        )
    assert response.status_code == 302, response.context and response.context["form"].errors
    invitation = Invitation.objects.get(email=user.email)
    assert (invitation.first_name, invitation.message) == (payload, payload)
    assert_inert_mails(mail.outbox, payload)
    assert_inert_html(
        _get(world.chain.gl, reverse("roles:invitations", args=[world.eq.pk])).content,
        payload,
        where="invitations list",
    )
    token = re.search(r"/invitations/([\w-]+)/", mail.outbox[0].body).group(1)
    page = _get(user, reverse("roles:invitation", args=[token]))
    assert_inert_html(page.content, where="the invitation page")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(user, enforce_csrf=False).post(
            reverse("roles:invitation", args=[token]), {"action": "accept"}
        )
    assert_inert_html(
        # Once accepted, the attribution carries the account's own names: still inert.
        _get(world.chain.gl, reverse("roles:list", args=[world.eq.pk])).content,
        where="attributions list",
    )
    assert_inert_html(_get(user, reverse("roles:profile")).content, where="profile")
    _admin_changelist(world, "roles_invitation", None)


def test_bulk_csv_cells_are_inert(world, payload, django_capture_on_commit_callbacks):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([payload, payload, "bulk@example.test", "dimona-declaration", "", ""])
    writer.writerow(["Ok", "Row", f"{payload}@x", f"{payload}", payload, payload])
    upload = SimpleUploadedFile("people.csv", buffer.getvalue().encode())
    client = client_for(world.chain.gl, enforce_csrf=False)
    response = client.post(
        reverse("roles:bulk_upload", args=[world.eq.pk]), {"file": upload, "message": payload}
    )
    assert response.status_code == 302
    batch = InvitationBatch.objects.latest("pk")
    preview = _get(world.chain.gl, reverse("roles:bulk_preview", args=[world.eq.pk, batch.pk]))
    assert_inert_html(preview.content, payload, where="bulk preview")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roles:bulk_preview", args=[world.eq.pk, batch.pk]))
    assert Invitation.objects.filter(first_name=payload).exists()
    assert_inert_mails(mail.outbox, payload)
    assert_inert_html(
        _get(world.chain.gl, reverse("roles:invitations", args=[world.eq.pk])).content, payload
    )


def test_direct_attribution_names_are_inert(world, payload, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    user = world.chain.co_gl
    data = {
        "roles": [world.dimona.pk],
        "national_number": user.national_number,
        "first_name": payload,
        "last_name": payload,
        "email": user.email,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.chain.gl, enforce_csrf=False).post(
            reverse("roles:direct", args=[world.eq.pk]), data
        )
    assert response.status_code == 302
    attribution = RoleAttribution.objects.get(first_name=payload)
    assert_inert_mails(mail.outbox, payload)
    for url in (
        reverse("roles:list", args=[world.eq.pk]),
        reverse("roles:attribution", args=[world.eq.pk, attribution.pk]),
    ):
        assert_inert_html(_get(world.chain.gl, url).content, payload, where=url)
    assert_inert_html(_get(user, reverse("roles:profile")).content)
    _admin_changelist(world, "roles_roleattribution", payload)


@pytest.mark.parametrize("bad", EMAIL_PAYLOADS, ids=lambda p: re.sub(r"\W+", "_", p)[:24])
def test_a_direct_attribution_email_field_refuses_the_payload(world, bad):
    before = snapshot()
    response = client_for(world.chain.gl, enforce_csrf=False).post(
        reverse("roles:direct", args=[world.eq.pk]),
        {
            "roles": [world.dimona.pk],
            "national_number": world.chain.user.national_number,
            "first_name": "A",
            "last_name": "B",
            "email": f"{bad}@example.test",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["email"]
    assert snapshot() == before


def test_published_link_labels_are_inert(world, payload, django_capture_on_commit_callbacks):
    data = {
        "label": payload,
        "roles": [world.dimona.pk],
        "expires_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "max_uses": "5",
        "requires_approval": "on",
    }
    gl = client_for(world.chain.gl, enforce_csrf=False)
    response = gl.post(reverse("roles:links", args=[world.eq.pk]), data)
    assert response.status_code == 302
    link = AccessLink.objects.get(label=payload)
    links_page = _get(world.chain.gl, reverse("roles:links", args=[world.eq.pk]))
    assert_inert_html(links_page.content, payload, where="links page")
    follow = _get(world.chain.user, reverse("roles:link_follow", args=[link.slug]))
    assert_inert_html(follow.content)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.chain.user, enforce_csrf=False).post(
            reverse("roles:link_follow", args=[link.slug])
        )
    assert_inert_mails(mail.outbox, payload)  # the manager is asked to approve
    _admin_changelist(world, "roles_accesslink", payload)


@pytest.mark.parametrize("bad", EMAIL_PAYLOADS, ids=lambda p: re.sub(r"\W+", "_", p)[:24])
def test_the_profile_email_change_refuses_the_payload(world, bad):
    before = snapshot()
    response = client_for(world.chain.user, enforce_csrf=False).post(
        reverse("roles:profile_email"),
        {"attributions": [world.attribution.pk], "new_email": f"{bad}@example.test"},
    )
    assert response.status_code == 200 and response.context["form"].errors["new_email"]
    assert_inert_html(response.content)
    assert snapshot() == before


# --- Contact centre, account settings ------------------------------------------------------------


def test_the_contact_centre_reason_is_inert(world, payload):
    reason = f"Caller {payload}"
    response = client_for(world.agent, enforce_csrf=False).post(
        reverse("enterprises:contact_centre"),
        {"number": world.enterprise.number, "reason": reason},
    )
    assert response.status_code == 200
    assert_inert_html(response.content)
    event = AuditEvent.objects.filter(action__startswith="contact_centre").latest("pk")
    assert reason in str(event.details)
    _admin_changelist(world, "portal_auditevent", None)
    change = _get(world.admin, reverse("admin:portal_auditevent_change", args=[event.pk]))
    assert_inert_html(change.content, where="audit event in the admin")


def test_account_settings_names_are_inert(world, payload, django_capture_on_commit_callbacks):
    rae = world.chain.rae
    client = client_for(rae, enforce_csrf=False)
    response = client.post(
        reverse("accounts:settings"),
        {
            "first_name": payload,
            "last_name": payload,
            "language": "fr",
            "national_number": rae.national_number,
        },
    )
    assert response.status_code == 302
    rae.refresh_from_db()
    assert rae.first_name == payload
    assert_inert_html(client.get(reverse("accounts:settings")).content, payload)
    number = world.enterprise.number
    for page in ("enterprises:detail", "enterprises:chain"):
        assert_inert_html(client.get(reverse(page, args=[number])).content, payload, where=page)
    # The picture shows the designations' own names (given when designated): still inert.
    assert_inert_svg(client.get(reverse("enterprises:chain_svg", args=[number])).content, None)
    # Their name is in the e-mails they cause (the designation link names who designated).
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enterprises:designate_co_rae", args=[number]), new_person(16))
    assert_inert_mails(mail.outbox, payload)
    _admin_changelist(world, "accounts_user", payload)


# --- The wizard's admin -----------------------------------------------------------------------


def _page_form(payload: str, slug: str) -> dict:
    data = {
        "slug": slug,
        "kind": "answer",
        "parent": "",
        "position": "0",
        "choices-TOTAL_FORMS": "0",
        "choices-INITIAL_FORMS": "0",
        "links-TOTAL_FORMS": "1",
        "links-INITIAL_FORMS": "0",
        "links-0-position": "0",
        "links-0-key": "evil",
        "links-0-kind": "external",
        "links-0-url": "javascript:alert(1)",
        "links-0-action": "",
        "links-0-target_page": "",
        "_save": "Save",
    }
    for language in ("fr", "nl", "de", "en"):
        data[f"title_{language}"] = payload
        data[f"body_{language}"] = f"{payload}\n\n[click](link:evil) [raw](javascript:alert(1))"
        data[f"footer_{language}"] = payload
    return data


def _admin_errors(response):
    context = response.context
    return [context["adminform"].form.errors] + [
        (formset.formset.errors, formset.formset.non_form_errors())
        for formset in context["inline_admin_formsets"]
    ]


def test_wizard_admin_fields_are_inert(world, payload):
    from wizard.models import Page

    admin = client_for(world.admin, enforce_csrf=False)
    slug = "xss-test"
    response = admin.post(reverse("admin:wizard_page_add"), _page_form(payload, slug))
    # A javascript: link is refused by the link form (an external link must be https).
    assert response.status_code == 200
    assert not Page.objects.filter(slug=slug).exists()
    assert_inert_html(response.content, where="the refused admin form")
    data = {k: v for k, v in _page_form(payload, slug).items() if not k.startswith("links-0-")}
    data["links-TOTAL_FORMS"] = "0"
    for language in ("fr", "nl", "de", "en"):
        data[f"body_{language}"] = f"{payload}\n\n[raw](javascript:alert(1)) <b onclick=x>b</b>"
    response = admin.post(reverse("admin:wizard_page_add"), data)
    assert response.status_code == 302, _admin_errors(response)
    page = Page.objects.get(slug=slug)
    changelist = admin.get(reverse("admin:wizard_page_changelist"))
    assert_inert_html(changelist.content, payload, where="wizard admin list")
    preview = admin.get(reverse("admin:wizard_page_preview", args=[page.pk]))
    assert_inert_html(preview.content, where="wizard preview")
    admin.post(reverse("admin:wizard_page_publish", args=[page.pk]))
    public = client_for(None, enforce_csrf=False).get(reverse("wizard:page", args=[slug]))
    if public.status_code == 200:
        assert_inert_html(public.content, payload, where="public wizard page")
    else:  # publication may refuse a page without its place in the tree: preview checked above
        assert public.status_code == 404
